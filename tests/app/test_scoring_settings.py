"""The scoring settings (attempts/settings.py): one definition from the app's config, used by every path
that scores or extends an attempt."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.attempts.settings import ScoringSettings, scoring_settings
from quizapp.bank.item_parameters import RHO_AREA_KEY, RHO_KEY
from quizapp.extensions import db
from quizapp.models import Attempt, ModelSetting, SkillResult, utcnow
from quizapp.scoring.adaptive import AdaptiveSettings
from tests.helpers import Learner, items_of, make_app, right_answer, with_fixture_bank

# P(gap) >= 0 always: every skill with an answer is a gap, however well it was answered.
EVERYTHING_IS_A_GAP = {"GAP_THRESHOLD": 0.0, "NO_GAP_THRESHOLD": 0.0}


@pytest.fixture
def app_with(tmp_path):
    """An app with these config overrides, the fixture bank imported."""
    made = []

    def build(**overrides):
        app = with_fixture_bank(make_app(tmp_path, **overrides))
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            db.session.remove()
            db.drop_all()


def statuses(app, public_id) -> set[str]:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        return {r.status for r in db.session.scalars(select(SkillResult).where(
            SkillResult.attempt_id == attempt.id, SkillResult.n_items > 0))}


def test_the_settings_come_from_the_config(app_with):
    app = app_with(GAP_THRESHOLD=0.8, NO_GAP_THRESHOLD=0.2, PRIOR_RHO=0.4, ADAPTIVE_SKILL_CAP=4, PRIOR_RHO_AREA=0.15,
                   PROFILE_HALF_LIFE_DAYS=10)
    with app.app_context():
        settings = scoring_settings()
        assert settings == ScoringSettings(gap_threshold=0.8, no_gap_threshold=0.2, rho=0.4, skill_cap=4,
                                           rho_area=0.15, half_life_days=10)
        # two answers per skill before its own call stops it when the limit has room for them, else one
        deployed = {"skill_choice": "decisive", "decide_low": 0.2, "decide_high": 0.8}   # the report's thresholds
        assert settings.adaptive(7, 3) == AdaptiveSettings(max_items=7, skill_cap=4, min_items=2, **deployed)
        assert settings.adaptive(7, 4) == AdaptiveSettings(max_items=7, skill_cap=4, min_items=1, **deployed)


def test_a_calibrated_correlation_replaces_the_configured_one(app_with):
    app = app_with(PRIOR_RHO=0.4)
    with app.app_context():
        assert scoring_settings().rho == 0.4
        db.session.add(ModelSetting(key=RHO_KEY, value="0.55"))  # as `quizapp calibrate` stores it
        db.session.commit()
        assert scoring_settings().rho == 0.55 and scoring_settings().gap_threshold == 0.7
        assert scoring_settings().rho_area == app.config["PRIOR_RHO_AREA"]
        db.session.add(ModelSetting(key=RHO_AREA_KEY, value="0.12"))
        db.session.commit()
        assert scoring_settings().rho_area == 0.12


def test_submitting_and_the_report_use_the_configured_thresholds(app_with):
    app = app_with(**EVERYTHING_IS_A_GAP)
    client = app.test_client()
    learner = Learner(client)
    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, right_answer(definition))
    learner.submit()
    assert statuses(app, learner.public_id) == {"gap"}
    report = client.get(f"/report/{learner.public_id}").text
    assert "at least 0 % sure you are below the target" in report and "means at most 0 %;" in report


def test_the_default_thresholds_on_the_report(app, client, learner):
    learner.start()
    learner.submit()
    report = client.get(f"/report/{learner.public_id}").text
    assert "at least 70 % sure you are below the target" in report and "means at most 30 %;" in report


@pytest.mark.parametrize("closed_by", ["the question page", "the cron sweep"])
def test_an_expired_attempt_is_scored_with_the_configured_thresholds(app_with, closed_by):
    app = app_with(**EVERYTHING_IS_A_GAP)
    client = app.test_client()
    learner = Learner(client)
    learner.start("timed")
    position, definition, _ = items_of(app, learner.public_id)[0]
    learner.answer(position, right_answer(definition))
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        attempt.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    if closed_by == "the cron sweep":
        assert "Submitted 1 expired attempt(s)." in app.test_cli_runner().invoke(
            args=["attempts", "close-expired"]).output
    else:
        assert client.get(learner.url(1)).status_code == 302
    assert statuses(app, learner.public_id) == {"gap"}


def test_adaptive_selection_uses_the_configured_skill_cap(app_with):
    app = app_with(ADAPTIVE_SKILL_CAP=1)
    learner = Learner(app.test_client())
    learner.start("adapt")
    position = 1
    while position <= len(items_of(app, learner.public_id)):  # each "next" adds a question until all stop
        learner.answer(position, right_answer(items_of(app, learner.public_id)[position - 1][1]))
        position += 1
    asked = Counter(definition["skills"][0] for _, definition, _ in items_of(app, learner.public_id))
    assert set(asked.values()) == {1}  # one question per skill, then each skill stopped at its cap


def test_next_after_an_adaptive_test_stopped_early_goes_to_the_overview(app_with):
    """Every skill stopped before the length limit: "next" on the last question leads to the overview,
    not to a slot that was never added (a 404)."""
    app = app_with(ADAPTIVE_SKILL_CAP=1)
    learner = Learner(app.test_client())
    learner.start("adapt")
    position, response = 1, None
    while position <= len(items_of(app, learner.public_id)):
        response = learner.answer(position, right_answer(items_of(app, learner.public_id)[position - 1][1]))
        position += 1
    slots = len(items_of(app, learner.public_id))
    assert slots < 5  # stopped before the limit of the fixture's adaptive assessment
    assert response.status_code == 303 and response.headers["Location"].endswith("/overview")
    assert learner.client.get(response.headers["Location"]).status_code == 200


def test_the_method_page_describes_the_skill_choice_in_use(app_with):
    for choice, words in (("decisive", "most likely to settle its call"), ("uncertainty", "whose decision is least certain")):
        page = app_with(ADAPTIVE_SKILL_CHOICE=choice).test_client().get("/method").text
        assert words in " ".join(page.split())
