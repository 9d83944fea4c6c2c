import re

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, User
from tests.helpers import AuthActions, csrf_token, follow_confirmation, mailed_links, token_of


def errors_of(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", e).strip() for e in re.findall(r'<ul class="errors"[^>]*>(.*?)</ul>', html, re.S)]


def test_register_then_the_emailed_link_logs_in_and_the_password_is_hashed(app, client, auth):
    response = auth.register()
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "ada@example.org"
        assert user.password_hash != "correct horse battery" and user.check_password("correct horse battery")
    assert "Log out Ada" in client.get("/").text


@pytest.mark.parametrize("email, name, password, confirm, message", [
    ("not-an-email", "Ada", "correct horse battery", "correct horse battery", "Invalid email address"),
    ("ada@example.org", "Ada", "short", "short", "Use at least 10 characters."),
    ("ada@example.org", "Ada", "correct horse battery", "other password!", "The passwords differ."),
    ("ada@example.org", "", "correct horse battery", "correct horse battery", "This field is required."),
])
def test_register_validation_is_400_with_message(client, email, name, password, confirm, message):
    page = client.get("/auth/register")
    response = client.post("/auth/register", data={"csrf_token": csrf_token(page.text), "email": email,
                                                   "display_name": name, "password": password, "confirm": confirm})
    assert response.status_code == 400 and message in response.text
    assert 'aria-invalid="true"' in response.text


def test_registration_answers_the_same_for_a_new_and_an_existing_address(app, client, auth):
    auth.register()
    auth.logout()
    other = app.test_client()
    new = AuthActions(other).register(email="bob@example.org", name="Bob", confirm=False)
    existing = auth.register(email="ADA@example.org", confirm=False)
    assert new.status_code == existing.status_code == 302
    assert new.headers["Location"] == existing.headers["Location"] == "/auth/check-inbox"
    assert "Log in" in client.get("/").text  # not logged in, either way
    assert client.get("/auth/check-inbox").text == other.get("/auth/check-inbox").text
    [existing_mail] = [m for m in app.extensions["quizapp_mail"].logged if m["Subject"] == "You already have a quizapp account"]
    assert existing_mail["To"] == "ada@example.org" and "/auth/forgot-password" in existing_mail.get_content()
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 2  # no second account for Ada


def test_a_new_account_is_unconfirmed_and_cannot_log_in_until_the_link_is_followed(app, client, auth):
    auth.register(confirm=False)
    with app.app_context():
        assert db.session.scalar(select(User)).email_verified_at is None
    response = auth.login()
    assert response.status_code == 400 and "not confirmed yet" in response.text
    assert response.text.count("Email or password is not right") == 1
    # the failed login sent a fresh link: the first and the second both work until one is used
    links = mailed_links(app, "ada@example.org", "Confirm")
    assert len(links) == 2
    assert follow_confirmation(client, "ada@example.org").status_code == 302
    assert "Log out Ada" in client.get("/").text
    with app.app_context():
        assert db.session.scalar(select(User)).is_verified
    auth.logout()
    assert auth.login().status_code == 302


def test_a_wrong_password_and_an_unconfirmed_account_get_the_same_login_message(app, client, auth):
    auth.register(confirm=False)
    unconfirmed = auth.login().text
    wrong = auth.login(password="wrong password here").text
    assert errors_of(unconfirmed) == errors_of(wrong)


def test_a_confirmation_link_works_once(app, client, auth):
    auth.register(confirm=False)
    [link] = mailed_links(app, "ada@example.org", "Confirm")
    assert follow_confirmation(client, "ada@example.org").status_code == 302
    auth.logout()
    again = client.get(link)
    assert again.status_code == 400 and "This link does not work" in again.text
    assert client.post(link, data={"csrf_token": token_of(client, "/auth/login")}).status_code == 400


def test_an_expired_or_forged_confirmation_link_is_refused(app, client, auth):
    auth.register(confirm=False)
    [link] = mailed_links(app, "ada@example.org", "Confirm")
    app.config["VERIFY_TOKEN_MAX_AGE"] = -1
    assert client.get(link).status_code == 400
    app.config["VERIFY_TOKEN_MAX_AGE"] = 3600
    assert client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB")).status_code == 400
    assert client.get("/auth/confirm/" + "x" * 5000).status_code == 400


def test_the_confirmation_page_changes_nothing_until_its_button_is_pressed(app, client, auth):
    """Mail scanners open links: a GET must not confirm or log in."""
    auth.register(confirm=False)
    [link] = mailed_links(app, "ada@example.org", "Confirm")
    assert client.get(link).status_code == 200
    assert "Log in" in client.get("/").text
    with app.app_context():
        assert db.session.scalar(select(User)).email_verified_at is None
    assert client.post(link, data={}).status_code == 400  # no CSRF token


def test_login_logout(client, auth):
    auth.register()
    auth.logout()
    assert "Log in" in client.get("/").text
    assert auth.login(password="wrong password").status_code == 400
    assert auth.login().status_code == 302
    assert ">My attempts</a>" in client.get("/").text


def test_next_only_redirects_to_our_own_paths(client, auth):
    auth.register()
    auth.logout()
    page = client.get("/auth/login")
    for target, expected in (("/history", "/history"), ("https://evil.example/", "/"), ("//evil.example/", "/")):
        auth.logout() if "Log out" in client.get("/").text else None
        page = client.get("/auth/login")
        response = client.post(f"/auth/login?next={target}", data={
            "csrf_token": csrf_token(page.text), "email": "ada@example.org", "password": "correct horse battery"})
        assert response.headers["Location"] == expected


def test_history_requires_login(client):
    assert client.get("/history").status_code == 302


def test_guest_attempt_moves_to_new_account(app, client, learner, auth):
    learner.start()
    learner.submit()
    auth.register()
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        assert attempt.user_id is not None and attempt.guest_token is None
    history = client.get("/history")
    assert "Everything" in history.text and "Submitted" in history.text
    assert client.get(f"/report/{learner.public_id}").status_code == 200


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "abcdefghij"])
def test_common_passwords_are_refused(client, password):
    response = AuthActions(client).register(password=password)
    assert response.status_code == 400 and "Choose a longer or less common password" in response.text


def test_login_is_rate_limited_with_a_clear_message(client, auth):
    auth.register()
    auth.logout()
    statuses = [auth.login(password="wrong password").status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert "Too many attempts" in auth.login().text


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_login_starts_a_fresh_session_but_keeps_guest_attempts(app, client, learner, auth):
    auth.register()
    auth.logout()
    learner.start()
    before = client.get_cookie("session").value
    auth.login()
    assert client.get_cookie("session").value != before
    with app.app_context():
        assert db.session.scalar(select(Attempt)).user_id is not None



def test_history_shows_progress_across_attempts(client, auth, learner):
    auth.register()
    for _ in range(2):
        learner.start()
        for position in range(1, 6):
            learner.answer(position, "1")  # a choice index or a number: valid for every type here
        learner.submit()
    page = client.get("/history").text
    assert "Progress" in page and "<svg" in page and "Scores per skill across attempts" in page
