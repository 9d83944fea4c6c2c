"""`quizapp calibrate` on simulated responses: parameters stored, misfits flagged, scoring uses them."""
import numpy as np
import pytest
from sqlalchemy import select

from quizapp.bank.item_parameters import prior_rho
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, ItemCalibration, Question, QuestionVersion, utcnow
from quizapp.questiontypes import get_question_type
from quizapp.scoring.ability import DIFFICULTY_B, item_params
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

    def spy(items, attempt, index, credit, declined, **options):
        seen.extend(zip(attempt.tolist(), [items[j].key for j in index], credit.tolist(), declined.tolist(), strict=True))
        return fit(items, attempt, index, credit, declined, **options)

    monkeypatch.setattr(item_parameters, "fit_3pl_arrays", spy)
    with app.app_context():
        item_parameters.calibrate()
    assert declined and {(a, v) for a, v, x, dont_know in seen if dont_know} == declined
    assert all(x == 0.0 for a, v, x, dont_know in seen if dont_know)


# --- the streamed, vectorised calibrate against the row-by-row one it replaced -------------------------------

def reference_calibrate():
    """The calibrate of before the streaming (every row in a list, one `estimate` per attempt and skill),
    kept here as the reference: its fits and correlations, without storing anything."""
    from collections import defaultdict
    from itertools import combinations

    from quizapp.models import Skill
    from quizapp.scoring.ability import Observation, estimate, item_params
    from quizapp.scoring.calibration import CalibrationItem, fit_3pl

    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.version_id, AttemptItem.credit, AttemptItem.state)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.status == "submitted", AttemptItem.credit.is_not(None))).all()
    versions = {v.id: v for v in db.session.scalars(select(QuestionVersion).where(
        QuestionVersion.id.in_({r.version_id for r in rows})))}
    floor = {k: get_question_type(v.qtype).guessing_floor(v.definition) for k, v in versions.items()}
    fits = {}
    for skill in sorted({v.skills[0] for v in versions.values()}):
        keys = sorted(k for k, v in versions.items() if v.skills[0] == skill)
        items = [CalibrationItem(k, floor[k], DIFFICULTY_B[versions[k].difficulty]) for k in keys]
        for fit in fit_3pl(items, [(r.attempt_id, r.version_id, r.credit, r.state != "dont_know")
                                   for r in rows if r.version_id in set(keys)]):
            fits[fit.key] = fit
    per_attempt = defaultdict(lambda: defaultdict(list))
    for r in rows:
        v = versions[r.version_id]
        per_attempt[r.attempt_id][v.skills[0]].append(
            Observation(item_params(v.difficulty, floor[v.id]), r.credit, guessing=r.state != "dont_know"))
    estimates = defaultdict(dict)
    for attempt_id, skills in per_attempt.items():
        for skill, obs in skills.items():
            if len(obs) >= 2:
                e = estimate(obs, 0.0)
                estimates[skill][attempt_id] = (e.theta, e.sd)
    areas = dict(db.session.execute(select(Skill.id, Skill.area)).all())
    within, across = [], []
    for s, t in combinations(sorted(estimates), 2):
        shared = sorted(set(estimates[s]) & set(estimates[t]))
        xs, ys = np.array([estimates[s][a] for a in shared]), np.array([estimates[t][a] for a in shared])
        r = np.corrcoef(xs[:, 0], ys[:, 0])[0, 1]
        reliability = [x[:, 0].var() / (x[:, 0].var() + (x[:, 1] ** 2).mean()) for x in (xs, ys)]
        (within if areas[s] == areas[t] else across).append(r / np.sqrt(reliability[0] * reliability[1]))
    return len(per_attempt), fits, estimates, within, across


def messy(app):
    """What real data has beyond simulate's: "I don't know", partial credit, an item answered twice in
    one attempt, unanswered items and an attempt in progress (both left out)."""
    with app.app_context():
        items = db.session.scalars(select(AttemptItem).order_by(AttemptItem.id)).all()
        for k, item in enumerate(items):
            if k % 7 == 0 and item.credit == 0.0:
                item.response, item.state = {"dont_know": True}, "dont_know"
            elif k % 11 == 0:
                item.credit, item.state = 0.5, "partial"
            elif k % 97 == 0:
                item.credit, item.state = None, "unanswered"
        first = db.session.get(Attempt, items[0].attempt_id)
        first.items.append(AttemptItem(position=len(first.items) + 1, version_id=items[0].version_id,
                                       credit=1.0, state="correct"))
        db.session.add(Attempt(public_id="open", assessment_id="everything", role_id="tester", mode="assessment",
                               question_count=1, status="in_progress",
                               items=[AttemptItem(position=1, version_id=items[0].version_id, credit=1.0,
                                                  state="correct")]))
        db.session.commit()


def test_streamed_calibrate_equals_the_row_by_row_reference(app_on_each_database, monkeypatch):
    """Same fits (the same EM on the same answers: float rounding only) and the same correlations (each
    attempt's EAP computed as one matrix product instead of one `estimate` call): equal to 1e-9, on SQLite
    and PostgreSQL (its binary COPY), with the stream cut into blocks of a few rows to cross block edges."""
    from quizapp.bank import item_parameters

    app = app_on_each_database
    add_items(app, per_skill=4)
    simulate(app, 230, seed=5)
    messy(app)
    monkeypatch.setattr(item_parameters, "STREAM_ROWS", 37)
    monkeypatch.setattr(item_parameters, "COPY_BLOCK_BYTES", 1000)
    with app.app_context():
        attempts, fits, estimates, within, across = reference_calibrate()
        summary = item_parameters.calibrate()
        assert summary.attempts == attempts == 230
        assert [f.key for f in summary.fits] == sorted(fits, key=lambda k: (
            db.session.get(QuestionVersion, k).skills[0], k))
        for new in summary.fits:
            old = fits[new.key]
            assert (new.n, new.misfit, new.reasons) == (old.n, old.misfit, old.reasons)
            assert np.allclose([new.a, new.b, new.se_b, new.infit, new.point_biserial],
                               [old.a, old.b, old.se_b, old.infit, old.point_biserial], rtol=0, atol=1e-9)
        assert summary.rho == pytest.approx(np.clip(np.mean(across), 0, 0.9), abs=1e-9)
        assert summary.rho + summary.rho_area == pytest.approx(np.clip(np.mean(within), 0, 0.9), abs=1e-9)
        assert summary.rho_note == f"from {len(across)} skill pairs across areas and {len(within)} within one"
        db.session.commit()
        stored = {c.version_id: c for c in db.session.scalars(select(ItemCalibration))}
        assert {k: (c.a, c.b, c.responses, c.misfit) for k, c in stored.items()} == {
            f.key: (f.a, f.b, f.n, f.misfit) for f in summary.fits}
        # the per-attempt estimates themselves, skill by skill
        for answers in item_parameters._skill_answers({v.id: v.skills[0] for v in db.session.scalars(select(QuestionVersion))}):
            keys = np.unique(answers.version)
            versions = [db.session.get(QuestionVersion, int(k)) for k in keys]
            params = [item_params(v.difficulty, get_question_type(v.qtype).guessing_floor(v.definition)) for v in versions]
            got = item_parameters.skill_estimates(answers, params, np.searchsorted(keys, answers.version))
            want = estimates[answers.skill]
            assert got.attempt.tolist() == sorted(want)
            assert np.allclose(np.column_stack([got.theta, got.sd]), [want[a] for a in sorted(want)], rtol=0, atol=1e-12)


def test_answers_arrive_in_bounded_blocks(app_on_each_database, monkeypatch):
    """The answers are read a block at a time (a server-side cursor, or COPY parsed per block), never as
    one list of every row: each block holds at most STREAM_ROWS rows, or COPY_BLOCK_BYTES and one row."""
    from quizapp.bank import item_parameters

    app = app_on_each_database
    simulate(app, 30)
    monkeypatch.setattr(item_parameters, "STREAM_ROWS", 25)
    monkeypatch.setattr(item_parameters, "COPY_BLOCK_BYTES", 25 * 43)
    with app.app_context():
        sizes = [block[0].size for block in item_parameters._answer_blocks()]
    assert sum(sizes) == 30 * 6 and len(sizes) >= 30 * 6 // 50
    assert max(sizes) <= 50


def test_a_second_calibrate_starts_from_the_stored_fits_and_ends_where_the_first_did(app, monkeypatch):
    """The second run's EM starts from the first run's stored a and b: a fraction of the E-steps, and the
    same fits within the stopping rule's reach (tol 1e-4 on each step: well inside .002)."""
    from quizapp.bank import item_parameters
    from quizapp.scoring import calibration

    add_items(app, per_skill=4)
    simulate(app, 200, seed=9)
    steps = []
    real = calibration._expected_counts
    monkeypatch.setattr(calibration, "_expected_counts", lambda *a: steps.append(1) or real(*a))
    with app.app_context():
        first = {f.key: f for f in item_parameters.calibrate().fits}
        db.session.commit()
        cold = len(steps)
        steps.clear()
        second = item_parameters.calibrate().fits
        assert len(steps) <= cold // 3
        for fit in second:
            assert abs(fit.a - first[fit.key].a) < 2e-3 and abs(fit.b - first[fit.key].b) < 2e-3
            assert (fit.n, fit.misfit) == (first[fit.key].n, first[fit.key].misfit)
