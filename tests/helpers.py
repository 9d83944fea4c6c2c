"""Helpers shared by test modules: functions, classes and constants, in one module.

Fixtures stay in the conftest.py files (pytest finds them without imports) and import their helpers
from here; a test module imports from here, never from another test module or from a conftest
(tests/test_layout.py checks that).
"""
from __future__ import annotations

import contextlib
import copy
import functools
import importlib.util
import io
import itertools
import os
import random
import re
import secrets
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from quizapp import create_app
from quizapp.attempts import lifecycle as attempts
from quizapp.attempts.profile import answers_of
from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.config import TestConfig
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Cohort, Question, QuestionVersion, User, utcnow
from quizapp.questiontypes import get_question_type

# --- the fixture bank and apps -------------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_BANK = FIXTURES / "bank"


def qti3_xsd_dir() -> Path | None:
    """The folder of the 1EdTech QTI 3.0 XSDs (qtiv3p0/, w3/, imsmd_loose_v1p3p2.xsd), if this machine has it.

    They are not committed (see tests/data/README.md): $QUIZAPP_QTI_XSD_DIR, tests/data/qti3_xsd/, or the
    qti3_xsd/ folder of the shared/ copy laid beside the repository."""
    repo = Path(__file__).parents[1]
    candidates = [os.environ.get("QUIZAPP_QTI_XSD_DIR"), repo / "tests" / "data" / "qti3_xsd",
                  repo.parent / "shared" / "qti3_xsd"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "qtiv3p0" / QTI3_ASI_XSD).is_file():
            return Path(candidate)
    return None


QTI3_ASI_XSD = "imsqti_asiv3p0_sbacv1p0_v1p0.xsd"
QTI3_MANIFEST_XSD = "imsqtiv3p0_imscpv1p2_v1p0.xsd"

# `make test` runs the suite a second time against PostgreSQL by setting this to a fresh database.
TEST_DATABASE_URL = os.environ.get("QUIZAPP_TEST_DATABASE_URL")


@functools.cache
def _parsed_fixture_bank():
    return load_bank(FIXTURE_BANK)


def fixture_bank():
    """The fixture bank, parsed once per test session (every app test imports it) and copied for each
    caller. It also keeps the loader's mutants (docs/mutation.md) to the loader's own tests: only the
    first app test of a run reaches the loader."""
    return copy.deepcopy(_parsed_fixture_bank())


@contextlib.contextmanager
def in_the_learners_browser(app, learner):
    """A request context carrying the learner's guest cookie, so the hot path's reads (which take the
    visitor from the session) find the learner's attempt."""
    from flask import session

    from quizapp.hotpath.identity import GUEST_KEY

    with app.test_request_context():
        with learner.client.session_transaction() as cookie:
            session[GUEST_KEY] = cookie[GUEST_KEY]
        yield


def with_fixture_bank(app):
    """The app with its tables created and the fixture bank imported, as most app tests start."""
    with app.app_context():
        db.create_all()
        sync_bank(db.session, fixture_bank())
        db.session.commit()
    return app


_APPS: list = []


def make_app(tmp_path: Path, bank_dir: Path = FIXTURE_BANK, **overrides):
    """An app on TestConfig (on TEST_DATABASE_URL when set) over `bank_dir`; tests/conftest.py disposes
    its engine after the test (dispose_apps)."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    if TEST_DATABASE_URL:
        config["SQLALCHEMY_DATABASE_URI"] = TEST_DATABASE_URL
    app = create_app({**config, "QUESTIONS_DIR": str(bank_dir), **overrides})
    app.instance_path = str(tmp_path)
    _APPS.append(app)
    return app


def dispose_apps() -> None:
    """Close every database connection the apps made since the last call opened (PostgreSQL warns
    about leaks), after the xAPI sending threads that use them have ended."""
    from quizapp.xapi.sender import stop_senders

    stop_senders()
    while _APPS:
        app = _APPS.pop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- pages and forms -----------------------------------------------------------------------------

CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page, as a browser would send it."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def token_of(client, url: str = "/") -> str:
    """A valid CSRF token for this client's session (from any page with a form)."""
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
    if match is None:  # anonymous home pages may have no form: the login page always has one
        return csrf_token(client.get("/auth/login").text)
    return match.group(1)


def post_form(client, url: str, data: dict, **kwargs):
    """Post `data` to the form at `url` with the CSRF token of the page there."""
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs)


LINK_RE = re.compile(r"https?://[^/\s]+(/auth/[^\s]+)")


def mailed_links(app, to: str, subject: str | None = None) -> list[str]:
    """The paths of the links in the messages sent to `to` so far (newest last), as the log has them
    (TestConfig sets no SMTP server); only the messages whose subject contains `subject` if given."""
    mailer = app.extensions["quizapp_mail"]
    assert mailer.wait(), "the outbox did not empty"
    return [path for message in mailer.logged if message["To"] == to
            and (subject is None or subject in message["Subject"])
            for path in LINK_RE.findall(message.get_content())]


def follow_confirmation(client, email: str):
    """Open the newest confirmation link mailed to `email` and press its button (logs in)."""
    links = [p for p in mailed_links(client.application, email, "Confirm") if "/auth/confirm/" in p]
    assert links, f"no confirmation link was mailed to {email}"
    page = client.get(links[-1])
    return client.post(links[-1], data={"csrf_token": csrf_token(page.text)})


class AuthActions:
    """Registers, logs in and logs out through the pages (CSRF tokens included)."""

    def __init__(self, client):
        self._client = client

    def register(self, email="ada@example.org", password="correct horse battery", name="Ada", confirm=True):
        """Register; unless confirm=False, then open the emailed link (which logs in), and return its answer."""
        page = self._client.get("/auth/register")
        response = self._client.post("/auth/register", data={
            "csrf_token": csrf_token(page.text), "email": email, "display_name": name,
            "password": password, "confirm": password})
        if not confirm or response.status_code != 302:
            return response
        return follow_confirmation(self._client, email)

    def login(self, email="ada@example.org", password="correct horse battery"):
        page = self._client.get("/auth/login")
        return self._client.post("/auth/login", data={
            "csrf_token": csrf_token(page.text), "email": email, "password": password})

    def logout(self):
        page = self._client.get("/")
        return self._client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)})


def logged_in(app, email):
    """A test client logged in as `email` (password "correct horse battery")."""
    client = app.test_client()
    assert AuthActions(client).login(email=email).status_code == 302
    return client


class Learner:
    """Drives an attempt through the pages the way a browser does (CSRF tokens included)."""

    def __init__(self, client):
        self.client = client
        self.public_id = None

    def start(self, assessment="everything", mode="assessment", role="tester"):
        page = self.client.get(f"/attempt/new/{assessment}")
        response = self.client.post(f"/attempt/new/{assessment}", data={
            "csrf_token": csrf_token(page.text), "role": role, "mode": mode})
        assert response.status_code == 303, response.text
        self.public_id = response.headers["Location"].split("/")[2]
        return response

    def url(self, position: int) -> str:
        return f"/attempt/{self.public_id}/q/{position}"

    def answer(self, position: int, answer=None, action="next", flagged=False, confidence=None, **extra):
        page = self.client.get(self.url(position))
        data = {"csrf_token": csrf_token(page.text), "action": action, **extra}
        if confidence:
            data["confidence"] = confidence
        if answer is not None:
            data["answer"] = answer
        if flagged:
            data["flagged"] = "y"
        return self.client.post(self.url(position), data=data)

    def submit(self):
        page = self.client.get(f"/attempt/{self.public_id}/submit")
        return self.client.post(f"/attempt/{self.public_id}/submit", data={"csrf_token": csrf_token(page.text)})


# --- answers -------------------------------------------------------------------------------------

def items_of(app, public_id):
    """(position, definition, choice order) of each item of the attempt."""
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        return [(i.position, i.version.definition, i.choice_order) for i in attempt.items]


def right_answer(definition, order=None):
    """The form value a learner who knows the key would send (`order`: the attempt's shown order)."""
    t = definition["type"]
    if t == "single":
        return str(next(i for i, c in enumerate(definition["choices"]) if c["correct"]))
    if t == "multiple":
        return [str(i) for i, c in enumerate(definition["choices"]) if c["correct"]]
    if t == "true_false":
        return "true" if definition["answer"] else "false"
    if t == "numeric":
        return str(definition["answer"])
    if t == "ordering":  # each shown place gets its item's position in the key
        shown = order if order is not None else list(range(len(definition["items"])))
        return [f"{k}:{item + 1}" for k, item in enumerate(shown)]
    return (definition.get("answers") or [definition.get("example")])[0]  # a pattern alone: its author's example


def wrong_answer(definition, order=None):
    """A form value that is wrong for the question (`order`: the attempt's shown order)."""
    t = definition["type"]
    if t in ("single", "multiple"):
        wrong = next(i for i, c in enumerate(definition["choices"]) if not c["correct"])
        return str(wrong) if t == "single" else [str(wrong)]
    if t == "true_false":
        return "false" if definition["answer"] else "true"
    if t == "numeric":
        return str(definition["answer"] + 1000)
    if t == "ordering":  # reversed: no item is followed by its right successor
        n = len(definition["items"])
        shown = order if order is not None else list(range(n))
        return [f"{k}:{n - item}" for k, item in enumerate(shown)]
    return "definitely not it"


def answer_to_the_end(app, learner: Learner, pick) -> int:
    """Answer the learner's attempt page by page until it ends (an adaptive one stops by itself) and return how
    many questions it asked. `pick(position, definition, order, question_id)` gives the form value, or None for
    "I don't know", which is also the answer where a short question is keyed by a pattern with no example (no
    value the helpers can write)."""
    position = 1
    while True:
        with app.app_context():
            slot = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id)).items[position - 1]
            definition, order, question = slot.definition, slot.choice_order, slot.version.question_id
        writable = definition["type"] != "short" or definition.get("answers") or definition.get("example")
        value = pick(position, definition, order, question) if writable else None
        response = learner.answer(position, None, dont_know="y") if value is None else learner.answer(position, value)
        assert response.status_code == 303, response.status_code
        if not response.headers["Location"].endswith(f"/q/{position + 1}"):
            return position
        position += 1


STAMP_RE = re.compile(r'name="shown_at" type="hidden" value="([^"]*)"')


def shown_page(client, url):
    """The CSRF token and the signed shown-at stamp of the question page at `url`."""
    page = client.get(url).text
    return csrf_token(page), STAMP_RE.search(page).group(1)


def post_later(client, url, monkeypatch, data, seconds_later):
    """Post as if `seconds_later` seconds had passed on the server since now."""
    later = utcnow() + timedelta(seconds=seconds_later)
    monkeypatch.setattr(attempts, "utcnow", lambda: later)
    return client.post(url, data={"action": "save", **data})


# --- SQL statements ------------------------------------------------------------------------------

@contextlib.contextmanager
def recorded_statements(app):
    """Every SQL statement the app sends while the block runs: through SQLAlchemy (its events) and
    through reads.DriverConnection (PostgreSQL's hot path, which SQLAlchemy does not see)."""
    from sqlalchemy import event

    from quizapp.hotpath import reads

    statements: list[str] = []

    def through_sqlalchemy(conn, cursor, statement, *args):
        statements.append(statement)

    def through_driver(cursor, sql, parameters):
        statements.append(sql)
        cursor.execute(sql, parameters)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", through_sqlalchemy)
    original, reads.DriverConnection.execute = vars(reads.DriverConnection)["execute"], staticmethod(through_driver)
    try:
        yield statements
    finally:
        reads.DriverConnection.execute = original
        event.remove(engine, "before_cursor_execute", through_sqlalchemy)


# --- PostgreSQL ----------------------------------------------------------------------------------

PG_URL = os.environ.get("QUIZAPP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_admin():
    """A connection to the PostgreSQL server's admin database; skips the test when there is no server,
    except in CI (CI=true), where the production database must be tested for real."""
    import psycopg

    try:
        return psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")


@contextlib.contextmanager
def new_postgres_database():
    """A database of its own for one test, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"quizapp_test_{secrets.token_hex(4)}"
    with postgres_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    finally:
        with postgres_admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- question files for the loader ---------------------------------------------------------------

GOOD = """\
skill: t.basics
questions:
  - id: q-good
    type: single
    difficulty: 2
    prompt: Pick b.
    choices:
      - text: a
        feedback: Not a.
      - text: b
        correct: true
    explanation: It is b.
    references: [https://example.org/b]
"""

PARAM = """\
skill: t.basics
questions:
  - id: q-p
    type: numeric
    difficulty: 2
    params:
      n: [1, 2]
    prompt: Double {{n}}?
    check: {python: n * 2}
    explanation: E
    references: [https://example.org]
"""

# Questions every format converts with an issue (a check, a pattern, a unit, case sensitivity).
ODD_BANK = """skill: t.basics
questions:
  - id: odd-param
    type: numeric
    difficulty: 2
    params:
      n: [1, 2]
    prompt: What is {{n}} + 1?
    check:
      python: print({{n}} + 1)
    explanation: Add one.
    references: [https://example.org/]
  - id: odd-regex
    type: short
    difficulty: 2
    prompt: Type some a's.
    pattern: ^a+$
    explanation: Any number of a.
    references: [https://example.org/]
  - id: odd-unit
    type: numeric
    difficulty: 2
    prompt: How long?
    answer: 2
    unit: ms
    explanation: Two.
    references: [https://example.org/]
  - id: odd-case
    type: short
    difficulty: 2
    prompt: Name it
    answers: [A]
    pattern: ^A$
    case_sensitive: true
    explanation: A.
    references: [https://example.org/]
"""


def write(root, text, name="topic.yaml"):
    """Write `text` (dedented) as topics/`name` of the bank at `root`; returns its path."""
    path = root / "topics" / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the formats: issues the import tables expect again and again (the importers' exact words) ---

def todo(line, qid, explanation=True, references=True):
    """The issues asking the instructor for what the source did not carry."""
    return [(line, qid, message) for message, missing in (
        ("no explanation in the source; add one", explanation),
        ("no references in the source; add at least one", references)) if missing]


def category(line, path, count):
    """The issue on a category line that no skill was mapped to."""
    return (line, None, f"category '{path}' ({count} question{'' if count == 1 else 's'}) not carried: a quizapp file "
                        f"has one skill; to give its questions another, convert with --category-skill '{path}=SKILL'")


# --- security: accounts, clients and attempts written directly -----------------------------------
# Every client gets its own REMOTE_ADDR, so the login rate limit (keyed on the client address)
# never turns one test's logins into another test's 429s.

PASSWORD = "violet staple 7 orbit lantern"  # strong enough for any password policy
_ADDRESSES = itertools.count(1)


def next_address() -> str:
    """A client address no other client of the run has."""
    n = next(_ADDRESSES)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def new_client(app, address: str | None = None):
    """A test client with its own client address (the rate limiter's key)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address or next_address()
    return client


def add_user(email: str, role: str = "learner", name: str | None = None, password: str = PASSWORD,
             real_hash: bool = False) -> User:
    """Create an account directly (inside an app context); the caller commits.

    Test accounts get a cheap PBKDF2 hash (check_password_hash reads any method), so logging in
    does not cost a full scrypt run each time; real_hash=True uses the app's own set_password
    (what the password-storage and login-timing tests need)."""
    user = User(email=email, display_name=name or email.split("@")[0], role=role)
    if real_hash:
        user.set_password(password)
    else:
        user.password_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")
    db.session.add(user)
    return user


def login(app, email: str, password: str = PASSWORD, client=None):
    """`client` (by default a new one with its own address) logged in as `email`."""
    client = client or new_client(app)
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"csrf_token": csrf_token(page.text), "email": email,
                                                "password": password})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return client


def copy_fixture_bank(tmp_path: Path) -> Path:
    """A copy of the fixture bank at tmp_path/questions, for a test that changes it."""
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    return root


def extended_fixture_bank(tmp_path: Path, *, skills: str = "", roles: str = "", assessments: str = "",
                          topics: dict[str, str] | None = None) -> Path:
    """A copy of the fixture bank with lines appended to its catalogue files and topic files added."""
    root = copy_fixture_bank(tmp_path)
    for name, lines in (("skills.yaml", skills), ("roles.yaml", roles), ("assessments.yaml", assessments)):
        (root / name).write_text((root / name).read_text() + lines)
    for name, text in (topics or {}).items():
        (root / "topics" / name).write_text(text)
    return root


def synced_app(tmp_path: Path, root: Path):
    """An app (the suite's database) with the bank at root imported; the bank must be valid."""
    app = make_app(tmp_path, root)
    bank = load_bank(root)
    assert bank.ok, [str(i) for i in bank.issues]
    with app.app_context():
        db.create_all()
        sync_bank(db.session, bank)
        db.session.commit()
    return app


def app_with_bank(tmp_path: Path, bank_dir: Path = FIXTURE_BANK, **overrides):
    """An app with the bank imported, on an SQLite file: the suite's conftest disposes engines after
    each test, which would empty an in-memory database shared by a module- or session-scoped app."""
    overrides.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'security.sqlite'}")
    app = make_app(tmp_path, bank_dir, **overrides)
    with app.app_context():
        db.create_all()
        sync_bank(db.session, load_bank(bank_dir))
        db.session.commit()
    return app


def insert_attempt(user_id: int | None, versions: list[QuestionVersion], assessment_id: str, role_id: str,
                   mode: str = "assessment", guest: str | None = None, seed: int = 0, commit: bool = True) -> str:
    """An attempt with one item per version, written directly (inside an app context)."""
    rng = random.Random(seed)
    attempt = Attempt(public_id=secrets.token_urlsafe(12), user_id=user_id, guest_token=guest,
                      assessment_id=assessment_id, role_id=role_id, mode=mode, question_count=len(versions))
    for position, version in enumerate(versions, start=1):
        d = version.definition
        order = get_question_type(d["type"]).shuffled_order(d, rng)
        variant = rng.randrange(len(d["variants"])) if d.get("variants") else None
        attempt.items.append(AttemptItem(position=position, version_id=version.id, choice_order=order,
                                         variant=variant))
    db.session.add(attempt)
    if commit:
        db.session.commit()
    return attempt.public_id


def current_versions() -> dict[str, QuestionVersion]:
    """question id -> its current version (inside an app context)."""
    rows = db.session.execute(select(Question.id, QuestionVersion)
                              .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)).all()
    return {qid: version for qid, version in rows}


# --- HTML checks ---------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
                  "ping", "manifest", "codebase", "cite", "longdesc", "usemap", "lowsrc", "dynsrc"}
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet"}


def _scheme_of(value: str) -> str:
    # Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


class ActiveContentFinder(HTMLParser):
    """Collects script elements, on* handlers and javascript:/vbscript:/data:text/html URLs.

    The one script allowed is the app's own: <script src="/static/..."> with no inline body
    (the CSP, script-src 'self', allows nothing else either)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None  # the src of the open <script>, "" when inline

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            self._script = src
            if not (src.startswith("/static/") and "//" not in src and ".." not in src):
                self.found.append(f"<script src={src!r}> element" if src else "inline <script> element")
        elif tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}> event handler")
            if name in URL_ATTRIBUTES or name == "style":
                scheme = _scheme_of(value)
                if scheme in ("javascript", "vbscript", "livescript") or (
                        scheme == "data" and "text/html" in value.lower()):
                    self.found.append(f"<{tag} {name}={value!r}> script URL")
                if name == "style" and ("expression(" in value.lower() or "javascript:" in value.lower()):
                    self.found.append(f"<{tag} style={value!r}> scripted style")
            if name == "srcdoc":
                self.found.append(f"<{tag} srcdoc> inline document")
            if tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.found.append("<meta http-equiv=refresh>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append(f"<script src={self._script!r}> with an inline body")


def active_content(html: str) -> list[str]:
    """What in `html` could run script (ActiveContentFinder), one description each."""
    finder = ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.found


class TextExtractor(HTMLParser):
    """Visible text (scripts and styles excluded), whitespace collapsed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of `html` a reader sees, whitespace collapsed."""
    extractor = TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join(" ".join(extractor.parts).split())


# --- the world: accounts and real objects for the authorization matrix ---------------------------

@dataclass
class World:
    app: object
    clients: dict = field(default_factory=dict)   # principal -> logged-in test client
    ids: dict = field(default_factory=dict)       # name -> public id / token / cohort id


ANON, LEARNER_A, LEARNER_B, INSTRUCTOR, ADMIN = "anonymous", "learner_a", "learner_b", "instructor", "admin"
PRINCIPALS = (ANON, LEARNER_A, LEARNER_B, INSTRUCTOR, ADMIN)

UPLOAD_FILE = b"""\
skill: t.basics
questions:
  - id: t-sec-uploaded
    type: single
    difficulty: 2
    prompt: Which keyword starts a function definition?
    choices:
      - text: '`def`'
        correct: true
      - text: '`function`'
        feedback: That is JavaScript.
    explanation: Functions are defined with `def`.
    references: [https://docs.python.org/3/tutorial/controlflow.html#defining-functions]
"""


def _start(client, assessment: str, mode: str = "assessment") -> str:
    page = client.get(f"/attempt/new/{assessment}")
    response = client.post(f"/attempt/new/{assessment}", data={"csrf_token": csrf_token(page.text),
                                                                "role": "tester", "mode": mode})
    assert response.status_code == 303, response.status_code
    return response.headers["Location"].split("/")[2]


def _answer_all_and_submit(client, public_id: str) -> None:
    """Answer every question with something and submit (adaptive attempts grow as they go)."""
    for position in range(1, 40):
        page = client.get(f"/attempt/{public_id}/q/{position}")
        if page.status_code != 200:
            break
        answer = re.search(r'name="answer" type="radio" value="([^"]+)"', page.text) or \
            re.search(r'name="answer" type="checkbox" value="([^"]+)"', page.text) or \
            re.search(r'type="checkbox" name="answer" value="([^"]+)"', page.text)
        data = {"csrf_token": csrf_token(page.text), "action": "next",
                "answer": answer.group(1) if answer else "10"}
        response = client.post(f"/attempt/{public_id}/q/{position}", data=data)
        assert response.status_code in (302, 303), (position, response.status_code)
    page = client.get(f"/attempt/{public_id}/submit")
    response = client.post(f"/attempt/{public_id}/submit", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code in (302, 303)


def build_world(tmp_path: Path) -> World:
    """Five principals and real objects: A's attempts (in progress, submitted, adaptive submitted),
    the instructor's cohort (A is a member) and staged upload, a guest's attempt."""
    bank = copy_fixture_bank(tmp_path)
    app = app_with_bank(tmp_path, bank)
    with app.app_context():
        add_user("a@example.org", "learner", "Learner A")
        add_user("b@example.org", "learner", "Learner B")
        add_user("teach@example.org", "instructor", "Teacher")
        add_user("other-teach@example.org", "instructor", "Other teacher")
        add_user("admin@example.org", "admin", "Admin")
        db.session.commit()
    world = World(app)
    world.clients[ANON] = new_client(app)
    for principal, email in ((LEARNER_A, "a@example.org"), (LEARNER_B, "b@example.org"),
                             (INSTRUCTOR, "teach@example.org"), (ADMIN, "admin@example.org"),
                             ("other_instructor", "other-teach@example.org")):
        world.clients[principal] = login(app, email)

    a = world.clients[LEARNER_A]
    # A joins the cohort first: a cohort sees the attempts its members submit after joining.
    teacher = world.clients[INSTRUCTOR]
    page = teacher.get("/instructor/cohorts")
    response = teacher.post("/instructor/cohorts", data={"csrf_token": csrf_token(page.text), "name": "Cohort T"})
    assert response.status_code == 303
    world.ids["cohort"] = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        code = db.session.get(Cohort, world.ids["cohort"]).join_code
    page = a.get("/cohorts/join")
    assert a.post("/cohorts/join", data={"csrf_token": csrf_token(page.text), "code": code}).status_code == 303

    world.ids["in_progress"] = _start(a, "everything")
    world.ids["submitted"] = _start(a, "everything")
    _answer_all_and_submit(a, world.ids["submitted"])
    world.ids["adaptive"] = _start(a, "adapt")
    _answer_all_and_submit(a, world.ids["adaptive"])
    # A reports a problem on the submitted attempt, so the instructor's queue is not empty.
    token = token_of(a, f"/report/{world.ids['submitted']}")
    response = a.post(f"/attempt/{world.ids['submitted']}/q/1/problem",
                      data={"csrf_token": token, "p1-reason": "typo", "p1-note": "A's note"})
    assert response.status_code == 303

    page = teacher.get("/instructor/upload")
    response = teacher.post("/instructor/upload", data={
        "csrf_token": csrf_token(page.text), "files": [(io.BytesIO(UPLOAD_FILE), "sec-upload.yaml")]},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    world.ids["upload"] = response.headers["Location"].rstrip("/").rsplit("/", 1)[1]

    guest = new_client(app)
    world.clients["guest"] = guest
    world.ids["guest_attempt"] = _start(guest, "everything")
    with app.app_context():
        world.ids["skill"] = db.session.scalar(select(Attempt).where(
            Attempt.public_id == world.ids["adaptive"])).assessment.skills[0]
        world.ids["version"] = db.session.scalar(select(QuestionVersion.id).order_by(QuestionVersion.id).limit(1))
        world.ids["question"] = db.session.scalar(select(QuestionVersion.question_id).order_by(QuestionVersion.id).limit(1))
    return world


# --- the authorization matrix: every GET route, the status each principal must get ---------------
# test_authorization.py requests each case as each principal; test_headers.py checks the headers of
# each page. A NEW route fails test_every_get_route_is_in_the_matrix until it is added to EXPECTED.

def row(anonymous, learner_a, learner_b, instructor, admin) -> dict:
    """The expected status per principal, in PRINCIPALS order."""
    return dict(zip(PRINCIPALS, (anonymous, learner_a, learner_b, instructor, admin), strict=True))


EVERYONE = row(200, 200, 200, 200, 200)
LOGGED_IN = row(302, 200, 200, 200, 200)            # anonymous: redirect to the login page
LOGGED_OUT_ONLY = row(200, 302, 302, 302, 302)      # login/register: a logged-in user is sent home
STAFF = row(403, 403, 403, 200, 200)
OWNER_ONLY = row(404, 200, 404, 404, 404)           # A's attempt: nobody else learns it exists
OWNER_REDIRECT = row(404, 302, 404, 404, 404)
OWNER_CONFLICT = row(404, 409, 404, 404, 404)

# endpoint -> [(case, URL arguments ("@name" = an object of the world), expected status per principal)]
EXPECTED: dict[str, list[tuple[str, dict, dict]]] = {
    "static": [("css", {"filename": "style.css"}, EVERYONE)],
    "main.index": [("home", {}, EVERYONE)],
    "main.method": [("method", {}, EVERYONE)],
    "main.healthz": [("health check", {}, EVERYONE)],
    "main.favicon": [("icon", {}, row(301, 301, 301, 301, 301))],
    "main.history": [("history", {}, LOGGED_IN)],
    "main.join_cohort": [("join form", {}, LOGGED_IN)],
    "auth.register": [("form", {}, LOGGED_OUT_ONLY)],
    "auth.login": [("form", {}, LOGGED_OUT_ONLY)],
    "auth.check_inbox": [("page", {}, EVERYONE)],
    "auth.forgot_password": [("form", {}, EVERYONE)],
    "auth.confirm": [("bad token", {"token": "not-a-token"}, row(400, 400, 400, 400, 400))],
    "auth.reset_password": [("bad token", {"token": "not-a-token"}, row(400, 400, 400, 400, 400))],
    "auth.confirm_email": [("bad token", {"token": "not-a-token"}, row(400, 400, 400, 400, 400))],
    "auth.account": [("page", {}, LOGGED_IN)],
    "auth.guest_data": [("page", {}, LOGGED_OUT_ONLY)],
    "auth.admin_users": [("list", {}, row(403, 403, 403, 403, 200))],
    "quiz.start": [("start form", {"assessment_id": "everything"}, EVERYONE)],
    "quiz.resume": [("in progress", {"public_id": "@in_progress"}, OWNER_REDIRECT),
                    ("submitted", {"public_id": "@submitted"}, OWNER_REDIRECT)],
    "quiz.question": [("in progress", {"public_id": "@in_progress", "position": 1}, OWNER_ONLY),
                      ("submitted", {"public_id": "@submitted", "position": 1}, OWNER_REDIRECT)],
    "quiz.overview": [("in progress", {"public_id": "@in_progress"}, OWNER_ONLY),
                      ("submitted", {"public_id": "@submitted"}, OWNER_REDIRECT)],
    "quiz.submit": [("in progress", {"public_id": "@in_progress"}, OWNER_ONLY),
                    ("submitted", {"public_id": "@submitted"}, row(404, 303, 404, 404, 404))],
    "reports.report": [("submitted", {"public_id": "@submitted"}, OWNER_ONLY),
                       ("adaptive", {"public_id": "@adaptive"}, OWNER_ONLY),
                       ("in progress", {"public_id": "@in_progress"}, OWNER_REDIRECT)],
    # The owner gets the PDF, or 503 where WeasyPrint's system libraries are missing; nobody else learns anything.
    "reports.report_pdf": [("submitted", {"public_id": "@submitted"}, row(404, (200, 503), 404, 404, 404)),
                           ("in progress", {"public_id": "@in_progress"}, OWNER_REDIRECT)],
    "reports.report_json": [("submitted", {"public_id": "@submitted"}, OWNER_ONLY),
                            ("in progress", {"public_id": "@in_progress"}, OWNER_CONFLICT)],
    "reports.plan": [("submitted", {"public_id": "@submitted"}, OWNER_ONLY),
                     ("in progress", {"public_id": "@in_progress"}, OWNER_REDIRECT)],
    "reports.plan_ics": [("submitted", {"public_id": "@submitted"}, OWNER_ONLY),
                         ("in progress", {"public_id": "@in_progress"}, OWNER_CONFLICT)],
    "reports.review": [("submitted", {"public_id": "@submitted"}, OWNER_ONLY),
                       ("in progress", {"public_id": "@in_progress"}, OWNER_REDIRECT)],
    "instructor.dashboard": [("dashboard", {}, STAFF)],
    "instructor.download": [("bank file", {"relpath": "topics/basics.yaml"}, STAFF)],
    "instructor.upload": [("form", {}, STAFF)],
    # A staged upload belongs to the instructor who uploaded it; an admin gets 404 like anyone else.
    "instructor.review_upload": [("own upload", {"token": "@upload"}, row(403, 403, 403, 200, 404))],
    "instructor.export": [("gift", {"fmt": "gift", "relpath": "topics/basics.yaml"}, STAFF),
                          ("moodle", {"fmt": "moodle-xml", "relpath": "topics/basics.yaml"}, STAFF),
                          ("qti", {"fmt": "qti", "relpath": "topics/basics.yaml"}, STAFF)],
    "instructor.item_stats": [("stats", {}, STAFF)],
    "instructor.item_stats_csv": [("csv", {}, STAFF)],
    "instructor.question_stats": [("a question", {"question_id": "@question"}, STAFF)],
    "instructor.problem_reports": [("queue", {}, STAFF)],
    "instructor.question_preview": [("a question version", {"version_id": "@version"}, STAFF)],
    "instructor.cohorts": [("list", {}, STAFF)],
    "instructor.cohort": [("own cohort", {"cohort_id": "@cohort"}, STAFF)],
    "instructor.cohort_learners": [("own cohort", {"cohort_id": "@cohort"}, STAFF)],
    "instructor.cohort_export": [("csv", {"cohort_id": "@cohort", "fmt": "csv"}, STAFF),
                                 ("json", {"cohort_id": "@cohort", "fmt": "json"}, STAFF)],
    # LTI 1.3 (tests/app/test_lti.py runs the launches): the tool's public keys are public; login initiation
    # without a platform's parameters and a used or made-up one-time link are refused alike for everyone.
    "lti.jwks": [("keyset", {}, EVERYONE)],
    "lti.login": [("no parameters", {}, row(400, 400, 400, 400, 400))],
    "lti.go": [("unknown link", {"token": "made-up"}, row(400, 400, 400, 400, 400))],
}


# --- the untrusted world: hostile question text, display name, cohort name and problem note ------
# test_untrusted_content.py parses its pages with html.parser, test_untrusted_browser.py opens them
# in Chromium.

# The four payloads the issue names, then variants that have beaten sanitisers before.
HOSTILE_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "[y](JaVaScRiPt:alert(1))",
    "[z](&#106;avascript:alert(1))",
    '<a href="javascript:alert(1)">a</a>',
    '![i](x" onerror="alert(1))',
    "[w](  javascript:alert(1))",
]
HOSTILE_INLINE = HOSTILE_PAYLOADS
HOSTILE_BLOCK = "\n\n".join(HOSTILE_PAYLOADS + [
    "$\\href{javascript:alert(1)}{m}$",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<math><a xlink:href=\"javascript:alert(1)\">m</a></math>",
    '```"><img src=x onerror=alert(1)>\nprint(1)\n```',
    "<details open ontoggle=alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
])
HOSTILE_NAME = "<script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>"[:80]
HOSTILE_COHORT = " ".join(HOSTILE_PAYLOADS[:4])[:120]
HOSTILE_NOTE = HOSTILE_BLOCK[:2000]


def hostile_question_file() -> bytes:
    """A question file with one question of each type, hostile in every text it has."""
    def choices(n, correct):
        return [{"text": HOSTILE_INLINE[i], "correct": i in correct,
                 **({} if i in correct else {"feedback": HOSTILE_INLINE[-1 - i]})}
                for i in range(n)]

    common = {"difficulty": 2, "prompt": HOSTILE_BLOCK, "explanation": HOSTILE_BLOCK,
              "references": ["https://example.org/x"]}
    questions = [
        {"id": "x-single", "type": "single", **common, "choices": choices(8, {0})},
        {"id": "x-multiple", "type": "multiple", **common, "choices": choices(10, {0, 1})},
        {"id": "x-numeric", "type": "numeric", **common, "answer": 1, "unit": HOSTILE_PAYLOADS[0],
         "feedback": HOSTILE_BLOCK},
        {"id": "x-short", "type": "short", **common, "answers": [HOSTILE_PAYLOADS[0], HOSTILE_PAYLOADS[1]],
         "feedback": HOSTILE_BLOCK},
        {"id": "x-true-false", "type": "true_false", **common, "answer": True, "feedback": HOSTILE_BLOCK},
    ]
    return yaml.dump({"skill": "t.basics", "questions": questions}, Dumper=_NoAliases, sort_keys=False,
                     allow_unicode=True).encode("utf-8")


class _NoAliases(yaml.SafeDumper):
    """Question files may not use anchors and aliases, so never write them for shared values."""

    def ignore_aliases(self, data):
        return True


_WRONG_BY_TYPE = {"single": "1", "multiple": ["2", "3"], "numeric": "2", "short": "nope", "true_false": "false"}


@dataclass
class Untrusted:
    app: object
    learner: object
    teacher: object
    pages: dict = field(default_factory=dict)  # label -> url, fetched by the learner or the teacher


def build_untrusted(tmp_path: Path, database_uri: str | None = None) -> Untrusted:
    """The untrusted world: the fixture bank plus a file of hostile questions, an instructor and a learner
    with hostile names, a cohort, attempts answered, checked and submitted, a problem note and a staged
    upload; `pages` lists the pages showing them."""
    bank = copy_fixture_bank(tmp_path)
    (bank / "topics" / "xss.yaml").write_bytes(hostile_question_file())
    overrides = {"SQLALCHEMY_DATABASE_URI": database_uri} if database_uri else {}
    app = app_with_bank(tmp_path, bank, **overrides)
    with app.app_context():
        add_user("teach@example.org", "instructor", HOSTILE_NAME)
        db.session.commit()

    learner = new_client(app)
    response = post_form(learner, "/auth/register", {"email": "x@example.org", "display_name": HOSTILE_NAME,
                                                      "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, response.text
    assert follow_confirmation(learner, "x@example.org").status_code == 302  # confirms and logs in
    teacher = login(app, "teach@example.org")
    world = Untrusted(app, learner, teacher)

    response = post_form(teacher, "/instructor/cohorts", {"name": HOSTILE_COHORT})
    assert response.status_code == 303
    cohort_url = response.headers["Location"]
    with app.app_context():
        code = db.session.scalar(select(Cohort.join_code))
        versions = current_versions()
        xss = [versions[q] for q in ("x-single", "x-multiple", "x-numeric", "x-short", "x-true-false")]
        user_id = db.session.execute(db.text("select id from user where email='x@example.org'")).scalar()
        assessment = insert_attempt(user_id, xss, "everything", "tester", mode="assessment")
        submitted = insert_attempt(user_id, xss, "everything", "tester", mode="assessment")
        practice = insert_attempt(user_id, xss, "everything", "tester", mode="practice")
        types = [v.definition["type"] for v in xss]
    assert post_form(learner, "/cohorts/join", {"code": code}).status_code == 303
    world.pages["home with the join message"] = ("learner", "/")

    for position, qtype in enumerate(types, start=1):
        world.pages[f"question {qtype}"] = ("learner", f"/attempt/{assessment}/q/{position}")
        for public_id in (assessment, submitted):
            url = f"/attempt/{public_id}/q/{position}"
            assert post_form(learner, url, {"answer": _WRONG_BY_TYPE[qtype], "action": "save"}).status_code == 303
        url = f"/attempt/{practice}/q/{position}"
        assert post_form(learner, url, {"answer": _WRONG_BY_TYPE[qtype], "action": "check"}).status_code == 303
        world.pages[f"practice feedback {qtype}"] = ("learner", url)
    world.pages["overview"] = ("learner", f"/attempt/{assessment}/overview")
    world.pages["submit"] = ("learner", f"/attempt/{assessment}/submit")
    assert post_form(learner, f"/attempt/{submitted}/submit", {}).status_code in (302, 303)
    world.pages["report with review"] = ("learner", f"/report/{submitted}")
    world.pages["review"] = ("learner", f"/report/{submitted}/review")  # the answers, keys and feedback
    world.pages["study plan"] = ("learner", f"/report/{submitted}/plan")
    world.pages["history"] = ("learner", "/history")
    report = learner.get(f"/report/{submitted}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', report).group(1)
    response = learner.post(f"/attempt/{submitted}/q/1/problem",
                            data={"csrf_token": token, "p1-reason": "other", "p1-note": HOSTILE_NOTE})
    assert response.status_code == 303

    response = post_form(teacher, "/instructor/upload",
                         {"files": [(io.BytesIO(hostile_question_file()), "xss.yaml")]},
                         content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    world.pages["instructor upload review"] = ("teacher", response.headers["Location"])
    world.pages["instructor dashboard"] = ("teacher", "/instructor/")
    world.pages["instructor cohorts"] = ("teacher", "/instructor/cohorts")
    world.pages["instructor cohort"] = ("teacher", cohort_url)
    world.pages["instructor problem reports"] = ("teacher", "/instructor/reports")
    world.pages["instructor item statistics"] = ("teacher", "/instructor/stats")
    for question in ("x-single", "x-multiple", "x-true-false"):
        world.pages[f"instructor question statistics {question}"] = ("teacher", f"/instructor/questions/{question}")
    return world


# --- browser tests (tests/e2e) -------------------------------------------------------------------

SCREENSHOTS = Path(__file__).parent / "e2e" / "screenshots"
BROWSER_PASSWORD = "correct horse battery"  # the live server's accounts (tests/e2e/conftest.py)


def log_in(page, server, email):
    """Log in through the login page as `email`, as a user would."""
    page.goto(server + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Log in").click()


# --- bench scripts -------------------------------------------------------------------------------

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def load_bench(script: str) -> ModuleType:
    """bench/<script>.py as module quizapp_bench_<script>, registered in sys.modules: dataclasses and
    forked worker processes look their module up by name. bench/ goes on sys.path for the scripts'
    imports of each other."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    name = f"quizapp_bench_{script}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def observations_by_skill(items) -> dict:
    """A list of slots' scored answers as scoring's observations, per skill the question measures (inside an
    app context): what the posterior of those answers alone is built from."""
    out: dict = {}
    for answer in answers_of(items, lambda _: datetime.min):
        for skill in answer.skills:
            out.setdefault(skill, []).append(answer.observation)
    return out


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's violations on a browser page, one line each (none checked where npm did not install axe)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}: " + "; ".join(n["target"][0] for n in v["nodes"][:3]) for v in result["violations"]]


def answer_any(page):
    """Give some answer to the question on a browser page: the last option, the first box, or "10" typed."""
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    if group.get_by_role("radio").count():
        group.get_by_role("radio").last.check()
    elif group.get_by_role("checkbox").count():
        group.get_by_role("checkbox").first.check()
    else:
        page.get_by_label(re.compile("Your answer")).fill("10")


def require_postgres(url: str) -> None:
    """Skip the test when no PostgreSQL answers at `url`; under CI=true fail instead (CI has one, so a missing
    server there is a broken set-up, not a reason to skip)."""
    import psycopg
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL not reachable at {url} under CI: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {url}")
