"""Accounts: password storage and policy, login rate limit, no user enumeration, safe `next`,
and a session that starts afresh at login and ends at logout."""
from __future__ import annotations

import re
import secrets
import statistics
import time
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import User
from tests.helpers import PASSWORD, add_user, app_with_bank, csrf_token, make_app, new_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app for the module: every client has its own address (the rate limiter's key) and every
    test registers its own emails, so the tests cannot see each other."""
    app = app_with_bank(tmp_path_factory.mktemp("accounts"))
    with app.app_context():
        add_user("known@example.org", real_hash=True)  # the timing test needs the app's real hash cost
        add_user("cheap@example.org")
        db.session.commit()
    return app


_EMAILS = iter(range(10**6))


def fresh_email() -> str:
    return f"new{next(_EMAILS)}@example.org"


def register(client, email=None, password=PASSWORD, name="New", next_url=None):
    email = email or fresh_email()
    page = client.get("/auth/register")
    url = "/auth/register" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    return client.post(url, data={"csrf_token": csrf_token(page.text), "email": email, "display_name": name,
                                  "password": password, "confirm": password})


def log_in(client, email="known@example.org", password=PASSWORD, next_url=None, remember=False):
    page = client.get("/auth/login")
    url = "/auth/login" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    data = {"csrf_token": csrf_token(page.text), "email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post(url, data=data)


def errors_of(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", e).strip()
            for block in re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S)
            for e in re.findall(r"<li>(.*?)</li>", block, re.S)]


# --- password storage and policy -----------------------------------------------------------------

def _strong(hash_: str) -> bool:
    if hash_.startswith("scrypt:"):
        return True
    match = re.match(r"pbkdf2:sha256:(\d+)\$", hash_)
    return bool(match) and int(match.group(1)) >= 600_000


def test_passwords_are_hashed_with_a_strong_kdf(app):
    email = fresh_email()
    assert register(new_client(app), email=email).status_code == 302
    with app.app_context():
        hashes = db.session.scalars(select(User.password_hash).where(
            User.email.in_([email, "known@example.org"]))).all()
    assert len(hashes) == 2
    for hash_ in hashes:
        assert PASSWORD not in hash_
        assert _strong(hash_), f"weak password hash scheme: {hash_.split('$')[0]}"
    assert len(set(hashes)) == 2  # salted: the same password never gives the same hash


def test_a_password_shorter_than_10_characters_is_refused(app):
    email = fresh_email()
    response = register(new_client(app), email=email, password="Zq7!xK2#p")  # 9 characters, otherwise strong
    assert response.status_code == 400
    assert any("10 characters" in e for e in errors_of(response.text)), errors_of(response.text)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == email)) is None


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "1234567890", "passwordpassword",
                                      "EMAIL"])
def test_common_passwords_are_refused_with_a_clear_message(app, password):
    email = fresh_email()
    password = email if password == "EMAIL" else password
    response = register(new_client(app), email=email, password=password)
    assert response.status_code == 400, f"{password!r} was accepted"
    messages = errors_of(response.text)
    assert any("password" in m.lower() for m in messages), messages
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == email)) is None


# --- login rate limit ----------------------------------------------------------------------------

def test_login_is_rate_limited_per_client(app):
    attacker = new_client(app)
    statuses = [log_in(attacker, email="cheap@example.org", password=f"wrong password {i}").status_code
                for i in range(10)]
    assert statuses == [400] * 10
    response = log_in(attacker, email="cheap@example.org", password="wrong password 10")
    assert response.status_code == 429, "the 11th failed login within a minute was not limited"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))
    assert re.search(r"too many|try again|wait", text, re.I), f"no clear message on the 429 page: {text[:300]}"
    assert log_in(attacker, email="cheap@example.org").status_code == 429, \
        "the right password must not slip through while limited"
    assert log_in(new_client(app), email="cheap@example.org").status_code == 302, "another client is not limited"


def test_the_429_says_when_to_try_again(app):
    attacker = new_client(app)
    for i in range(10):
        log_in(attacker, email="cheap@example.org", password=f"wrong {i}")
    response = log_in(attacker, email="cheap@example.org")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_an_app_limits_logins_even_after_another_app_turned_the_limiter_off(tmp_path):
    """Each app keeps its own throttle (a benchmark's helper app turns it off to log in 32 learners):
    an app that says nothing limits, whatever an earlier app in the process chose."""
    (tmp_path / "off").mkdir()
    make_app(tmp_path / "off", RATELIMIT_ENABLED=False)
    served = app_with_bank(tmp_path)
    with served.app_context():
        add_user("late@example.org")
        db.session.commit()
    attacker = new_client(served)
    statuses = [log_in(attacker, email="late@example.org", password=f"wrong {i}").status_code for i in range(11)]
    assert statuses[-1] == 429, statuses


def test_app_machines_sharing_redis_share_one_count(tmp_path):
    """Behind a proxy each learner may reach any app machine: with QUIZAPP_REDIS_URL the count is one
    (here two apps, as two machines, on the Redis every project machine runs)."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    machines = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        machines.append(app_with_bank(tmp_path / name, RATELIMIT_STORAGE_URI=url))
        with machines[-1].app_context():
            add_user("shared@example.org")
            db.session.commit()
    address = f"10.255.{secrets.randbelow(256)}.{secrets.randbelow(256)}"  # fresh on every run: keys live 60 s
    statuses = [log_in(new_client(machines[i % 2], address), email="shared@example.org",
                       password=f"wrong {i}").status_code for i in range(11)]
    assert statuses == [400] * 10 + [429], statuses


def test_registration_is_rate_limited_too(app):
    """Registration is the other form that checks an email (and creates rows): the same limit."""
    client = new_client(app)
    statuses = [register(client, email=f"bad{i}@example.org", password="short").status_code for i in range(11)]
    assert statuses[-1] == 429, statuses


# --- user enumeration ----------------------------------------------------------------------------

def _normalised(html: str) -> str:
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", html)
    return re.sub(r'(name="email"[^>]*value=")[^"]*|(value=")[^"]*("[^>]*name="email")', r"\1\2\3", html)


def test_login_failure_is_the_same_for_an_unknown_email_and_a_wrong_password(app):
    unknown = log_in(new_client(app), email="nobody@example.org", password="wrong password")
    wrong = log_in(new_client(app), email="known@example.org", password="wrong password")
    assert unknown.status_code == wrong.status_code == 400
    assert errors_of(unknown.text) == errors_of(wrong.text) != []
    assert _normalised(unknown.text) == _normalised(wrong.text)


def test_login_takes_as_long_for_an_unknown_email_as_for_a_wrong_password(app):
    """Without a dummy hash check, an unknown email answers in ~1 ms and a known one after a full
    scrypt run: the timing tells an attacker which emails have accounts."""
    def median(email):
        times = []
        for _ in range(3):
            client = new_client(app)
            page = client.get("/auth/login")
            data = {"csrf_token": csrf_token(page.text), "email": email, "password": "wrong password"}
            start = time.perf_counter()
            client.post("/auth/login", data=data)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = median("known@example.org"), median("nobody@example.org")
    assert unknown > 0.5 * known, f"unknown email {unknown * 1000:.1f} ms, known email {known * 1000:.1f} ms"


def test_registration_does_not_reveal_that_an_email_has_an_account(app):
    """Login never says whether an email exists; registration must not either."""
    response = register(new_client(app), email="known@example.org")
    text = " ".join(errors_of(response.text)).lower()
    assert not re.search(r"exist|already|taken|registered|in use", text), (
        f"registration with an existing email says: {errors_of(response.text)}")


# --- next= redirects -----------------------------------------------------------------------------

HOSTILE_NEXT = ["https://evil.example/", "//evil.example/", "///evil.example/", "/\\evil.example/",
                "\\\\evil.example/", "/\t/evil.example/", " //evil.example/", "http:evil.example",
                "javascript:alert(1)", "/%2F%2Fevil.example/", "https:/\\evil.example", "\x00//evil.example",
                "/\\/evil.example/", "data:text/html,<script>alert(1)</script>"]


def _browser_target(location: str) -> tuple[str, str]:
    """Where a browser would go: WHATWG URL parsing turns \\ into / and drops tabs and newlines."""
    cleaned = re.sub(r"[\t\n\r]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin("http://localhost/auth/login", cleaned))
    return target.scheme, target.netloc


def test_next_only_redirects_to_own_paths(app):
    failures = []
    for n, next_url in enumerate(HOSTILE_NEXT):
        responses = [("login", log_in(new_client(app), email="cheap@example.org", next_url=next_url))]
        if n % 3 == 0:  # registration uses the same check; a few cases show it is wired in
            responses.append(("register", register(new_client(app), next_url=next_url)))
        for form, response in responses:
            if response.status_code != 302:
                failures.append(f"{form} next={next_url!r}: status {response.status_code}")
            elif _browser_target(response.headers["Location"]) != ("http", "localhost"):
                failures.append(f"{form} next={next_url!r} redirects to {response.headers['Location']!r}")
    assert not failures, "\n".join(failures)


def test_next_to_an_own_path_is_followed(app):
    response = log_in(new_client(app), email="cheap@example.org", next_url="/history?x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/history?x=1"


# --- the session -------------------------------------------------------------------------------

def test_login_rotates_the_session(app):
    client = new_client(app)
    client.get("/auth/login")
    before = client.get_cookie("session").value
    assert log_in(client).status_code == 302
    after = client.get_cookie("session").value
    assert before != after
    replay = new_client(app)
    replay.set_cookie("session", before)
    assert replay.get("/history").status_code == 302, "the pre-login session is logged in"
    logged = new_client(app)
    logged.set_cookie("session", after)
    assert logged.get("/history").status_code == 200


def test_a_session_from_before_login_cannot_carry_a_fixed_value_into_the_account(app):
    """Whatever an attacker planted in a victim's session before login (here: a guest token that
    names the attacker's guest attempts) is gone after login; only the account remains."""
    client = new_client(app)
    client.get("/attempt/new/everything")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    assert log_in(client).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_session_cookie_is_worthless_after_logout(app):
    """Cookie sessions are signed, not stored: unless logout revokes something on the server, a
    copied session cookie (shared computer, malware, a proxy log) stays logged in forever."""
    client = new_client(app)
    assert log_in(client).status_code == 302
    stolen = client.get_cookie("session").value
    page = client.get("/")
    assert client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    thief = new_client(app)
    thief.set_cookie("session", stolen)
    assert thief.get("/history").status_code == 302, "a session cookie copied before logout still works"
