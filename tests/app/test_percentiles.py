"""Percentiles on the report (reports/percentiles.py): whom they rank, the figures, the threshold, the page."""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import event, insert, select

from quizapp.extensions import db
from quizapp.models import Assessment, Attempt, SkillResult, utcnow
from quizapp.reports import view_model
from quizapp.reports.percentiles import learner_percentiles, standing_counts
from tests.helpers import add_user, items_of, recorded_statements, right_answer, wrong_answer

# The fixture bank's skills: two in the python area, one in math.
PYTHON, MATH = ("t.basics", "t.advanced"), ("t.math",)


def scores(python: float | tuple[float, float] | None = None, math: float | None = None) -> dict[str, float]:
    """Per-skill thetas: `python` for both python skills (or a pair), `math` for t.math; None leaves an area out."""
    out = {}
    if python is not None:
        out.update(zip(PYTHON, python if isinstance(python, tuple) else (python, python), strict=True))
    if math is not None:
        out["t.math"] = math
    return out


def ranked(thetas: dict[str, float], *, user_id: int | None = None, guest: str | None = None,
           assessment: str = "everything", status: str = "submitted", mode: str = "assessment",
           minutes_ago: int = 0) -> int:
    """An attempt with one SkillResult per skill, written directly (inside an app context); its id."""
    when = utcnow() - timedelta(minutes=minutes_ago)
    attempt = Attempt(public_id=secrets.token_urlsafe(12), user_id=user_id, guest_token=guest,
                      assessment_id=assessment, role_id="tester", mode=mode, question_count=5, status=status,
                      started_at=when - timedelta(minutes=5), submitted_at=when if status == "submitted" else None)
    attempt.results = [SkillResult(skill_id=skill, theta=theta, sd=0.5, p_gap=0.5, shortfall=0.1, target=0.0,
                                   status="uncertain", n_items=2) for skill, theta in thetas.items()]
    db.session.add(attempt)
    db.session.commit()
    return attempt.id


def guests(n: int, thetas: dict[str, float]) -> None:
    """`n` guest learners with one submitted attempt each."""
    for _ in range(n):
        ranked(thetas, guest=secrets.token_hex(8))


def percentiles(attempt_id: int, min_learners: int) -> dict | None:
    return learner_percentiles(db.session.get(Attempt, attempt_id), min_learners)


def figures(result: dict) -> dict[str, tuple[int, int | None]]:
    """{"overall" or area: (others, percentile)}."""
    return {"overall": (result["overall"]["others"], result["overall"]["percentile"]),
            **{a["area"]: (a["others"], a["percentile"]) for a in result["areas"]}}


# --- whom they rank, and the figures: on SQLite and PostgreSQL -------------------------------------------------

def test_each_learner_counts_once_with_the_latest_submitted_assessment_attempt(app_on_each_database):
    with app_on_each_database.app_context():
        ada, bob = add_user("ada@example.org"), add_user("bob@example.org")
        db.session.commit()
        # against mine, in python · math · overall:
        mine = ranked(scores(python=0.5, math=-1.0), guest="my-browser")           # python 0.5, math -1, overall 0
        ranked(scores(python=3.0, math=3.0), guest="my-browser", minutes_ago=60)   # my own older attempt: not an other
        ranked(scores(python=(0.5, 1.0), math=0.0), user_id=ada.id)                # above · above · above (0.5)
        ranked(scores(python=1.0, math=-2.0), guest="a-guest")                     # above · below · tied (0)
        ranked(scores(python=-1.0, math=-1.0), user_id=bob.id)                     # below · tied · below: his latest
        ranked(scores(python=2.0, math=2.0), user_id=bob.id, minutes_ago=60)       # Bob's older attempt: not twice
        ranked(scores(python=0.5, math=-1.0))                                      # tied throughout: no owner at all
        # none of these count:
        ranked(scores(python=9.0, math=9.0), user_id=ada.id, status="in_progress", minutes_ago=-5)  # Ada's newer, open
        ranked(scores(python=9.0, math=9.0), guest="practiser", mode="practice")   # practice: keys seen on the way
        ranked(scores(python=9.0, math=9.0), guest="elsewhere", assessment="timed")  # another assessment
        result = percentiles(mine, min_learners=5)
    assert result["learners"] == 5 and result["shown"]
    assert figures(result) == {
        "overall": (4, 50),   # 1 below, 2 tied of 4: (1 + 1) / 4
        "math": (4, 50),      # 1 below, 2 tied
        "python": (4, 38),    # 1 below, 1 tied: 37.5 rounds half up
    }
    assert [a["area"] for a in result["areas"]] == ["math", "python"]  # the bank's order of areas


@pytest.mark.parametrize(("me", "expected"), [(0, 0), (1, 25), (2, 50), (3, 75), (4, 100)])
def test_from_the_bottom_to_the_top(app_on_each_database, me, expected):
    with app_on_each_database.app_context():
        ids = [ranked(scores(python=theta, math=theta), guest=f"g{theta}") for theta in (-2.0, -1.0, 0.0, 1.0, 2.0)]
        result = percentiles(ids[me], min_learners=5)
    assert figures(result) == {"overall": (4, expected), "python": (4, expected), "math": (4, expected)}


def test_equal_means_summed_in_another_order_are_ties(app_on_each_database):
    with app_on_each_database.app_context():
        mine = ranked({"t.basics": 0.1, "t.advanced": 0.2, "t.math": 0.3}, guest="me")
        ranked({"t.basics": 0.3, "t.advanced": 0.2, "t.math": 0.1}, guest="other")  # 0.3 + 0.2 + 0.1 != 0.1 + 0.2 + 0.3
        result = percentiles(mine, min_learners=2)
    assert result["overall"] == {"others": 1, "percentile": 50}


def test_an_area_with_too_few_learners_shows_no_figure(app_on_each_database):
    with app_on_each_database.app_context():
        mine = ranked(scores(python=0.0, math=0.0), guest="me")
        guests(3, scores(python=-1.0, math=-1.0))
        ranked(scores(python=1.0), guest="python-only")  # a fixed form drawn without math
        result = percentiles(mine, min_learners=5)
    assert figures(result) == {"overall": (4, 75), "python": (4, 75), "math": (3, None)}


def test_the_threshold_counts_the_reader(app):
    with app.app_context():
        mine = ranked(scores(python=0.0, math=0.0), guest="me")
        guests(98, scores(python=-1.0, math=-1.0))
        hidden = percentiles(mine, min_learners=100)
        guests(1, scores(python=1.0, math=1.0))
        shown = percentiles(mine, min_learners=100)
    assert hidden == {"min_learners": 100, "learners": 99, "shown": False, "overall": None, "areas": []}
    assert shown["learners"] == 100 and figures(shown) == {"overall": (99, 99), "python": (99, 99), "math": (99, 99)}


def test_a_learner_alone_gets_no_percentile_whatever_the_minimum(app):
    with app.app_context():
        mine = ranked(scores(python=0.0, math=0.0), guest="me")
        assert percentiles(mine, min_learners=1) == {"min_learners": 1, "learners": 1, "shown": False,
                                                     "overall": None, "areas": []}


def test_the_statement_reads_attempts_and_results_through_their_indexes(app_on_each_database):
    """The plan of the statement over 4,000 attempts of 21 assessments: this assessment's submitted attempts through
    ix_attempt_assessment_id_status, their results through skill_result's attempt index; neither table read whole."""
    with app_on_each_database.app_context():
        db.session.execute(insert(Assessment), [{"id": f"other-{n}", "name": "Other", "role_id": "tester",
                                                 "mode": "assessment", "question_count": 5} for n in range(20)])
        now = utcnow()
        db.session.execute(insert(Attempt), [{
            "public_id": secrets.token_urlsafe(12), "guest_token": secrets.token_hex(8), "role_id": "tester",
            "assessment_id": "everything" if n % 40 == 0 else f"other-{n % 20}", "mode": "assessment",
            "question_count": 5, "status": "submitted", "started_at": now, "submitted_at": now} for n in range(4000)])
        db.session.execute(insert(SkillResult), [{
            "attempt_id": attempt_id, "skill_id": skill, "theta": 0.0, "sd": 1.0, "p_gap": 0.5, "shortfall": 0.0,
            "target": 0.0, "status": "uncertain", "n_items": 1}
            for attempt_id in db.session.scalars(select(Attempt.id)) for skill in PYTHON + MATH])
        db.session.commit()
        mine = db.session.scalar(select(Attempt).where(Attempt.assessment_id == "everything").limit(1))
        executed = []

        def record(conn, cursor, statement, parameters, context, executemany):
            executed.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert standing_counts(mine)[""].others == 99
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        statement, parameters = executed[-1]
        sqlite = db.engine.dialect.name == "sqlite"
        db.session.execute(db.text("ANALYZE"))
        cursor = db.session.connection().connection.cursor()
        cursor.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters)
        plan = "\n".join(str(row[-1] if sqlite else row[0]) for row in cursor.fetchall())
    if sqlite:
        assert "SEARCH attempt USING INDEX ix_attempt_assessment_id_status" in plan, plan
        assert not re.search(r"SCAN (attempt|skill_result)\b", plan), plan
    else:
        assert re.search(r"Index Scan (using|on) ix_attempt_assessment_id_status", plan), plan
        assert "Index Scan using ix_skill_result_attempt_id" in plan, plan
        assert not re.search(r"Seq Scan on (attempt|skill_result)\b", plan), plan


# --- the report page and its JSON --------------------------------------------------------------------------------

def submit_through_the_pages(app, learner, assessment="everything", mode="assessment"):
    """The learner takes the assessment (right on odd positions) and submits; the attempt's id."""
    learner.start(assessment, mode=mode)
    for position, definition, order in items_of(app, learner.public_id):
        answer = right_answer(definition, order) if position % 2 else wrong_answer(definition, order)
        learner.answer(position, answer, action="check" if mode == "practice" else "next")
    learner.submit()
    with app.app_context():
        return db.session.scalar(select(Attempt.id).where(Attempt.public_id == learner.public_id))


def page_text(client, url):
    """The page's words, as a screen reader reads them: tags out (inline ones without a break), whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", client.get(url).text, flags=re.S)
    html = re.sub(r"</?(strong|em|span|a)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())  # split() takes a no-break space as a space


def test_hidden_with_99_learners_and_shown_with_100(app, client, learner):
    submit_through_the_pages(app, learner)
    with app.app_context():
        guests(98, scores(python=-5.0, math=-5.0))  # everyone else below on every skill
    url = f"/report/{learner.public_id}"
    text = page_text(client, url)
    assert "Percentiles appear once 100 learners have taken this assessment; 99 so far." in text
    assert not re.search(r"(higher|lower) than (all|\d+ %)", text)
    assert client.get(url + ".json").json["percentiles"]["overall"] is None

    with app.app_context():
        guests(1, scores(python=-5.0, math=-5.0))
    text = page_text(client, url)
    assert "Compared with other learners" in text and "Percentiles appear" not in text
    assert "Where you stand among the 99 other learners who took Everything" in text
    assert "Overall: higher than all of them Math: higher than all of them Python: higher than all of them" in text
    assert client.get(url + ".json").json["percentiles"]["overall"] == {"others": 99, "percentile": 100}


def test_the_page_words_a_percentile_per_area_and_overall(app, client, learner):
    app.config["PERCENTILE_MIN_LEARNERS"] = 5
    mine = submit_through_the_pages(app, learner)
    with app.app_context():
        theta = {r.skill_id: r.theta for r in db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == mine))}
        lower = {skill: value - 1 for skill, value in theta.items()}
        higher = {skill: value + 1 for skill, value in theta.items()}
        guests(3, lower)
        guests(1, {**higher, "t.math": theta["t.math"] - 1})  # above in python, below in math
        guests(1, {skill: theta[skill] + 5 for skill in PYTHON})  # python only (a form drawn without math), far above
    text = page_text(client, f"/report/{learner.public_id}")
    assert "Where you stand among the 5 other learners who took Everything, each counted once with their latest " \
           "attempt: Overall: higher than 60 % of them Math: higher than all of the 4 with a score in Math " \
           "Python: higher than 60 % of them" in text
    assert "the share scoring lower than you, counting ties as half" in text  # how to read it


def test_the_page_at_the_bottom_with_an_area_short_of_learners(app, client, learner):
    app.config["PERCENTILE_MIN_LEARNERS"] = 3
    mine = submit_through_the_pages(app, learner)
    with app.app_context():
        theta = {r.skill_id: r.theta for r in db.session.scalars(select(SkillResult).where(SkillResult.attempt_id == mine))}
        guests(1, {skill: value + 1 for skill, value in theta.items()})
        guests(1, {skill: theta[skill] + 5 for skill in PYTHON})  # no math score
    text = page_text(client, f"/report/{learner.public_id}")
    assert "Overall: lower than all of them Math: no percentile yet: 2 learners have a score here, 3 needed " \
           "Python: lower than all of them" in text


def test_practice_reports_have_no_percentiles(app, client, learner):
    app.config["PERCENTILE_MIN_LEARNERS"] = 2
    with app.app_context():
        guests(3, scores(python=0.0, math=0.0))
    submit_through_the_pages(app, learner, assessment="drill", mode="practice")
    assert client.get(f"/report/{learner.public_id}.json").json["percentiles"] is None
    text = page_text(client, f"/report/{learner.public_id}")
    assert "Compared with other learners" not in text and "Percentiles" not in text


def test_the_percentiles_cost_the_report_one_statement_whatever_the_population(app, client, learner, monkeypatch):
    app.config["PERCENTILE_MIN_LEARNERS"] = 2
    submit_through_the_pages(app, learner)
    url = f"/report/{learner.public_id}"
    client.get(url)  # per-worker caches filled

    def statements():
        with recorded_statements(app) as recorded:
            assert client.get(url).status_code == 200
        return recorded

    with app.app_context():
        guests(2, scores(python=0.0, math=0.0))
    few = statements()
    with app.app_context():
        guests(150, scores(python=0.0, math=0.0))
    many = statements()
    assert "higher than" in client.get(url).text
    monkeypatch.setattr(view_model, "learner_percentiles", lambda attempt, min_learners: None)
    without = statements()
    assert len(few) == len(many) == len(without) + 1, (few, without)
    added = [s for s in many if s not in without]
    assert len(added) == 1 and "row_number() OVER" in added[0], added


def test_the_method_page_explains_them_with_the_configured_minimum(app, client):
    app.config["PERCENTILE_MIN_LEARNERS"] = 250
    text = page_text(client, "/method")
    assert "Compared with other learners Once 250 learners (you included) have taken an assessment" in text
    assert "counting those with the same score as half" in text
