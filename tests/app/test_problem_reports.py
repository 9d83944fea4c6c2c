"""The problem-report queue (issue #22): paged in SQL over an index, each report with its question's excerpt,
reporter and date, and a note on resolving that only the reporting learner reads on their history page."""
import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import inspect, select

from quizapp.extensions import db
from quizapp.instructor.data import REPLY_MAX, REPORTS_PER_PAGE
from quizapp.models import ProblemReport, QuestionVersion, User, utcnow
from quizapp.render.markdown import plain_excerpt
from tests.helpers import csrf_token, logged_in

INDEX = "ix_problem_report_status_created_at"


def add_reports(app, n, *, user_email=None, status="open", note="note"):
    """`n` reports on the first question version, one minute apart (the newest is number n - 1), in one insert."""
    with app.app_context():
        version_id = db.session.scalar(select(QuestionVersion.id).order_by(QuestionVersion.id).limit(1))
        user_id = db.session.scalar(select(User.id).where(User.email == user_email)) if user_email else None
        start = utcnow() - timedelta(days=10)
        db.session.execute(ProblemReport.__table__.insert(), [
            {"version_id": version_id, "user_id": user_id, "reason": "typo", "note": f"{note} #{i}", "status": status,
             "created_at": start + timedelta(minutes=i)} for i in range(n)])
        db.session.commit()
        return db.session.scalars(select(ProblemReport.id).order_by(ProblemReport.id)).all()


def notes_on(page_text):
    return [int(n) for n in re.findall(r"note #(\d+)</blockquote>", page_text)]


def resolve(client, report_id, reply=None, page_url="/instructor/reports"):
    data = {"csrf_token": csrf_token(client.get(page_url).text), "report_id": str(report_id)}
    if reply is not None:
        data["reply"] = reply
    return client.post("/instructor/reports/resolve", data=data)


def test_the_index_is_on_the_model_and_in_the_migration():
    from pathlib import Path

    import quizapp
    indexes = {ix.name: [c.name for c in ix.columns] for ix in ProblemReport.__table__.indexes}
    assert indexes[INDEX] == ["status", "created_at"]
    migrations = Path(quizapp.__file__).parent / "migrations" / "versions"
    assert any(INDEX in p.read_text() and "'status', 'created_at'" in p.read_text() for p in migrations.glob("*.py"))


def test_the_database_has_the_index(instructor_app):
    with instructor_app.app_context():
        found = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("problem_report")}
    assert found[INDEX] == ["status", "created_at"]


def test_the_queue_is_paged_newest_first(instructor_app, teacher):
    n = REPORTS_PER_PAGE * 2 + 7
    add_reports(instructor_app, n)
    first = teacher.get("/instructor/reports")
    assert first.status_code == 200
    assert notes_on(first.text) == list(range(n - 1, n - 1 - REPORTS_PER_PAGE, -1))
    assert f"{n} open reports, newest first; page 1 of 3." in first.text
    assert 'href="/instructor/reports?page=3&amp;status=open"' in first.text
    last = teacher.get("/instructor/reports?page=3")
    assert notes_on(last.text) == list(range(6, -1, -1))
    seen = notes_on(first.text) + notes_on(teacher.get("/instructor/reports?page=2").text) + notes_on(last.text)
    assert sorted(seen) == list(range(n))
    # past the end: the last page (resolving the last report on it leads there)
    beyond = teacher.get("/instructor/reports?page=9")
    assert beyond.status_code == 302 and beyond.headers["Location"].endswith("page=3")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "99999999999999999999", "²"])
def test_a_bad_page_number_is_a_clear_404(instructor_app, teacher, page):
    add_reports(instructor_app, 3)
    response = teacher.get(f"/instructor/reports?page={page}")
    assert response.status_code == 404
    assert "Pages are numbered from 1" in response.text


def test_a_report_shows_the_excerpt_reporter_date_and_links(instructor_app, teacher):
    add_reports(instructor_app, 1, user_email="learn@example.org")
    add_reports(instructor_app, 1)  # a guest's
    with instructor_app.app_context():
        version = db.session.scalar(select(QuestionVersion).order_by(QuestionVersion.id).limit(1))
        prompt, version_id, question_id = version.definition["prompt"], version.id, version.question_id
        created = db.session.scalars(select(ProblemReport.created_at)).first()
    page = teacher.get("/instructor/reports").text
    assert f'<p class="muted">{escape(plain_excerpt(prompt))}</p>' in page
    assert "Reported by learn on " + created.strftime("%Y-%m-%d") in page
    assert "Reported by a guest on" in page
    assert "A guest sent this report: no note can reach them." in page
    assert f'href="/instructor/versions/{version_id}"' in page
    assert f"question={question_id}" in page
    preview = teacher.get(f"/instructor/versions/{version_id}")
    assert preview.status_code == 200 and question_id in preview.text and "Key:" in preview.text
    assert teacher.get("/instructor/versions/999999").status_code == 404


def test_the_excerpt_is_plain_text_cut_near_120_characters():
    text = plain_excerpt("What does **`np.dot`** do?\n\n```python\nx = 1\n```\n\n" + "long " * 60)
    assert text.startswith("What does np.dot do? x = 1 long") and text.endswith("…") and len(text) <= 120
    assert plain_excerpt("<b>raw</b> [link](http://x)") == "<b>raw</b> link"


def test_a_note_reaches_only_its_learner(instructor_app, teacher):
    ids = add_reports(instructor_app, 1, user_email="learn@example.org")
    with instructor_app.app_context():
        question_id = db.session.get(ProblemReport, ids[0]).version.question_id
    response = resolve(teacher, ids[0], "  Fixed the second key; thanks!  ")
    assert response.status_code == 303
    assert "the learner sees your note" in teacher.get(response.headers["Location"]).text
    with instructor_app.app_context():
        report = db.session.get(ProblemReport, ids[0])
        assert (report.status, report.reply) == ("resolved", "Fixed the second key; thanks!")
        resolved_on = report.resolved_at.strftime("%Y-%m-%d")
    learner = logged_in(instructor_app, "learn@example.org")
    history = learner.get("/history").text
    assert (f"Your report on question <code>{question_id}</code>: resolved on {resolved_on} — "
            "Fixed the second key; thanks!") in history
    with instructor_app.app_context():  # another learner's history: not there
        second = User(email="second@example.org", display_name="second", role="learner")
        second.set_password("correct horse battery")
        db.session.add(second)
        db.session.commit()
    for email in ("second@example.org", "other@example.org"):
        assert "Fixed the second key" not in logged_in(instructor_app, email).get("/history").text
    assert "Fixed the second key" in teacher.get("/instructor/reports?status=resolved").text


def test_resolving_without_a_note_shows_nothing_on_the_history(instructor_app, teacher):
    ids = add_reports(instructor_app, 1, user_email="learn@example.org")
    assert resolve(teacher, ids[0], "   ").status_code == 303
    with instructor_app.app_context():
        report = db.session.get(ProblemReport, ids[0])
        assert (report.status, report.reply) == ("resolved", None)
    assert "Your problem reports" not in logged_in(instructor_app, "learn@example.org").get("/history").text


def test_bad_resolutions_are_clear_400s_or_404s(instructor_app, teacher):
    ids = add_reports(instructor_app, 1, user_email="learn@example.org")
    guest = add_reports(instructor_app, 1)[-1]
    too_long = resolve(teacher, ids[0], "x" * (REPLY_MAX + 1))
    assert too_long.status_code == 400 and f"at most {REPLY_MAX} characters" in too_long.text
    on_guest = resolve(teacher, guest, "hello")
    assert on_guest.status_code == 400 and "came from a guest" in on_guest.text
    assert resolve(teacher, 2**31 - 2, "hello").status_code == 404
    with instructor_app.app_context():
        assert set(db.session.scalars(select(ProblemReport.status))) == {"open"}
    assert resolve(teacher, ids[0], "x" * REPLY_MAX).status_code == 303
    again = resolve(teacher, ids[0], "again")
    assert again.status_code == 400 and "already resolved" in again.text


def test_only_instructors_resolve(instructor_app, teacher):
    ids = add_reports(instructor_app, 1, user_email="learn@example.org")
    learner = logged_in(instructor_app, "learn@example.org")
    token = csrf_token(learner.get("/cohorts/join").text)  # the learner's own token: CSRF passes, the role does not
    response = learner.post("/instructor/reports/resolve", data={"csrf_token": token, "report_id": str(ids[0]),
                                                                 "reply": "I fixed it myself"})
    assert response.status_code == 403
    anonymous = instructor_app.test_client()
    assert anonymous.post("/instructor/reports/resolve", data={"report_id": str(ids[0])}).status_code in (400, 403)
    with instructor_app.app_context():
        assert db.session.get(ProblemReport, ids[0]).status == "open"


def test_a_note_is_text_not_markup(instructor_app, teacher):
    ids = add_reports(instructor_app, 1, user_email="learn@example.org")
    assert resolve(teacher, ids[0], "<script>alert(1)</script>").status_code == 303
    history = logged_in(instructor_app, "learn@example.org").get("/history").text
    assert "<script>alert(1)</script>" not in history and "&lt;script&gt;alert(1)&lt;/script&gt;" in history


def test_resolving_returns_to_the_same_page_and_question(instructor_app, teacher):
    ids = add_reports(instructor_app, REPORTS_PER_PAGE + 1, user_email="learn@example.org")
    with instructor_app.app_context():
        question_id = db.session.get(ProblemReport, ids[0]).version.question_id
    page = teacher.get(f"/instructor/reports?question={question_id}&page=2").text
    response = teacher.post("/instructor/reports/resolve", data={
        "csrf_token": csrf_token(page), "report_id": str(ids[0]), "page": "2", "question": question_id})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/instructor/reports?question={question_id}&page=2"
    # page 2 is now past the end: the queue sends the instructor to the last page
    assert teacher.get(response.headers["Location"]).headers["Location"].endswith("page=1")
