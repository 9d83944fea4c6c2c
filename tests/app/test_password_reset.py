"""A forgotten password: the reset link is single-use, expires, is bound to the current password,
the request form says the same for any address, and a reset logs out every session."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import User
from tests.helpers import AuthActions, csrf_token, mailed_links

NEW = "plum ladder 42 quiet harbour"


def ask_for_reset(client, email="ada@example.org"):
    page = client.get("/auth/forgot-password")
    return client.post("/auth/forgot-password", data={"csrf_token": csrf_token(page.text), "email": email})


def reset_link(app, email="ada@example.org") -> str:
    links = [p for p in mailed_links(app, email, "Reset") if "/auth/reset-password/" in p]
    assert links, f"no reset link was mailed to {email}"
    return links[-1]


def choose(client, link, password=NEW, confirm=None):
    page = client.get(link)
    token = csrf_token(page.text) if page.status_code == 200 else csrf_token(client.get("/auth/login").text)
    return client.post(link, data={"csrf_token": token, "password": password, "confirm": confirm or password})


@pytest.fixture
def ada(app, client, auth):
    """Ada's confirmed account, logged out in `client`."""
    auth.register()
    auth.logout()
    return auth


def test_reset_sets_a_new_password_and_the_old_one_stops_working(app, client, ada):
    assert ask_for_reset(client).headers["Location"] == "/auth/check-inbox"
    response = choose(client, reset_link(app))
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert ada.login().status_code == 400
    assert ada.login(password=NEW).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, ada):
    known, unknown = ask_for_reset(client), ask_for_reset(client, "nobody@example.org")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    assert mailed_links(app, "nobody@example.org") == []


def test_a_reset_link_works_once(app, client, ada):
    ask_for_reset(client)
    link = reset_link(app)
    assert choose(client, link).status_code == 302
    again = choose(client, link, password="another fine 93 password")
    assert again.status_code == 400 and "This link does not work" in again.text
    assert ada.login(password=NEW).status_code == 302


def test_an_older_link_stops_working_once_the_password_changed(app, client, ada):
    ask_for_reset(client)
    first = reset_link(app)
    ask_for_reset(client)
    second = reset_link(app)
    assert choose(client, second).status_code == 302
    assert client.get(first).status_code == 400


def test_an_expired_reset_link_is_refused(app, client, ada):
    ask_for_reset(client)
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    response = choose(client, reset_link(app))
    assert response.status_code == 400 and "This link does not work" in response.text
    assert ada.login().status_code == 302  # the password did not change


@pytest.mark.parametrize("token", ["nonsense", "a.b.c", "eyJ1IjoxfQ.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "x" * 3000])
def test_a_forged_reset_link_is_refused(app, client, ada, token):
    assert client.get(f"/auth/reset-password/{token}").status_code == 400


def test_a_confirmation_link_is_no_reset_link(app, client, auth):
    auth.register(confirm=False)
    [confirm] = mailed_links(app, "ada@example.org", "Confirm")
    token = confirm.rsplit("/", 1)[1]
    assert client.get(f"/auth/reset-password/{token}").status_code == 400


def test_a_reset_logs_out_every_session(app, client, ada):
    elsewhere = app.test_client()
    assert AuthActions(elsewhere).login().status_code == 302
    assert "Log out Ada" in elsewhere.get("/").text
    ask_for_reset(client)
    choose(client, reset_link(app))
    assert "Log out Ada" not in elsewhere.get("/").text


def test_a_reset_confirms_an_unconfirmed_address(app, client, auth):
    auth.register(confirm=False)
    ask_for_reset(client)
    choose(client, reset_link(app))
    with app.app_context():
        assert db.session.scalar(select(User)).is_verified
    assert auth.login(password=NEW).status_code == 302


@pytest.mark.parametrize("password, confirm, message", [
    ("short", "short", "Use at least 10 characters."),
    ("password123", "password123", "Choose a longer or less common password"),
    (NEW, "something else entirely", "The passwords differ."),
])
def test_a_bad_new_password_is_refused_and_the_link_still_works(app, client, ada, password, confirm, message):
    ask_for_reset(client)
    link = reset_link(app)
    response = choose(client, link, password, confirm)
    assert response.status_code == 400 and message in response.text and 'aria-invalid="true"' in response.text
    assert choose(client, link).status_code == 302


def test_the_forms_are_throttled(app, client, ada):
    statuses = [ask_for_reset(client, f"x{i}@example.org").status_code for i in range(11)]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    link_client = app.test_client()
    link_client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    statuses = [choose(link_client, "/auth/reset-password/bad").status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_an_invalid_email_is_a_400_with_the_message(client):
    page = client.get("/auth/forgot-password")
    response = client.post("/auth/forgot-password", data={"csrf_token": csrf_token(page.text), "email": "nope"})
    assert response.status_code == 400 and "Invalid email address" in response.text
