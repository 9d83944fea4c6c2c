"""A cohort's heatmap and learner × skill grid counted in SQL, and its exports streamed: the same numbers
and rows as the straightforward computation, on random data, and the grid's sort, filter and pages."""
import csv
import io
import json
import random
import re
from datetime import timedelta

import pytest
from flask import request_finished
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.instructor import cohorts as queries
from quizapp.instructor import routes
from quizapp.models import Attempt, AttemptItem, Cohort, CohortMember, Skill, SkillResult, User, utcnow
from quizapp.questiontypes import get_question_type, is_dont_know
from tests.helpers import Learner, csrf_token, items_of, logged_in, right_answer, wrong_answer

STATUSES = ("gap", "uncertain", "no_gap")
EXTRA_SKILLS = [f"t.extra{i}" for i in range(5)]


def _new_cohort(owner_email="teach@example.org", name="Spring") -> int:
    owner = db.session.scalar(select(User).where(User.email == owner_email))
    cohort = Cohort(name=name, join_code=f"CODE{random.randrange(10**6):06d}", owner_id=owner.id)
    db.session.add(cohort)
    db.session.flush()
    return cohort.id


def _attempt(user_id, submitted_at, status="submitted", results=()):
    attempt = Attempt(public_id=f"a{random.getrandbits(60):x}", user_id=user_id, assessment_id="everything",
                      role_id="tester", mode="assessment", question_count=1, status=status,
                      started_at=submitted_at - timedelta(minutes=5),
                      submitted_at=submitted_at if status == "submitted" else None)
    for skill, call in results:
        attempt.results.append(SkillResult(skill_id=skill, theta=0.0, sd=1.0, p_gap=0.5, shortfall=0.0, target=0.0,
                                           status=call, n_items=3))
    db.session.add(attempt)
    return attempt


def seed_random_cohort(rng, members=40, outsiders=5):
    """A cohort with random members, joins and attempts (some before joining, some unfinished, some by
    learners outside it), every submitted_at distinct; returns the cohort id."""
    for i, sid in enumerate(EXTRA_SKILLS):
        if db.session.get(Skill, sid) is None:
            db.session.add(Skill(id=sid, name=f"Extra skill {i}", area="python", position=10 + i))
    skills = [s for (s,) in db.session.execute(select(Skill.id))]
    cohort_id = _new_cohort()
    base = utcnow() - timedelta(days=100)
    moments = iter(rng.sample(range(1, 10**7), 2000))
    for n in range(members + outsiders):
        user = User(email=f"m{n}@example.org", display_name=f"{rng.choice('ABCDE')}member {n}", role="learner", password_hash="-")
        db.session.add(user)
        db.session.flush()
        joined = base + timedelta(seconds=rng.randrange(10**6, 9 * 10**6))
        if n < members:
            db.session.add(CohortMember(cohort_id=cohort_id, user_id=user.id, joined_at=joined))
        for _ in range(rng.randrange(0, 6)):
            when = base + timedelta(seconds=next(moments))
            results = [(s, rng.choice(STATUSES)) for s in rng.sample(skills, rng.randrange(1, len(skills)))]
            _attempt(user.id, when, "submitted" if rng.random() < 0.85 else "in_progress", results)
    db.session.commit()
    return cohort_id


def python_latest(cohort_id) -> dict[int, dict[str, tuple]]:
    """The straightforward computation: per member and skill, the status of the shared attempt submitted last."""
    joined = dict(db.session.execute(select(CohortMember.user_id, CohortMember.joined_at)
                                     .where(CohortMember.cohort_id == cohort_id)).all())
    latest: dict[int, dict[str, tuple]] = {u: {} for u in joined}
    for attempt in db.session.scalars(select(Attempt)):
        if attempt.user_id not in joined or attempt.status != "submitted" or attempt.submitted_at <= joined[attempt.user_id]:
            continue
        for r in attempt.results:
            mine = latest[attempt.user_id]
            if r.skill_id not in mine or attempt.submitted_at > mine[r.skill_id][1]:
                mine[r.skill_id] = (r.status, attempt.submitted_at)
    return latest


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heatmap_and_grid_match_a_python_computation_on_random_data(instructor_app, seed):
    rng = random.Random(seed)
    with instructor_app.app_context():
        cohort_id = seed_random_cohort(rng)
        _new_cohort(name="Empty")  # another cohort: counts nothing of this one's
        latest = python_latest(cohort_id)
        expected: dict[str, dict[str, int]] = {}
        for calls in latest.values():
            for skill, (status, _) in calls.items():
                expected.setdefault(skill, dict.fromkeys(STATUSES, 0))[status] += 1
        table, members = queries.cohort_heatmap(cohort_id)
        assert members == 40
        assert {r["skill_id"]: {s: r[s] for s in STATUSES} for r in table} == expected
        assert all(r["assessed"] == sum(expected[r["skill_id"]].values()) for r in table)
        positions = dict(db.session.execute(select(Skill.id, Skill.position)).all())
        assert [positions[r["skill_id"]] for r in table] == sorted(positions[r["skill_id"]] for r in table)

        listing = queries.grid_page(cohort_id, 1, per_page=100)
        names = dict(db.session.execute(select(User.id, User.display_name)).all())
        assert listing.total == 40 and len(listing.rows) == 40
        for row in listing.rows:
            assert row.calls == {s: status for s, (status, _) in latest[row.user_id].items()}
            assert row.gaps == sum(status == "gap" for status, _ in latest[row.user_id].values())
        want = sorted(latest, key=lambda u: (-sum(s == "gap" for s, _ in latest[u].values()),
                                             -sum(s == "uncertain" for s, _ in latest[u].values()),
                                             names[u].lower(), u))
        assert [r.user_id for r in listing.rows] == want
        by_name = queries.grid_page(cohort_id, 1, "name", per_page=100)
        assert [r.user_id for r in by_name.rows] == sorted(latest, key=lambda u: (names[u].lower(), u))
        skill = EXTRA_SKILLS[0]
        for call, statuses in (("gap-or-unsure", {"gap", "uncertain"}), ("no_gap", {"no_gap"})):
            filtered = queries.grid_page(cohort_id, 1, skill=skill, call=call, per_page=100)
            assert {r.user_id for r in filtered.rows} == {u for u, calls in latest.items()
                                                           if calls.get(skill, ("",))[0] in statuses}
        none = queries.grid_page(cohort_id, 1, skill=skill, call="none", per_page=100)
        assert {r.user_id for r in none.rows} == {u for u, calls in latest.items() if skill not in calls}


# --- the grid page -------------------------------------------------------------------------------

def seed_grid(app, members=55):
    """A cohort of `members`: member k has k % 4 gaps among the fixture's skills and the extra ones, a
    shared attempt each (one before joining too, all gaps, which must not count)."""
    with app.app_context():
        for i, sid in enumerate(EXTRA_SKILLS):
            db.session.add(Skill(id=sid, name=f"Extra skill {i}", area="python", position=10 + i))
        skills = ["t.basics", "t.advanced", "t.math", *EXTRA_SKILLS]
        cohort_id = _new_cohort()
        now = utcnow()
        for k in range(members):
            user = User(email=f"learner{k:02d}@example.org", display_name=f"Learner {k:02d}", role="learner", password_hash="-")
            db.session.add(user)
            db.session.flush()
            joined = now - timedelta(days=10)
            db.session.add(CohortMember(cohort_id=cohort_id, user_id=user.id, joined_at=joined))
            _attempt(user.id, joined - timedelta(days=1), results=[(s, "gap") for s in skills])  # private
            calls = [(s, "gap" if i < k % 4 else "no_gap") for i, s in enumerate(skills)]
            if k % 5 == 0:
                calls[4] = (skills[4], "uncertain")
            _attempt(user.id, now - timedelta(hours=k), results=calls[:-1] if k % 2 else calls)
        db.session.add(User(email="new@example.org", display_name="Newcomer", role="learner", password_hash="-"))
        db.session.flush()
        newcomer = db.session.scalar(select(User.id).where(User.email == "new@example.org"))
        db.session.add(CohortMember(cohort_id=cohort_id, user_id=newcomer, joined_at=now))
        db.session.commit()
        return cohort_id


def _names(html):
    return re.findall(r'<th scope="row" class="learner">([^<]+)<br>', html)


def test_the_grid_lists_members_with_their_calls_most_gaps_first(instructor_app, teacher):
    cohort_id = seed_grid(instructor_app)
    cohort_page = teacher.get(f"/instructor/cohorts/{cohort_id}").text
    assert f'href="/instructor/cohorts/{cohort_id}/learners"' in cohort_page
    page = teacher.get(f"/instructor/cohorts/{cohort_id}/learners")
    assert page.status_code == 200
    html = page.text
    assert "56 learners, sorted by most gaps; page 1 of 2." in html
    names = _names(html)
    # 3 gaps first; among them, a not-sure call first (k % 5 == 0), then by name
    assert len(names) == 50 and names[:4] == ["Learner 15", "Learner 35", "Learner 03", "Learner 07"]
    # the header: the skills in the bank's order; a row: a symbol per skill and its words for screen readers
    assert html.index("Basics") < html.index("Advanced topics") < html.index("Extra skill 4")
    row = html[html.index(">Learner 03<"):]
    row = row[:row.index("</tr>")]
    assert 'href="mailto:learner03@example.org"' in row
    assert row.count('<span class="visually-hidden">gap</span>') == 3
    assert row.count('<span class="visually-hidden">no gap</span>') == 4
    assert row.count('<span class="visually-hidden">not assessed</span>') == 1  # odd k: the last skill missing
    assert '<td class="num">3</td>' in row
    assert "not sure" in html and "not assessed" in html and 'class="legend"' in html  # the legend
    last = teacher.get(f"/instructor/cohorts/{cohort_id}/learners?page=2").text
    assert len(_names(last)) == 6 and _names(last)[-1] == "Newcomer"  # no shared attempt: no gaps, last
    newcomer = last[last.index(">Newcomer<"):]
    assert newcomer[:newcomer.index("</tr>")].count("not assessed</span>") == 8


def test_the_grid_sorts_by_name_and_latest_submission(instructor_app, teacher):
    cohort_id = seed_grid(instructor_app)
    by_name = _names(teacher.get(f"/instructor/cohorts/{cohort_id}/learners?sort=name").text)
    assert by_name[:3] == ["Learner 00", "Learner 01", "Learner 02"]
    latest = teacher.get(f"/instructor/cohorts/{cohort_id}/learners?sort=latest&page=2").text
    assert _names(latest)[-1] == "Newcomer" and _names(latest)[0] == "Learner 50"  # attempt k is k hours old
    assert 'aria-current="true">latest submission' in latest
    bad = teacher.get(f"/instructor/cohorts/{cohort_id}/learners?sort=bogus")
    assert bad.status_code == 400 and "Cannot sort learners by &#39;bogus&#39;" in bad.text


def test_the_grid_filters_by_a_skill_call(instructor_app, teacher):
    cohort_id = seed_grid(instructor_app)
    url = f"/instructor/cohorts/{cohort_id}/learners"
    gaps = teacher.get(f"{url}?skill=t.advanced&call=gap").text  # k % 4 >= 2
    assert "27 learners whose call on Advanced topics is a gap" in gaps
    assert all(int(n.split()[1]) % 4 >= 2 for n in _names(gaps))
    unsure = teacher.get(f"{url}?skill=t.extra1").text  # the default: a gap or not sure; skills[4] is t.extra1
    assert {int(n.split()[1]) for n in _names(unsure)} == {k for k in range(55) if k % 5 == 0}
    missing = teacher.get(f"{url}?skill=t.extra4&call=none").text  # odd k lack the last skill; so does the newcomer
    assert len(_names(missing)) == 28 and "Newcomer" in _names(missing)
    nobody = teacher.get(f"{url}?skill=t.extra4&call=uncertain").text
    assert "No learner's call on Extra skill 4 is not sure." in nobody
    assert teacher.get(f"{url}?skill=nope").status_code == 400
    assert teacher.get(f"{url}?skill=t.math&call=maybe").status_code == 400


def test_grid_pages_bad_and_past_the_end(instructor_app, teacher):
    cohort_id = seed_grid(instructor_app)
    url = f"/instructor/cohorts/{cohort_id}/learners"
    for bad in ("0", "-1", "abc", "99999999999"):
        page = teacher.get(f"{url}?page={bad}")
        assert page.status_code == 404 and "Pages are numbered from 1" in page.text
    past = teacher.get(f"{url}?page=7&sort=name")
    assert past.status_code == 302 and "page=2" in past.headers["Location"] and "sort=name" in past.headers["Location"]
    filtered = teacher.get(f"{url}?page=2&skill=t.extra1")  # 11 learners: one page
    assert filtered.status_code == 302 and "page=1" in filtered.headers["Location"]


def test_another_instructors_cohort_grid_is_404(instructor_app, teacher):
    cohort_id = seed_grid(instructor_app, members=3)
    other = logged_in(instructor_app, "other@example.org")
    for url in (f"/instructor/cohorts/{cohort_id}/learners", f"/instructor/cohorts/{cohort_id}/learners?page=2",
                f"/instructor/cohorts/{cohort_id}/responses.csv", f"/instructor/cohorts/{cohort_id}/responses.json"):
        assert other.get(url).status_code == 404
    assert teacher.get(f"/instructor/cohorts/{cohort_id + 1}/learners").status_code == 404
    learner = logged_in(instructor_app, "learn@example.org")
    assert learner.get(f"/instructor/cohorts/{cohort_id}/learners").status_code == 403


# --- the exports ---------------------------------------------------------------------------------

def reference_rows(cohort_id) -> list[dict]:
    """The export as it was computed before streaming: every object loaded, rows in attempt and position order."""
    joined = dict(db.session.execute(select(CohortMember.user_id, CohortMember.joined_at)
                                     .where(CohortMember.cohort_id == cohort_id)).all())
    out = []
    for item in db.session.scalars(select(AttemptItem).order_by(AttemptItem.attempt_id, AttemptItem.position)):
        attempt = item.attempt
        if attempt.user_id not in joined or attempt.status != "submitted" or attempt.submitted_at <= joined[attempt.user_id]:
            continue
        user = db.session.get(User, attempt.user_id)
        d = item.definition
        out.append({
            "learner": user.display_name, "email": user.email, "attempt": attempt.public_id,
            "assessment": attempt.assessment.name, "status": attempt.status,
            "submitted_at": attempt.submitted_at.isoformat() + "Z", "position": item.position,
            "question_id": item.version.question_id, "version": item.version.version, "type": d["type"],
            "skills": d["skills"],
            "response": (get_question_type(d["type"]).describe(d, item.response)
                         if item.response is not None and not is_dont_know(item.response) else None),
            "dont_know": is_dont_know(item.response), "state": item.state, "credit": item.credit,
            "seconds": round(item.seconds or 0.0, 1),
        })
    return out


def _join_and_submit(app, email, name, code, answers):
    with app.app_context():
        user = User(email=email, display_name=name, role="learner")
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.commit()
    client = logged_in(app, email)
    for k, answer in enumerate(answers):
        if k == 1:  # the first attempt is from before joining: private
            page = client.get("/cohorts/join")
            assert client.post("/cohorts/join", data={"csrf_token": csrf_token(page.text), "code": code}).status_code == 303
        learner = Learner(client)
        learner.start()
        for position, definition, _ in items_of(app, learner.public_id):
            if answer is not None:
                learner.answer(position, answer(definition))
        learner.submit()


@pytest.fixture
def exported(instructor_app, monkeypatch):
    """A cohort with two members' attempts (a formula for a name, an unanswered attempt, one before joining),
    batches of 2 rows from the cursor and chunks of 200 characters, so both are many."""
    with instructor_app.app_context():
        cohort_id = _new_cohort(name='Spring "A", 2026')
        code = db.session.get(Cohort, cohort_id).join_code
        db.session.commit()
    monkeypatch.setattr(queries, "EXPORT_BATCH", 2)
    monkeypatch.setattr(routes, "EXPORT_CHUNK", 200)
    _join_and_submit(instructor_app, "ada@example.org", "=HYPERLINK(\"http://x\")", code,
                     [wrong_answer, right_answer, None])
    _join_and_submit(instructor_app, "bo@example.org", "Bo", code, [right_answer, wrong_answer])
    return cohort_id


def _streamed(app):
    seen = []

    def record(sender, response, **extra):
        seen.append(response.is_streamed)

    request_finished.connect(record, app, weak=False)
    return seen


def test_the_json_export_is_streamed_valid_and_the_same_rows_as_before(instructor_app, teacher, exported):
    streamed = _streamed(instructor_app)
    response = teacher.get(f"/instructor/cohorts/{exported}/responses.json", buffered=False)
    chunks = list(response.response)
    response.close()
    assert streamed == [True] and len(chunks) > 3 and response.mimetype == "application/json"
    data = json.loads(b"".join(chunks))
    with instructor_app.app_context():
        want = reference_rows(exported)
    assert set(data) == {"cohort", "responses"} and data["cohort"] == 'Spring "A", 2026'
    assert len(want) > 10 and data["responses"] == want
    assert {r["learner"] for r in want} == {"=HYPERLINK(\"http://x\")", "Bo"}


def test_the_csv_export_is_streamed_formula_safe_and_the_same_rows_as_before(instructor_app, teacher, exported):
    streamed = _streamed(instructor_app)
    response = teacher.get(f"/instructor/cohorts/{exported}/responses.csv", buffered=False)
    body = b"".join(response.response).decode()
    response.close()
    assert streamed == [True] and response.headers["Content-Disposition"].endswith(f'cohort-{exported}-responses.csv"')
    rows = list(csv.DictReader(io.StringIO(body)))
    with instructor_app.app_context():
        want = reference_rows(exported)
    assert list(rows[0]) == queries.EXPORT_COLUMNS and len(rows) == len(want)
    for got, row in zip(rows, want, strict=True):
        expected = {k: "" if v is None else str(routes.csv_safe(v)) for k, v in
                    {**row, "skills": " ".join(row["skills"])}.items()}
        assert got == expected
    assert rows[0]["learner"] == "'=HYPERLINK(\"http://x\")"


def test_an_empty_cohorts_exports_are_valid(instructor_app, teacher):
    with instructor_app.app_context():
        cohort_id = _new_cohort()
        db.session.commit()
    assert teacher.get(f"/instructor/cohorts/{cohort_id}/responses.json").json == {"cohort": "Spring", "responses": []}
    assert teacher.get(f"/instructor/cohorts/{cohort_id}/responses.csv").text.strip() == ",".join(queries.EXPORT_COLUMNS)
    assert teacher.get(f"/instructor/cohorts/{cohort_id}/responses.xml").status_code == 404
