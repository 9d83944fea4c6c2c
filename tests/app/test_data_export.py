"""Export my data: a zip with data.json (every attempt, answer, report and plan item) and a PDF per report."""
from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import ProblemReport, ResourceDone, User
from tests.helpers import csrf_token


def export(client):
    page = client.get("/auth/account")
    return client.post("/report/export", data={"csrf_token": csrf_token(page.text)})


def test_the_export_holds_every_attempt_answer_report_and_plan_item(app, client, auth, learner):
    auth.register()
    learner.start()
    for position in range(1, 6):
        learner.answer(position, "1")
    learner.submit()
    submitted = learner.public_id
    learner.start()
    learner.answer(1, "1")
    in_progress = learner.public_id
    with app.app_context():
        user = db.session.scalar(select(User))
        db.session.add(ResourceDone(user_id=user.id, course_id="some-course"))
        db.session.add(ProblemReport(version_id=1, user_id=user.id, reason="typo", note="a note"))
        db.session.commit()
    response = export(client)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert f"reports/gap-report-{submitted}.pdf" in archive.namelist()
    assert archive.read(f"reports/gap-report-{submitted}.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "ada@example.org" and data["account"]["default_target_role"] is None
    assert len(data["sessions"]) == 1 and data["sessions"][0]["logged_in_at"]  # where the account is logged in
    by_id = {a["id"]: a for a in data["attempts"]}
    assert set(by_id) == {submitted, in_progress}
    done = by_id[submitted]
    assert len(done["answers"]) == 5 and all("key" in a and "state" in a for a in done["answers"])
    assert done["report"]["skills"]
    assert {"resources", "weeks", "hours_per_week"} <= set(done["plan"])  # every plan item, as the report shows it
    unfinished = by_id[in_progress]["answers"]
    assert unfinished and all("key" not in a and "state" not in a for a in unfinished)  # no key before submitting
    assert data["courses_done"][0]["course"] == "some-course"
    assert data["problem_reports"][0]["note"] == "a note"


def test_the_export_is_only_for_the_account_and_needs_a_token(app, client, auth):
    assert app.test_client().post("/report/export").status_code == 400  # no CSRF token
    anonymous = app.test_client()
    page = anonymous.get("/auth/login")
    assert anonymous.post("/report/export", data={"csrf_token": csrf_token(page.text)}).status_code == 302
    auth.register()
    assert client.post("/report/export", data={}).status_code == 400


def test_the_export_is_throttled(app, client, auth):
    auth.register()
    statuses = [export(client).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_the_account_page_offers_the_export(client, auth):
    auth.register()
    assert 'action="/report/export"' in client.get("/auth/account").text
