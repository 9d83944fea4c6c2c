"""Security headers on every HTML response, and the session cookie's flags."""
from __future__ import annotations

import pytest

from tests.helpers import (
    ADMIN,
    ANON,
    EXPECTED,
    INSTRUCTOR,
    LEARNER_A,
    PASSWORD,
    add_user,
    app_with_bank,
    csrf_token,
    new_client,
)


def csp_directives(value: str) -> dict[str, list[str]]:
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    return out


def header_problems(response) -> list[str]:
    problems = []
    headers = response.headers
    if response.mimetype == "text/html":
        csp = headers.get("Content-Security-Policy")
        if not csp:
            problems.append("no Content-Security-Policy")
        else:
            directives = csp_directives(csp)
            scripts = directives.get("script-src", directives.get("default-src"))
            if scripts is None:
                problems.append("CSP restricts neither script-src nor default-src")
            elif "'unsafe-inline'" in scripts or "*" in scripts or "data:" in scripts:
                problems.append(f"CSP script sources allow inline or any script: {scripts}")
            frames = directives.get("frame-ancestors")
            if frames != ["'none'"] and headers.get("X-Frame-Options", "").upper() != "DENY":
                problems.append("neither frame-ancestors 'none' nor X-Frame-Options: DENY")
            if directives.get("object-src", directives.get("default-src")) not in (["'none'"], ["'self'"]):
                problems.append("CSP allows plugins (object-src)")
        if not headers.get("Referrer-Policy"):
            problems.append("no Referrer-Policy")
    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    return problems


def test_every_html_response_has_the_security_headers(world):
    """Every GET route of the authorization matrix, as every principal, plus error pages."""
    failures = []
    urls = []
    for endpoint, cases in EXPECTED.items():
        rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
        for _, arguments, _ in cases:
            values = {k: world.ids[v[1:]] if isinstance(v, str) and v.startswith("@") else v
                      for k, v in arguments.items()}
            url = rule.build(values)[1]
            if not url.endswith(".pdf"):  # not HTML, and rendering it takes seconds
                urls.append(url)
    urls += ["/no/such/page", "/instructor/", "/auth/logout"]  # 404, 403 for learners, 405 for GET
    for principal in (ANON, LEARNER_A, INSTRUCTOR, ADMIN):
        client = world.clients[principal]
        for url in urls:
            response = client.get(url)
            response.close()
            for problem in header_problems(response):
                failures.append(f"GET {url} as {principal} ({response.status_code}): {problem}")
    client = world.clients[ANON]
    response = client.post("/auth/login", data={})  # the CSRF error page
    failures += [f"POST /auth/login without a token: {p}" for p in header_problems(response)]
    assert not failures, "\n".join(sorted(set(failures))[:40])


def test_a_413_page_has_the_headers_too(tmp_path):
    app = app_with_bank(tmp_path, MAX_CONTENT_LENGTH=1024)
    response = new_client(app).post("/auth/login", data={"x": "y" * 4096})
    assert response.status_code == 413
    assert not header_problems(response)


def _cookie_attributes(response, name: str) -> dict[str, str] | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            attributes = {}
            for part in header.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                attributes[key.lower()] = value
            return attributes
    return None


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory):
    return app_with_bank(tmp_path_factory.mktemp("cookies"))


def _login_response(app, remember: bool = False, base_url: str = "http://localhost"):
    with app.app_context():
        from quizapp.extensions import db
        from quizapp.models import User
        if db.session.query(User).filter_by(email="cookie@example.org").first() is None:
            add_user("cookie@example.org")
            db.session.commit()
    client = new_client(app)
    page = client.get("/auth/login", base_url=base_url)
    data = {"csrf_token": csrf_token(page.text), "email": "cookie@example.org", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    # Over HTTPS Flask-WTF also checks that the Referer is this site (WTF_CSRF_SSL_STRICT).
    response = client.post("/auth/login", data=data, base_url=base_url,
                           headers={"Referer": base_url + "/auth/login"})
    assert response.status_code == 302, response.status_code
    return page, response


def test_the_session_cookie_is_httponly_and_samesite_lax(plain_app):
    page, response = _login_response(plain_app)
    for r in (page, response):
        cookie = _cookie_attributes(r, "session")
        assert cookie is not None
        assert "httponly" in cookie, "session cookie without HttpOnly"
        assert cookie.get("samesite", "").lower() == "lax", f"session cookie SameSite={cookie.get('samesite')}"


def test_the_remember_cookie_is_httponly_and_samesite(plain_app):
    _, response = _login_response(plain_app, remember=True)
    cookie = _cookie_attributes(response, "remember_token")
    assert cookie is not None, "no remember-me cookie was set"
    assert "httponly" in cookie
    assert cookie.get("samesite", "").lower() in ("lax", "strict")


@pytest.mark.parametrize("overrides", [
    {"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True, "PREFERRED_URL_SCHEME": "https"},
], ids=["https-config"])
def test_behind_https_the_cookies_are_secure(tmp_path, overrides):
    app = app_with_bank(tmp_path, **overrides)
    page, response = _login_response(app, remember=True, base_url="https://localhost")
    session = _cookie_attributes(response, "session")
    remember = _cookie_attributes(response, "remember_token")
    assert session is not None and "secure" in session, "session cookie without Secure under HTTPS config"
    assert remember is not None and "secure" in remember, "remember cookie without Secure under HTTPS config"
    assert "max-age" in page.headers.get("Strict-Transport-Security", "").lower(), "no HSTS under HTTPS config"


def test_over_https_a_cross_site_referer_is_refused(tmp_path):
    app = app_with_bank(tmp_path, SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    client = new_client(app)
    page = client.get("/auth/login", base_url="https://localhost")
    response = client.post("/auth/login", base_url="https://localhost", headers={"Referer": "https://evil.example/"},
                           data={"csrf_token": csrf_token(page.text), "email": "x@example.org", "password": "x"})
    assert response.status_code == 400


def test_the_https_switch_in_the_environment_turns_secure_cookies_on():
    """QUIZAPP_HTTPS=1 is how production says it runs behind TLS (see quizapp/config.py)."""
    import subprocess
    import sys

    code = ("from quizapp.config import Config; "
            "print(Config.SESSION_COOKIE_SECURE, getattr(Config, 'REMEMBER_COOKIE_SECURE', False))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "QUIZAPP_HTTPS": "1"}).stdout.split()
    assert out == ["True", "True"], out


def test_a_header_the_view_set_itself_is_kept_and_not_repeated(tmp_path):
    app = app_with_bank(tmp_path)

    @app.route("/framed-by-us")
    def framed_by_us():
        return "ok", {"X-Frame-OPTIONS": "SAMEORIGIN"}  # header names are case-insensitive

    response = app.test_client().get("/framed-by-us")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # the others are still added
    assert "Strict-Transport-Security" not in response.headers
