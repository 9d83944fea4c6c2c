"""No input breaks a page: every form, fuzzed with Hypothesis (valid CSRF token, arbitrary fields).

Each test builds its app once and runs 200 examples of arbitrary text, bytes, repeated and
missing fields; no response may be a 5xx (with TESTING on, an exception in a view propagates
and fails the example too, so Hypothesis shrinks it to the smallest input that breaks).
"""
from __future__ import annotations

import io
import zipfile
from urllib.parse import quote_from_bytes

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.security import generate_password_hash

from quizapp.extensions import db
from tests.helpers import (
    FIXTURE_BANK,
    add_user,
    app_with_bank,
    copy_fixture_bank,
    current_versions,
    insert_attempt,
    login,
    new_client,
    next_address,
    token_of,
)

# No example database (nothing written outside tmp) and no shrinking: a failing form reports the
# example that broke it at once instead of spending a minute minimising it.
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                database=None, phases=(Phase.explicit, Phase.generate))

TRICKY = st.sampled_from([
    "", " ", "\x00", "0", "-1", "1e309", "-1e309", "nan", "inf", "-0", "１０", "١٢", "1,5", "1_000", "0x10",
    "9" * 400, "a" * 5000, "\u202e\u0000\ufeff", "<script>alert(1)</script>", "' OR 1=1 --", "%s%n%x",
    "{{7*7}}", "${7*7}", "../../etc/passwd", "true", "false", "None", "[]", "{}", "y", "\r\n", "é" * 300,
    "ABCD-EFGH", "abcd efgh", "\U0001F600" * 50, "0" * 70, "-" * 10, "1e-400", "+.5", "−3",
])
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)
VALUE = st.one_of(st.none(), TEXT, TRICKY, st.binary(max_size=120),
                  st.lists(st.one_of(TEXT, TRICKY), min_size=2, max_size=4))


def fields(names: list[str], extra: bool = True):
    """Values for the form's own fields (None = missing), plus sometimes unknown ones."""
    own = st.fixed_dictionaries({name: VALUE for name in names})
    if not extra:
        return own
    return st.tuples(own, st.dictionaries(st.one_of(TEXT, st.sampled_from(names)), VALUE, max_size=2)).map(
        lambda pair: {**pair[1], **pair[0]})


def body(token: str, values: dict) -> bytes:
    """A urlencoded body with arbitrary bytes, repeated keys and missing fields, plus the token."""
    pairs = [("csrf_token", token)]
    for name, value in values.items():
        if value is None:
            continue
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, item))
    def enc(x):
        return quote_from_bytes(x if isinstance(x, bytes) else x.encode("utf-8", "surrogatepass"))
    return "&".join(f"{enc(k)}={enc(v)}" for k, v in pairs).encode("ascii")


def post(client, url: str, token: str, values: dict):
    client.environ_base["REMOTE_ADDR"] = next_address()  # never the rate limit's 429 instead of the form
    response = client.post(url, data=body(token, values), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (url, values, response.status_code)
    return response


def fuzz_app(tmp_path, writable_bank: bool = False):
    """An app on an in-memory database; uploads get their own copy of the bank (they stage files)."""
    bank = copy_fixture_bank(tmp_path) if writable_bank else FIXTURE_BANK
    return app_with_bank(tmp_path, bank, SQLALCHEMY_DATABASE_URI="sqlite://")


class Session:
    """A client and its CSRF token, replaced when a successful POST logged it in or out."""

    def __init__(self, app, token_url: str, login_as: str | None = None):
        self.app, self.token_url, self.login_as = app, token_url, login_as
        self.renew()

    def renew(self):
        self.client = login(self.app, self.login_as) if self.login_as else new_client(self.app)
        self.token = token_of(self.client, self.token_url)


def test_fuzz_register(tmp_path):
    s = Session(fuzz_app(tmp_path), "/auth/register")

    @FUZZ
    @given(fields(["email", "display_name", "password", "confirm"]))
    def run(values):
        if post(s.client, "/auth/register", s.token, values).status_code == 302:
            s.renew()  # registered and logged in: start again as a visitor

    run()


def test_fuzz_login(tmp_path, monkeypatch):
    # An unknown email is checked against a dummy scrypt hash (equal timing); for 200 examples a
    # cheap hash keeps the same code path without 200 full scrypt runs.
    monkeypatch.setattr("quizapp.auth.routes.DUMMY_HASH",
                        generate_password_hash("dummy", method="pbkdf2:sha256:1000"), raising=False)
    app = fuzz_app(tmp_path)
    with app.app_context():
        add_user("fuzz@example.org")
        db.session.commit()
    s = Session(app, "/auth/login")

    @FUZZ
    @given(fields(["email", "password", "remember"]))
    def run(values):
        if post(s.client, "/auth/login", s.token, values).status_code == 302:
            s.renew()

    run()


def test_fuzz_start_attempt(tmp_path):
    s = Session(fuzz_app(tmp_path), "/attempt/new/everything")

    @FUZZ
    @given(st.sampled_from(["everything", "drill", "adapt", "nope"]), fields(["role", "mode"]))
    def run(assessment, values):
        post(s.client, f"/attempt/new/{assessment}", s.token, values)

    run()


def _answer_world(tmp_path):
    app = fuzz_app(tmp_path)
    with app.app_context():
        user = add_user("answer@example.org")
        db.session.commit()
        versions = current_versions()
        ordered = [versions[q] for q in sorted(versions)]
        attempts = {mode: insert_attempt(user.id, ordered, "everything", "tester", mode=mode)
                    for mode in ("assessment", "practice")}
        positions = {}
        for position, version in enumerate(ordered, start=1):
            positions.setdefault(version.definition["type"], []).append(position)
    return Session(app, "/", login_as="answer@example.org"), attempts, positions


ANSWER_FIELDS = ["answer", "flagged", "shown_at", "token", "action"]
ACTION = st.one_of(st.sampled_from(["next", "prev", "overview", "check", "save"]), VALUE)


def _fuzz_answers(tmp_path, qtype):
    s, attempts, positions = _answer_world(tmp_path)

    @FUZZ
    @given(st.sampled_from(sorted(attempts)), st.sampled_from(positions[qtype]), fields(ANSWER_FIELDS),
           st.one_of(st.none(), ACTION))
    def run(mode, position, values, action):
        if action is not None:
            values["action"] = action
        post(s.client, f"/attempt/{attempts[mode]}/q/{position}", s.token, values)

    run()


def test_fuzz_answer_single(tmp_path):
    _fuzz_answers(tmp_path, "single")


def test_fuzz_answer_multiple(tmp_path):
    _fuzz_answers(tmp_path, "multiple")


def test_fuzz_answer_true_false(tmp_path):
    _fuzz_answers(tmp_path, "true_false")


def test_fuzz_answer_numeric(tmp_path):
    _fuzz_answers(tmp_path, "numeric")


def test_fuzz_answer_short(tmp_path):
    _fuzz_answers(tmp_path, "short")


def test_fuzz_problem_report(tmp_path):
    s, attempts, _ = _answer_world(tmp_path)
    names = [f"p{p}-{f}" for p in (1, 2) for f in ("reason", "note")] + ["reason", "note"]

    @FUZZ
    @given(st.sampled_from(sorted(attempts)), st.integers(min_value=0, max_value=8), fields(names))
    def run(mode, position, values):
        post(s.client, f"/attempt/{attempts[mode]}/q/{position}/problem", s.token, values)

    run()


def test_fuzz_join_cohort(tmp_path):
    app = fuzz_app(tmp_path)
    with app.app_context():
        add_user("join@example.org")
        db.session.commit()
    s = Session(app, "/cohorts/join", login_as="join@example.org")

    @FUZZ
    @given(fields(["code"]))
    def run(values):
        post(s.client, "/cohorts/join", s.token, values)

    run()


def test_fuzz_create_cohort(tmp_path):
    app = fuzz_app(tmp_path)
    with app.app_context():
        add_user("cohorts@example.org", "instructor")
        db.session.commit()
    s = Session(app, "/instructor/cohorts", login_as="cohorts@example.org")

    @FUZZ
    @given(fields(["name"]))
    def run(values):
        post(s.client, "/instructor/cohorts", s.token, values)

    run()


# --- uploads: arbitrary names and bytes, question-shaped YAML, zips of either -----------------------

QUESTION_KEYS = ["id", "type", "difficulty", "prompt", "explanation", "references", "skills", "choices", "answer",
                 "answers", "pattern", "tolerance", "unit", "feedback", "check", "requires", "reviewed", "params",
                 "case_sensitive", "text", "correct", "python", "skill", "questions"]
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
                   st.floats(allow_nan=True, allow_infinity=True), TEXT,
                   st.sampled_from(["single", "multiple", "true_false", "numeric", "short", "t.basics", "t-x",
                                    "1%", "(a+)+$", "{{n}}", "https://x.example", "2026-01-01", "[", "*a"]))
YAML_VALUE = st.recursive(SCALAR, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(QUESTION_KEYS), TEXT), children, max_size=6)), max_leaves=25)
QUESTION_LIKE = st.fixed_dictionaries({
    "skill": st.one_of(st.just("t.basics"), SCALAR),
    "questions": st.lists(st.dictionaries(st.sampled_from(QUESTION_KEYS), YAML_VALUE, max_size=10), max_size=3),
}).map(lambda d: yaml.safe_dump(d, allow_unicode=True).encode("utf-8", "surrogatepass"))
VALID = [
    {"id": "t-f-single", "type": "single", "difficulty": 2, "prompt": "P?", "explanation": "E.",
     "references": ["https://example.org/"], "choices": [{"text": "a", "correct": True}, {"text": "b", "feedback": "f"}]},
    {"id": "t-f-multiple", "type": "multiple", "difficulty": 3, "prompt": "P?", "explanation": "E.",
     "references": ["https://example.org/"],
     "choices": [{"text": "a", "correct": True}, {"text": "b"}, {"text": "c", "correct": True}]},
    {"id": "t-f-tf", "type": "true_false", "difficulty": 1, "prompt": "P?", "answer": False, "feedback": "f",
     "explanation": "E.", "references": ["https://example.org/"]},
    {"id": "t-f-num", "type": "numeric", "difficulty": 3, "prompt": "P?", "answer": 10, "tolerance": "1%",
     "unit": "s", "explanation": "E.", "references": ["https://example.org/"], "check": {"python": "10"}},
    {"id": "t-f-short", "type": "short", "difficulty": 4, "prompt": "P?", "answers": ["yield"], "pattern": "^y$",
     "case_sensitive": False, "explanation": "E.", "references": ["https://example.org/"], "reviewed": "2026-01-01"},
    {"id": "t-f-param", "type": "numeric", "difficulty": 2, "prompt": "n={{n}}", "params": {"n": [1, 2]},
     "check": {"python": "{{n}} * 2"}, "explanation": "E.", "references": ["https://example.org/"]},
]
SUBKEYS = st.one_of(st.sampled_from(QUESTION_KEYS), st.integers(min_value=0, max_value=3))
MUTATED = st.tuples(st.sampled_from(VALID), st.lists(st.tuples(st.lists(SUBKEYS, min_size=1, max_size=3), YAML_VALUE),
                                                     min_size=1, max_size=3)).map(lambda pair: _mutate(*pair))


def _mutate(question: dict, edits) -> bytes:
    """A valid question with one to three values (at any depth) replaced: reaches deep validation."""
    import copy

    question = copy.deepcopy(question)
    for path, value in edits:
        target = question
        for key in path[:-1]:
            if isinstance(target, dict) and key in target or isinstance(target, list) and \
                    isinstance(key, int) and key < len(target):
                target = target[key]
        last = path[-1]
        if isinstance(target, dict) and not isinstance(last, int):
            target[last] = value
        elif isinstance(target, list) and isinstance(last, int) and last < len(target):
            target[last] = value
    return yaml.safe_dump({"skill": "t.basics", "questions": [question]}, allow_unicode=True).encode(
        "utf-8", "surrogatepass")


CONTENT = st.one_of(st.binary(max_size=600), TEXT.map(lambda t: t.encode("utf-8")), QUESTION_LIKE, MUTATED,
                    YAML_VALUE.map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode("utf-8", "surrogatepass")))
NAME = st.one_of(st.sampled_from(["q.yaml", "a.yml", "B.YAML", "basics.yaml", "skills.yaml", "../../etc/x.yaml",
                                  "..\\..\\x.yaml", "", ".yaml", "a" * 300 + ".yaml", "q.zip", "x.txt", "c:x.yaml",
                                  "/abs.yaml", "dir/q.yaml", "q.yaml\x00.zip"]),
                 TEXT.map(lambda t: t + ".yaml"), TEXT)


def _zip(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        unique = {zipfile.ZipInfo(name).filename or "empty": data for name, data in entries}  # as the zip stores them
        for name, data in unique.items():
            archive.writestr(name, data)
    return buffer.getvalue()


ZIP = st.lists(st.tuples(NAME, CONTENT), min_size=0, max_size=3).map(_zip)
UPLOAD = st.lists(st.one_of(st.tuples(NAME, CONTENT), st.tuples(st.just("bundle.zip"), ZIP),
                            st.tuples(NAME, ZIP)), max_size=3)


def test_fuzz_upload(tmp_path):
    app = fuzz_app(tmp_path, writable_bank=True)
    with app.app_context():
        add_user("upload@example.org", "instructor")
        db.session.commit()
    s = Session(app, "/instructor/upload", login_as="upload@example.org")

    @FUZZ
    @given(UPLOAD, st.booleans())
    def run(files, with_field):
        data = {"csrf_token": s.token}
        if with_field:
            data["files"] = [(io.BytesIO(content), name) for name, content in files]
        response = s.client.post("/instructor/upload", data=data, content_type="multipart/form-data")
        assert response.status_code < 500, (files, response.status_code)
        if response.status_code == 303:  # staged: the review parses and validates the files
            review = s.client.get(response.headers["Location"])
            assert review.status_code < 500, (files, review.status_code)

    run()
