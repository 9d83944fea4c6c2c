"""Bank size (issue #22): a start reads the versions of its own skills only, so what it fetches does not
grow with the rest of the bank. A regression to reading every live version fails here on SQLite and
PostgreSQL; bench/scale.py --bank-size times the starts on a 10,000-question bank."""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import delete, event, select

from quizapp.attempts import lifecycle
from quizapp.attempts.lifecycle import live_versions
from quizapp.bank.loader import load_bank
from quizapp.bank.revision import BANK_REVISION_KEY, bank_revision
from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from quizapp.models import Attempt, ModelSetting, Question, QuestionVersion
from tests.helpers import csrf_token, extended_fixture_bank, items_of, make_app, new_postgres_database, wrong_answer

NARROW = ("t.basics", "t.math")
CATALOGUE = {
    "skills": "  - id: t.other\n    name: Other\n    area: math\n",
    "assessments": "".join(
        f"  - id: {aid}\n    name: {aid}\n    role: tester\n    skills: [t.basics, t.math]\n    questions: 3\n"
        f"    mode: {mode}\n" for aid, mode in (("narrow", "assessment"), ("narrow-adaptive", "adaptive"))),
}
# (assessment, start form mode) per kind of start; "drill" is the fixture bank's practice assessment
STARTS = {"fixed form": ("narrow", "assessment"), "adaptive": ("narrow-adaptive", "assessment"),
          "practice": ("drill", "practice")}


def other_questions(n: int, shared: int = 0, left_out: tuple[int, ...] = ()) -> str:
    """n questions on t.other (but those `left_out`); the first `shared` of them also measure t.math (listed second)."""
    out = ["skill: t.other\nquestions:\n"]
    for k in (k for k in range(n) if k not in left_out):
        skills = "    skills: [t.other, t.math]\n" if k < shared else ""
        out.append(f"  - id: other-{k}\n    type: numeric\n    difficulty: {k % 5 + 1}\n{skills}"
                   f"    prompt: What is {k} + 1?\n    answer: {k + 1}\n    explanation: One more than {k}.\n"
                   f"    references: [https://example.org/sum]\n    check:\n      python: '{k} + 1'\n")
    return "".join(out)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request):
    """The suite's database (SQLite, or PostgreSQL in its pass), and PostgreSQL in a database of its own."""
    if request.param == "sqlite":
        yield {}
        return
    with new_postgres_database() as url:
        yield {"SQLALCHEMY_DATABASE_URI": url}


@pytest.fixture
def bank(tmp_path, database):
    """An app over the fixture bank plus a skill no test assessment here asks about (t.other); call
    bank(n) to import it with n questions on t.other."""
    root = extended_fixture_bank(tmp_path, **CATALOGUE)
    app = make_app(tmp_path, root, **database)
    with app.app_context():
        db.create_all()

    def with_others(n: int, shared: int = 0, left_out: tuple[int, ...] = ()):
        (root / "topics" / "other.yaml").write_text(other_questions(n, shared, left_out))
        loaded = load_bank(root)
        assert loaded.ok, [str(i) for i in loaded.issues]
        with app.app_context():
            sync_bank(db.session, loaded)
            db.session.commit()
        return app
    yield with_others
    with app.app_context():
        db.session.remove()
        db.drop_all()


@contextlib.contextmanager
def rows_read(app):
    """The number of rows the block's SELECTs returned (appended to the yielded list on exit): each SELECT
    is recorded as sent and run again afterwards, the same SQL with the same parameters."""
    with app.app_context():
        engine = db.engine
    sent: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))
    counted: list[int] = []
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", record)
    with engine.connect() as conn:
        counted.append(sum(len(conn.exec_driver_sql(statement, parameters).all()) for statement, parameters in sent))


def start(client, assessment: str, mode: str):
    page = client.get(f"/attempt/new/{assessment}").text
    return client.post(f"/attempt/new/{assessment}", data={"csrf_token": csrf_token(page), "role": "tester",
                                                           "mode": mode})


@pytest.mark.parametrize("kind", list(STARTS))
def test_a_start_reads_the_same_rows_however_many_questions_other_skills_have(bank, kind):
    assessment, mode = STARTS[kind]
    read = []
    for others in (1, 41):
        app = bank(others)
        client = app.test_client()
        with app.app_context():  # as in a new worker: the adaptive item pool is built from the database
            lifecycle._POOLS.pop(db.engine, None)
            lifecycle._DAY_ONE.pop(db.engine, None)
        with rows_read(app) as rows:
            response = start(client, assessment, mode)
        assert response.status_code == 303, response.text
        read.append(rows[0])
        public_id = response.headers["Location"].split("/")[2]
        assert all(set(definition["skills"]) & set(NARROW) for _, definition, _ in items_of(app, public_id))
    assert read[0] == read[1], f"{kind}: {read[0]} rows with 1 question on another skill, {read[1]} with 41"


def test_gap_practice_reads_the_same_rows_however_many_questions_other_skills_have(bank):
    app = bank(1)
    client = app.test_client()
    public_id = start(client, "narrow", "assessment").headers["Location"].split("/")[2]
    for position, definition, _ in items_of(app, public_id):
        page = client.get(f"/attempt/{public_id}/q/{position}").text
        client.post(f"/attempt/{public_id}/q/{position}", data={
            "csrf_token": csrf_token(page), "action": "next", "answer": wrong_answer(definition)})
    page = client.get(f"/attempt/{public_id}/submit").text
    assert client.post(f"/attempt/{public_id}/submit", data={"csrf_token": csrf_token(page)}).status_code == 303
    token = csrf_token(client.get(f"/report/{public_id}").text)
    assert client.post(f"/report/{public_id}/practice", data={"csrf_token": token}).status_code == 303  # makes its assessment
    read = []
    for others in (1, 41):
        bank(others)
        with rows_read(app) as rows:
            assert client.post(f"/report/{public_id}/practice", data={"csrf_token": token}).status_code == 303
        read.append(rows[0])
    assert read[0] == read[1], f"{read[0]} rows with 1 question on another skill, {read[1]} with 41"


def test_the_candidates_are_the_live_versions_with_one_of_the_skills(bank):
    """The same versions, primary skills and order as filtering every live version in Python: shared
    questions (t.other first, t.math second) count for t.math; retired and replaced versions never."""
    app = bank(12, shared=4)
    with app.app_context():
        retired = db.session.get(Question, "other-1")
        retired.retired = True
        db.session.commit()
        bank(12, shared=4)  # re-import: other-1 is back; retire another one by hand after
        db.session.get(Question, "other-2").retired = True
        db.session.commit()
        rows = db.session.execute(select(QuestionVersion.id, QuestionVersion.skills, QuestionVersion.difficulty)
                                  .join(Question, Question.current_version_id == QuestionVersion.id)
                                  .where(Question.retired.is_(False)).order_by(QuestionVersion.id)).all()
        for skills in ({"t.math"}, set(NARROW), {"t.other", "t.basics"}, {"t.advanced"}, {"t.nothing"}, set()):
            expected = [(v, next(s for s in vskills if s in skills), d) for v, vskills, d in rows
                        if any(s in skills for s in vskills)]
            got = [(v.id, v.primary, v.difficulty) for v in live_versions(skills)]
            assert got == expected, skills
        assert {v.question_id for v in live_versions({"t.math"})} >= {"other-0", "other-3"}
        assert "other-2" not in {v.question_id for v in live_versions({"t.other"})}
        assert db.session.scalar(select(Attempt.id)) is None


def test_a_pool_rebuilt_after_an_import_equals_a_new_workers(bank):
    """The adaptive pool keeps each version's day-one parameters across rebuilds (a version never changes):
    after an import that adds and changes questions, it equals a pool built from nothing."""
    app = bank(6, shared=2)
    with app.app_context():
        lifecycle.item_pool(("t.math", "t.other"))
    app = bank(9, shared=5)  # three new questions, and other-2..4 gain t.math: new versions
    with app.app_context():
        rebuilt = lifecycle.item_pool(("t.math", "t.other"))
        lifecycle._POOLS.pop(db.engine, None)
        lifecycle._DAY_ONE.pop(db.engine, None)
        fresh = lifecycle.item_pool(("t.math", "t.other"))
    assert rebuilt == fresh
    assert len(rebuilt[0]["t.other"]) == 9 and rebuilt[0]["t.math"]  # a shared question's first skill is t.other


def fixed_start_reads(app, client) -> tuple[list[str], int]:
    """The SELECTs a fixed-form start of the narrow assessment sent and the rows they returned (rows_read)."""
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)
    event.listen(engine, "before_cursor_execute", record)
    try:
        with rows_read(app) as rows:
            assert start(client, "narrow", "assessment").status_code == 303
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent, rows[0]


def test_a_fixed_form_start_reads_its_skills_versions_once_per_bank_revision(bank):
    """The candidates are kept per worker until an import changes the live questions: a start after the
    first reads a stored token and its form's definitions, the same statements and rows whether its own
    skills have 1 question more or 41 (before, every start read all its skills' versions)."""
    read = []
    for own in (1, 41):
        app = bank(own, shared=own)  # questions on t.other and t.math: candidates of the narrow form
        client = app.test_client()
        first = start(client, "narrow", "assessment")  # after the import: reads the candidates
        assert first.status_code == 303, first.text
        sent, rows = fixed_start_reads(app, client)
        assert not any("question_skill" in statement for statement in sent), sent
        read.append((len(sent), rows))
    assert read[0] == read[1], f"(SELECTs, rows) with 1 more question on the form's skills {read[0]}, with 41 {read[1]}"


def kept_ids(app) -> set[int]:
    """The version ids of the fixed-form candidates the worker keeps for the narrow assessment."""
    with app.app_context():
        groups = lifecycle.form_groups(frozenset(NARROW))
    return {c.key for levels in groups.values() for group in levels.values() for c in group}


def live_ids(app) -> set[int]:
    with app.app_context():
        return {v.id for v in live_versions(set(NARROW))}


def test_an_import_that_changes_the_questions_renews_the_kept_candidates(bank):
    """New versions, retired and restored questions are in the next start's candidates; an unchanged
    re-import keeps the token (and writes nothing); without a token nothing is kept."""
    app = bank(3, shared=3)
    client = app.test_client()
    assert start(client, "narrow", "assessment").status_code == 303
    with app.app_context():
        first = bank_revision(db.session)
    assert first and kept_ids(app) == live_ids(app)
    bank(3, shared=3)  # unchanged
    with app.app_context():
        assert bank_revision(db.session) == first
    seen = {first}
    for own, shared in ((6, 6), (6, 2), (2, 2), (6, 6)):  # added; new versions (skills changed); retired; restored
        bank(own, shared)
        with app.app_context():
            revision = bank_revision(db.session)
        assert revision not in seen, (own, shared)
        seen.add(revision)
        assert kept_ids(app) == live_ids(app), (own, shared)
        assert start(client, "narrow", "assessment").status_code == 303
    with app.app_context():
        db.session.execute(delete(ModelSetting).where(ModelSetting.key == BANK_REVISION_KEY))
        db.session.commit()
        lifecycle._FORM_GROUPS.pop(db.engine, None)
        lifecycle.form_groups(frozenset(NARROW))
        assert not lifecycle._FORM_GROUPS[db.engine]  # read, not kept: no import has stamped this bank


def test_a_pool_is_rebuilt_when_an_import_retires_one_question_and_restores_another(bank):
    """Neither the newest version id nor the count of retired questions changes then; the bank revision does."""
    skills = ("t.math", "t.other")
    app = bank(3)
    for left_out in ((2,), (1,)):  # other-2 retired; then other-1 retired and other-2 restored (same version)
        app = bank(3, left_out=left_out)
        with app.app_context():
            pool = lifecycle.item_pool(skills)[3]
            live = {v.id for v in live_versions(set(skills))}
            retired = db.session.scalar(select(Question.id).where(Question.retired.is_(True)))
        assert set(pool) == live, left_out
        assert retired == f"other-{left_out[0]}"
