"""Signed-in sessions, one per browser (web/sessions.py): listed on the account page, ended one by one,
capped, their activity noted; and the default target role the start page proposes."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, LoginSession, Role, User
from quizapp.web import sessions
from quizapp.web.sessions import describe_user_agent
from tests.helpers import AuthActions, csrf_token

FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/18.1 Mobile/15E148 Safari/604.1")


def browser(app, user_agent: str = FIREFOX, remember: bool = False):
    """Ada logged in from a browser of her own."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    page = client.get("/auth/login")
    data = {"csrf_token": csrf_token(page.text), "email": "ada@example.org", "password": "correct horse battery"}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/auth/account").status_code == 200


def end_button(page: str, label_start: str) -> str:
    """The action of the first "End …" form whose button label starts with `label_start`."""
    for action, label in re.findall(r'<form method="post" action="([^"]+/end)">\s*<input[^>]+>\s*'
                                    r'<button type="submit" aria-label="([^"]+)"', page):
        if label.startswith(label_start):
            return action
    raise AssertionError(f"no button {label_start!r}")


def post(client, url: str, data: dict | None = None):
    token = csrf_token(client.get("/auth/account").text)
    return client.post(url, data={"csrf_token": token, **(data or {})})


@pytest.fixture
def ada(app, client, auth):
    auth.register()
    return client


def test_the_account_page_lists_each_browser_this_one_first(app, ada):
    phone = browser(app, IPHONE)
    page = phone.get("/auth/account").text
    rows = re.findall(r'<ul class="session-list">.*?</ul>', page, re.S)[0].split("<li>")[1:]
    assert "Mobile Safari on iOS" in rows[0] and "(this browser)" in rows[0]
    assert len(rows) == 2 and "(this browser)" not in rows[1]
    assert "Log out this browser" in page


def test_ending_another_session_logs_that_browser_out_and_no_other(app, ada):
    laptop, phone = browser(app, FIREFOX), browser(app, IPHONE)
    response = post(laptop, end_button(laptop.get("/auth/account").text, "End the session of Mobile Safari on iOS"))
    assert response.status_code == 302
    assert "Mobile Safari on iOS is ended" in laptop.get("/auth/account").text
    assert not signed_in(phone)
    assert signed_in(laptop) and signed_in(ada)


def test_ending_this_browsers_session_is_logging_out(app, ada):
    response = post(ada, end_button(ada.get("/auth/account").text, "Log out this browser"))
    assert response.status_code == 302 and response.location.endswith("/")
    assert not signed_in(ada)


def test_a_remembered_browser_is_logged_out_by_ending_its_session(app, ada):
    kept = browser(app, FIREFOX, remember=True)
    kept.delete_cookie("session")          # the browser was closed: only the remember-me cookie is left
    assert signed_in(kept)                 # it signs in again from that cookie ...
    page = ada.get("/auth/account").text
    assert "remembered" in page
    post(ada, end_button(page, "End the session of Firefox on Ubuntu"))
    kept.delete_cookie("session")
    assert not signed_in(kept)             # ... until its session is ended


def test_logging_out_ends_this_browser_only_and_old_copies_of_its_cookie(app, ada):
    other = browser(app)
    copy = app.test_client()
    copy.set_cookie("session", other.get_cookie("session").value)
    assert signed_in(copy)
    AuthActions(other).logout()
    assert not signed_in(other) and not signed_in(copy)
    assert signed_in(ada)


def test_someone_elses_session_cannot_be_ended(app, ada, auth):
    with app.app_context():
        theirs = db.session.scalar(select(LoginSession.id))
    mallory = app.test_client()
    AuthActions(mallory).register(email="mallory@example.org", name="Mallory")
    response = post(mallory, f"/auth/account/sessions/{theirs}/end")
    assert response.status_code == 302
    assert "already ended" in mallory.get("/auth/account").text
    assert signed_in(ada)


def test_a_post_without_the_form_token_ends_nothing(app, ada):
    with app.app_context():
        key = db.session.scalar(select(LoginSession.id))
    assert ada.post(f"/auth/account/sessions/{key}/end", data={}).status_code in (302, 400)
    assert signed_in(ada)


def test_over_the_limit_the_least_recently_used_session_ends(app, ada, monkeypatch):
    monkeypatch.setattr(sessions, "MAX_SESSIONS", 3)
    browsers = [browser(app) for _ in range(3)]  # with ada's: four logins
    assert not signed_in(ada)
    assert all(signed_in(b) for b in browsers)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 3
        assert len(user.session_keys.split()) == 3


def test_last_active_is_written_once_per_interval(app, ada, monkeypatch):
    with app.app_context():
        row = db.session.scalar(select(LoginSession))
        row.last_seen_at = row.last_seen_at.replace(year=2020)
        db.session.commit()
    ada.get("/")
    with app.app_context():
        assert db.session.scalar(select(LoginSession.last_seen_at)).year == 2020  # within the interval: no write
    clock = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: clock + sessions.ACTIVITY_INTERVAL + 1)
    ada.get("/")
    with app.app_context():
        assert db.session.scalar(select(LoginSession.last_seen_at)).year > 2020


def test_log_out_everywhere_and_a_password_change_end_every_other_session(app, ada):
    other = browser(app)
    post(ada, "/auth/account/password", {"current": "correct horse battery", "password": "plum ladder 42 quiet",
                                         "confirm": "plum ladder 42 quiet"})
    assert signed_in(ada) and not signed_in(other)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
    post(ada, "/auth/account/logout-everywhere")
    assert not signed_in(ada)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0
        assert db.session.scalar(select(User.session_keys)) == ""


def test_deleting_the_account_deletes_its_sessions(app, ada):
    post(ada, "/auth/account/delete", {"delete_password": "correct horse battery", "understood": "y"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 0


@pytest.mark.parametrize("user_agent, described", [
    (FIREFOX, "Firefox on Ubuntu"),
    (IPHONE, "Mobile Safari on iOS"),
    ("curl/8.5.0", "curl"),
    ("", "An unknown browser"),
    ("\x00\ufffd not a browser", "An unknown browser"),
])
def test_a_browser_is_named_as_its_owner_knows_it(user_agent, described):
    assert describe_user_agent(user_agent) == described


# --- the default target role ---------------------------------------------------------------------

@pytest.fixture
def analyst(app):
    with app.app_context():
        db.session.add(Role(id="analyst", name="Data analyst", position=5, targets={"t.basics": {"level": 2}}))
        db.session.commit()
    return "analyst"


def selected_role(page: str) -> str:
    select_html = page[page.index('name="role"'):]
    return re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_html).group(0)


def test_the_start_page_proposes_the_learners_target_role(app, ada, analyst):
    assert 'value="tester"' in selected_role(ada.get("/attempt/new/everything").text)
    response = post(ada, "/auth/account/role", {"default_role": "analyst"})
    assert response.status_code == 302
    assert "propose the role Data analyst" in ada.get("/auth/account").text
    assert 'value="analyst"' in selected_role(ada.get("/attempt/new/everything").text)
    post(ada, "/auth/account/role", {"default_role": ""})
    assert 'value="tester"' in selected_role(ada.get("/attempt/new/everything").text)


def test_an_unknown_or_retired_role_is_refused_or_ignored(app, ada, analyst):
    response = post(ada, "/auth/account/role", {"default_role": "astronaut"})
    assert response.status_code == 400 and "Not a valid choice" in response.text
    with app.app_context():
        assert db.session.scalar(select(User.default_role_id)) is None
    post(ada, "/auth/account/role", {"default_role": "analyst"})
    with app.app_context():
        db.session.get(Role, "analyst").active = False
        db.session.commit()
    assert 'value="tester"' in selected_role(ada.get("/attempt/new/everything").text)


def test_an_attempt_started_with_the_proposed_role_is_compared_with_it(app, ada, analyst):
    post(ada, "/auth/account/role", {"default_role": "analyst"})
    page = ada.get("/attempt/new/everything").text
    response = ada.post("/attempt/new/everything", data={"csrf_token": csrf_token(page), "role": "analyst",
                                                         "mode": "assessment"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Attempt.role_id)) == "analyst"
