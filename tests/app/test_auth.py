import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, User
from tests.helpers import AuthActions, csrf_token


def test_register_logs_in_and_hashes_password(app, client, auth):
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


def test_duplicate_email_is_refused(client, auth):
    auth.register()
    auth.logout()
    response = auth.register(email="ADA@example.org")
    assert response.status_code == 400 and "We could not create an account with these details" in response.text


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
