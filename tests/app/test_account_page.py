"""The account page: display name, email (confirmed by a link to the new address), password (the
current one required; other sessions end) and log out everywhere."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import User
from tests.helpers import AuthActions, csrf_token, mailed_links

PASSWORD = "correct horse battery"
NEW = "plum ladder 42 quiet harbour"


def post_account(client, url, data):
    page = client.get("/auth/account")
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data})


def other_session(app):
    """Ada logged in from another browser."""
    client = app.test_client()
    assert AuthActions(client).login().status_code == 302
    return client


@pytest.fixture
def ada(app, client, auth):
    auth.register()
    return client


def test_the_page_shows_the_account_and_its_forms(ada):
    page = ada.get("/auth/account").text
    assert "ada@example.org" in page
    for label in ("Display name", "New email", "Current password", "New password", "Log out everywhere"):
        assert label in page
    assert 'href="/auth/account"' in ada.get("/").text


def test_change_the_display_name(app, ada):
    response = post_account(ada, "/auth/account/name", {"display_name": "Ada L."})
    assert response.status_code == 302
    assert "Log out Ada L." in ada.get("/").text


def test_an_empty_display_name_is_refused(app, ada):
    response = post_account(ada, "/auth/account/name", {"display_name": ""})
    assert response.status_code == 400 and "This field is required." in response.text
    assert 'aria-invalid="true"' in response.text


def test_change_the_password_keeps_this_session_and_ends_the_others(app, client, ada):
    elsewhere = other_session(app)
    response = post_account(ada, "/auth/account/password", {"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert "Log out Ada" in ada.get("/").text
    assert "Log out Ada" not in elsewhere.get("/").text
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(NEW)


@pytest.mark.parametrize("current, new, confirm, message", [
    ("wrong password here", NEW, NEW, "This is not your current password."),
    (PASSWORD, "short", "short", "Use at least 10 characters."),
    (PASSWORD, "password123", "password123", "Choose a longer or less common password"),
    (PASSWORD, NEW, "something else entirely", "The passwords differ."),
])
def test_a_bad_password_change_is_refused(app, ada, current, new, confirm, message):
    response = post_account(ada, "/auth/account/password", {"current": current, "password": new, "confirm": confirm})
    assert response.status_code == 400 and message in response.text and 'aria-invalid="true"' in response.text
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(PASSWORD)


def test_change_the_email_after_following_the_link_sent_to_the_new_address(app, ada):
    response = post_account(ada, "/auth/account/email", {"new_email": "ada@new.example.org", "email_password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User)).email == "ada@example.org"  # not before the link
    [link] = mailed_links(app, "ada@new.example.org", "Confirm your new")
    page = ada.get(link)
    assert page.status_code == 200 and "ada@new.example.org" in page.text
    assert ada.post(link, data={"csrf_token": csrf_token(page.text)}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User)).email == "ada@new.example.org"
    assert ada.get(link).status_code == 400  # spent
    notices = [m for m in app.extensions["quizapp_mail"].logged if m["Subject"] == "Your quizapp address changed"]
    assert notices and notices[0]["To"] == "ada@example.org"


def test_an_email_change_needs_the_current_password(app, ada):
    response = post_account(ada, "/auth/account/email", {"new_email": "ada@new.example.org", "email_password": "wrong password"})
    assert response.status_code == 400 and "This is not your current password." in response.text
    assert mailed_links(app, "ada@new.example.org") == []


def test_an_email_that_has_an_account_is_not_revealed_and_not_taken(app, ada):
    AuthActions(app.test_client()).register(email="bob@example.org", name="Bob")
    taken = post_account(ada, "/auth/account/email", {"new_email": "bob@example.org", "email_password": PASSWORD})
    free = post_account(ada, "/auth/account/email", {"new_email": "carol@example.org", "email_password": PASSWORD})
    assert taken.status_code == free.status_code == 302
    assert [m["Subject"] for m in app.extensions["quizapp_mail"].logged if m["To"] == "bob@example.org"][-1] == \
        "This address already has a quizapp account"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.display_name == "Ada")).email == "ada@example.org"


def test_an_expired_email_link_is_refused(app, ada):
    post_account(ada, "/auth/account/email", {"new_email": "ada@new.example.org", "email_password": PASSWORD})
    [link] = mailed_links(app, "ada@new.example.org")
    app.config["VERIFY_TOKEN_MAX_AGE"] = -1
    assert ada.get(link).status_code == 400


def test_log_out_everywhere_ends_every_session(app, ada):
    elsewhere = other_session(app)
    response = post_account(ada, "/auth/account/logout-everywhere", {})
    assert response.status_code == 302
    assert "Log out Ada" not in ada.get("/").text
    assert "Log out Ada" not in elsewhere.get("/").text


def test_the_forms_need_a_login_and_a_csrf_token(app, client, ada):
    for url in ("/auth/account/name", "/auth/account/email", "/auth/account/password",
                "/auth/account/logout-everywhere"):
        assert ada.post(url, data={}).status_code == 400
    anonymous = app.test_client()
    page = anonymous.get("/auth/login")
    assert anonymous.post("/auth/account/name", data={"csrf_token": csrf_token(page.text),
                                                      "display_name": "x"}).status_code == 302


def test_password_guessing_on_the_account_page_is_throttled(app, ada):
    statuses = [post_account(ada, "/auth/account/password", {"current": "wrong password", "password": NEW,
                                                            "confirm": NEW}).status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
