"""`quizapp calibrate` on simulated responses: parameters stored, misfits flagged, scoring uses them."""
import numpy as np
from sqlalchemy import select

from quizapp.bank.item_parameters import prior_rho
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, ItemCalibration, Question, QuestionVersion, utcnow
from quizapp.questiontypes import get_question_type
from quizapp.scoring.ability import DIFFICULTY_B
from tests.helpers import observations_by_skill


def add_items(app, per_skill=10):
    """Extra questions so each skill has enough items to calibrate (the fixture has two per skill)."""
    with app.app_context():
        for skill in ("t.basics", "t.math"):
            for k in range(per_skill):
                qid = f"sim-{skill[2:]}-{k}"
                db.session.add(Question(id=qid, retired=False))
                db.session.flush()
                version = QuestionVersion(question_id=qid, version=1, content_hash=qid, qtype="numeric",
                                          difficulty=k % 5 + 1, skills=[skill],
                                          definition={"type": "numeric", "difficulty": k % 5 + 1, "skills": [skill],
                                                      "prompt": "p", "explanation": "e", "answer": 1.0})
                db.session.add(version)
                db.session.flush()
                db.session.get(Question, qid).current_version_id = version.id
        db.session.commit()


def simulate(app, n_attempts, rho=0.6, miskeyed="sim-math-3", seed=3):
    """Attempts answering every item from abilities with correlation rho; one item's key reversed."""
    rng = np.random.default_rng(seed)
    with app.app_context():
        versions = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)).all()
        skills = sorted({v.skills[0] for v in versions})
        cov = np.full((len(skills), len(skills)), rho) + (1 - rho) * np.eye(len(skills))
        for k in range(n_attempts):
            theta = dict(zip(skills, rng.multivariate_normal(np.zeros(len(skills)), cov), strict=True))
            attempt = Attempt(public_id=f"sim{k}", assessment_id="everything", role_id="tester", mode="assessment",
                              question_count=len(versions), status="submitted", submitted_at=utcnow())
            for pos, v in enumerate(versions, start=1):
                c = get_question_type(v.qtype).guessing_floor(v.definition)
                t = theta[v.skills[0]] if v.question_id != miskeyed else -theta[v.skills[0]]
                p = c + (1 - c) / (1 + np.exp(-(t - DIFFICULTY_B[v.difficulty])))
                credit = float(rng.random() < p)
                attempt.items.append(AttemptItem(position=pos, version_id=v.id, credit=credit,
                                                 state="correct" if credit else "wrong"))
            db.session.add(attempt)
        db.session.commit()


def test_calibrate_stores_fits_flags_misfits_and_estimates_rho(app, runner):
    add_items(app)
    simulate(app, 260)
    result = runner.invoke(args=["calibrate"])
    assert result.exit_code == 0, result.output
    assert "260 submitted attempts; 26 question versions fitted over 3 skills; 26 have 75+ responses" in result.output
    assert "misfit q 'sim-math-3'" in result.output
    assert "Skill correlation:" in result.output and "kept at the default" not in result.output
    with app.app_context():
        fits = {db.session.get(QuestionVersion, c.version_id).question_id: c
                for c in db.session.scalars(select(ItemCalibration))}
        assert all(f.responses == 260 for f in fits.values())
        assert fits["sim-math-3"].misfit
        assert sum(f.misfit for f in fits.values()) <= 3  # the reversed item, and few false alarms
        rho = prior_rho(0.3)
        assert 0.3 < rho < 0.9  # simulated at 0.6; noisy with 2 items per skill


def test_scoring_uses_fitted_parameters_only_above_the_threshold(app, runner):
    simulate(app, 80)
    runner.invoke(args=["calibrate"])
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.position == 1))
        fit = db.session.get(ItemCalibration, item.version_id)
        [obs] = [o for obs in observations_by_skill([item]).values() for o in obs]
        assert (obs.item.a, obs.item.b) == (fit.a, fit.b)
        app.config["CALIBRATION_MIN_RESPONSES"] = 81
        [obs] = [o for obs in observations_by_skill([item]).values() for o in obs]
        assert obs.item.a == 1.0 and obs.item.b == DIFFICULTY_B[item.version.difficulty]
        assert prior_rho(0.3) == 0.3  # fewer than 200 attempts: the default stays


def test_calibrate_with_no_data(runner):
    result = runner.invoke(args=["calibrate"])
    assert result.exit_code == 0 and "0 submitted attempts" in result.output


def test_calibrate_passes_dont_know_as_a_failure_without_guessing(app, monkeypatch):
    """"I don't know" reaches the fit flagged (no guessing floor), and the skills' correlation as such an
    observation; a and b are what a plain failure would give (tests/unit/test_dont_know.py)."""
    from quizapp.bank import item_parameters

    add_items(app, per_skill=3)
    simulate(app, 40)
    with app.app_context():
        for item in db.session.scalars(select(AttemptItem).where(AttemptItem.state == "wrong", AttemptItem.position % 2 == 0)):
            item.response, item.state = {"dont_know": True}, "dont_know"
        db.session.commit()
        declined = {(i.attempt_id, i.version_id) for i in db.session.scalars(
            select(AttemptItem).where(AttemptItem.state == "dont_know"))}
    seen, fit = [], item_parameters.fit_3pl_arrays

    def spy(items, attempt, index, credit, declined):
        seen.extend(zip(attempt.tolist(), [items[j].key for j in index], credit.tolist(), declined.tolist(), strict=True))
        return fit(items, attempt, index, credit, declined)

    monkeypatch.setattr(item_parameters, "fit_3pl_arrays", spy)
    with app.app_context():
        item_parameters.calibrate()
    assert declined and {(a, v) for a, v, x, dont_know in seen if dont_know} == declined
    assert all(x == 0.0 for a, v, x, dont_know in seen if dont_know)
