"""Account administration in the browser: admins find accounts, change roles, disable and enable
them; every change is in the audit log; nobody else gets in."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import AuditEntry, User
from tests.helpers import PASSWORD, add_user, csrf_token, login, new_client


@pytest.fixture
def admin_app(app):
    with app.app_context():
        add_user("boss@example.org", "admin", "Boss")
        add_user("ada@example.org", "learner", "Ada")
        add_user("teach@example.org", "instructor", "Teach")
        db.session.commit()
    return app


def uid(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def post_admin(client, url, data=None):
    page = client.get("/auth/admin/users")
    return client.post(url, data={"csrf_token": csrf_token(page.text), **(data or {})})


def test_find_accounts(admin_app):
    boss = login(admin_app, "boss@example.org")
    page = boss.get("/auth/admin/users?q=ADA").text
    assert "ada@example.org" in page and "teach@example.org" not in page
    assert "teach@example.org" in boss.get("/auth/admin/users").text
    assert "No account matches" in boss.get("/auth/admin/users?q=%25_%5C").text  # LIKE wildcards are literal
    assert 'href="/auth/admin/users"' in boss.get("/").text


def test_change_a_role_and_the_audit_log_says_who(admin_app):
    boss = login(admin_app, "boss@example.org")
    response = post_admin(boss, f"/auth/admin/users/{uid(admin_app, 'ada@example.org')}/role", {"role": "instructor"})
    assert response.status_code == 302
    with admin_app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "ada@example.org")) == "instructor"
        [entry] = db.session.scalars(select(AuditEntry)).all()
        assert (entry.actor_email, entry.target_email, entry.action, entry.detail) == (
            "boss@example.org", "ada@example.org", "role", "learner → instructor")
    assert "boss@example.org changed the role of ada@example.org" in boss.get("/auth/admin/users").text


def test_disable_logs_out_and_refuses_login_enable_restores(admin_app):
    ada = login(admin_app, "ada@example.org")
    boss = login(admin_app, "boss@example.org")
    ada_id = uid(admin_app, "ada@example.org")
    assert post_admin(boss, f"/auth/admin/users/{ada_id}/disable").status_code == 302
    assert "Log out ada" not in ada.get("/").text
    client = new_client(admin_app)
    page = client.get("/auth/login")
    response = client.post("/auth/login", data={"csrf_token": csrf_token(page.text), "email": "ada@example.org",
                                                "password": PASSWORD})
    assert response.status_code == 403 and "This account is disabled" in response.text
    assert post_admin(boss, f"/auth/admin/users/{ada_id}/enable").status_code == 302
    login(admin_app, "ada@example.org")
    with admin_app.app_context():
        assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == ["disable", "enable"]


def test_an_admin_cannot_demote_or_disable_themselves(admin_app):
    boss = login(admin_app, "boss@example.org")
    boss_id = uid(admin_app, "boss@example.org")
    post_admin(boss, f"/auth/admin/users/{boss_id}/role", {"role": "learner"})
    post_admin(boss, f"/auth/admin/users/{boss_id}/disable")
    with admin_app.app_context():
        user = db.session.get(User, boss_id)
        assert user.role == "admin" and user.disabled_at is None
        assert db.session.scalar(select(AuditEntry)) is None


@pytest.mark.parametrize("email", ["ada@example.org", "teach@example.org"])
def test_nobody_but_an_admin_gets_in(admin_app, email):
    client = login(admin_app, email)
    assert client.get("/auth/admin/users").status_code == 403
    token = csrf_token(client.get("/auth/account").text)
    target = uid(admin_app, "ada@example.org")
    assert client.post(f"/auth/admin/users/{target}/role", data={"csrf_token": token, "role": "admin"}).status_code == 403
    assert client.post(f"/auth/admin/users/{target}/disable", data={"csrf_token": token}).status_code == 403
    with admin_app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "ada@example.org")) == "learner"


def test_bad_input_is_no_error(admin_app):
    boss = login(admin_app, "boss@example.org")
    assert post_admin(boss, "/auth/admin/users/999999/role", {"role": "admin"}).status_code == 404
    ada_id = uid(admin_app, "ada@example.org")
    assert post_admin(boss, f"/auth/admin/users/{ada_id}/role", {"role": "superuser"}).status_code == 302
    assert boss.post(f"/auth/admin/users/{ada_id}/disable", data={}).status_code == 400  # no CSRF token
    assert boss.get("/auth/admin/users?q=" + "x" * 300).status_code == 200
    with admin_app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "ada@example.org")) == "learner"
