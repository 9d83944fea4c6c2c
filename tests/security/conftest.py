"""Shared helpers for the security suite: users, logged-in clients, a populated "world", HTML checks.

Every client gets its own REMOTE_ADDR, so the login rate limit (keyed on the client address)
never turns one test's logins into another test's 429s.
"""
from __future__ import annotations

import itertools
import re
import secrets
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, Question, QuestionVersion, User
from tests.conftest import FIXTURE_BANK, csrf_token, make_app

PASSWORD = "violet staple 7 orbit lantern"  # strong enough for any password policy
_ADDRESSES = itertools.count(1)


def next_address() -> str:
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
    client = client or new_client(app)
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"csrf_token": csrf_token(page.text), "email": email,
                                                "password": password})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return client


def token_of(client, url: str = "/") -> str:
    """A valid CSRF token for this client's session (from any page with a form)."""
    page = client.get(url)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page.text)
    if match is None:  # anonymous home pages may have no form: the login page always has one
        return csrf_token(client.get("/auth/login").text)
    return match.group(1)


def copy_fixture_bank(tmp_path: Path) -> Path:
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    return root


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
    import random

    rng = random.Random(seed)
    attempt = Attempt(public_id=secrets.token_urlsafe(12), user_id=user_id, guest_token=guest,
                      assessment_id=assessment_id, role_id=role_id, mode=mode, question_count=len(versions))
    for position, version in enumerate(versions, start=1):
        d = version.definition
        order = None
        if d["type"] in ("single", "multiple"):
            order = list(range(len(d["choices"])))
            rng.shuffle(order)
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
    extractor = TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join(" ".join(extractor.parts).split())


# --- the world: accounts and real objects for the authorization matrix --------------------------

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
        from quizapp.models import Cohort
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

    import io
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
    return world


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """Shared by the modules that only read it; a test that changes state builds its own app."""
    w = build_world(tmp_path_factory.mktemp("world"))
    yield w
    with w.app.app_context():
        db.session.remove()
        db.drop_all()
