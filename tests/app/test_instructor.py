"""Instructor pages: access, upload → preview → publish, statistics, reports, cohorts, exports."""
import io
import zipfile

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.instructor import statistics
from quizapp.models import Attempt, AttemptItem, Cohort, ProblemReport, Question, QuestionVersion, User, utcnow
from tests.helpers import Learner, csrf_token, logged_in

NEW_FILE = b"""\
skill: t.basics
questions:
  - id: t-uploaded
    type: single
    difficulty: 2
    prompt: Which keyword starts a function definition?
    choices:
      - text: '`def`'
        correct: true
      - text: '`function`'
        feedback: That is JavaScript.
    explanation: Functions are defined with `def`.
    references: [https://docs.python.org/3/tutorial/controlflow.html#defining-functions]
    reviewed: 2026-11-27
"""


def instructor_urls(app):
    """Every instructor route, with sample arguments, straight from the URL map."""
    samples = {"relpath": "topics/basics.yaml", "token": "x" * 24, "cohort_id": 1, "fmt": "gift", "version_id": 1,
               "question_id": "t-single"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("instructor."):
            urls.append((rule.build({k: samples[k] for k in rule.arguments})[1], sorted(rule.methods - {"HEAD", "OPTIONS"})))
    return urls


def test_every_instructor_route_refuses_anonymous_and_learners(instructor_app):
    urls = instructor_urls(instructor_app)
    assert len(urls) >= 12
    learner = logged_in(instructor_app, "learn@example.org")
    for client in (instructor_app.test_client(), learner):
        token = csrf_token(client.get("/auth/register" if client is not learner else "/").text)
        for url, methods in urls:
            for method in methods:  # a valid CSRF token, so only the role check can refuse
                response = client.open(url, method=method, data={"csrf_token": token})
                assert response.status_code == 403, (url, method, response.status_code)


def test_dashboard_lists_files_and_counts(teacher):
    page = teacher.get("/instructor/")
    assert page.status_code == 200
    assert "6 questions over 3 skills" in page.text and "topics/basics.yaml" in page.text


def test_download_a_bank_file(teacher, instructor_bank_dir):
    response = teacher.get("/instructor/bank/topics/basics.yaml")
    assert response.status_code == 200
    assert response.data == (instructor_bank_dir / "topics" / "basics.yaml").read_bytes()
    assert teacher.get("/instructor/bank/../config.py").status_code == 404
    assert teacher.get("/instructor/bank/topics/nope.yaml").status_code == 404


def upload(client, *files):
    page = client.get("/instructor/upload")
    return client.post("/instructor/upload", data={"csrf_token": csrf_token(page.text),
                                                    "files": [(io.BytesIO(data), name) for name, data in files]},
                       content_type="multipart/form-data")


def test_upload_preview_publish(instructor_app, teacher, instructor_bank_dir):
    response = upload(teacher, ("functions.yaml", NEW_FILE))
    assert response.status_code == 303
    review = teacher.get(response.headers["Location"])
    assert "No problems found" in review.text and "Which keyword starts a function definition?" in review.text
    assert "That is JavaScript." in review.text and "Publish 1 question" in review.text
    with instructor_app.app_context():
        assert db.session.get(Question, "t-uploaded") is None  # not before Publish
    token = response.headers["Location"].rsplit("/", 1)[1]
    published = teacher.post(f"/instructor/upload/{token}/publish", data={"csrf_token": csrf_token(review.text)})
    assert published.status_code == 303
    # t.basics is in the python area
    assert (instructor_bank_dir / "python" / "functions.yaml").read_bytes() == NEW_FILE
    with instructor_app.app_context():
        assert db.session.get(Question, "t-uploaded").current_version.definition["choices"][0]["text"] == "`def`"
    assert "Published." in teacher.get("/instructor/").text


def test_upload_with_errors_shows_them_and_cannot_publish(instructor_app, teacher, instructor_bank_dir):
    bad = NEW_FILE.replace(b"        correct: true\n", b"").replace(b"    difficulty: 2\n", b"    difficulty: 9\n")
    response = upload(teacher, ("functions.yaml", bad))
    review = teacher.get(response.headers["Location"])
    assert "questions/python/functions.yaml:5: q &#39;t-uploaded&#39;: difficulty: must be an integer 1-5" in review.text
    assert "no choice is marked correct" in review.text and "Publish" not in review.text.split("</h1>")[1].split("Discard")[0]
    token = response.headers["Location"].rsplit("/", 1)[1]
    refused = teacher.post(f"/instructor/upload/{token}/publish", data={"csrf_token": csrf_token(review.text)})
    assert refused.status_code == 400
    assert not (instructor_bank_dir / "python" / "functions.yaml").exists()
    with instructor_app.app_context():
        assert db.session.get(Question, "t-uploaded") is None


def test_upload_replacing_a_file_keeps_ids_consistent(instructor_app, teacher, instructor_bank_dir):
    edited = (instructor_bank_dir / "topics" / "basics.yaml").read_bytes().replace(b"Slices include",
                                                                               b"Slices always include")
    response = upload(teacher, ("basics.yaml", edited))
    review = teacher.get(response.headers["Location"])
    assert "topics/basics.yaml" in review.text and "No problems found" in review.text
    token = response.headers["Location"].rsplit("/", 1)[1]
    teacher.post(f"/instructor/upload/{token}/publish", data={"csrf_token": csrf_token(review.text)})
    with instructor_app.app_context():
        assert db.session.get(Question, "t-single").current_version.version == 2


SERVER_PARAM_FILE = b"""\
skill: t.math
questions:
  - id: t-server-param
    type: numeric
    difficulty: 3
    params:
      n: [2, 3]
    prompt: What is {{n}} squared?
    check:
      python: n * n
    explanation: '{{n}} times itself.'
    references: [https://example.org/squares]
"""
NOT_FROZEN = "the bank on the server has parameterised questions whose keys are not frozen"


def publish_new_file(teacher):
    """Upload NEW_FILE and press Publish: the response to Publish."""
    response = upload(teacher, ("functions.yaml", NEW_FILE))
    review = teacher.get(response.headers["Location"])
    token = response.headers["Location"].rsplit("/", 1)[1]
    return teacher.post(f"/instructor/upload/{token}/publish", data={"csrf_token": csrf_token(review.text)})


def assert_nothing_published(app, bank_dir):
    assert not (bank_dir / "python" / "functions.yaml").exists()
    with app.app_context():
        assert db.session.get(Question, "t-uploaded") is None


def test_publish_over_unfrozen_keys_on_the_server_says_so(instructor_app, teacher, instructor_bank_dir):
    # added on the server, never frozen
    (instructor_bank_dir / "topics" / "squares.yaml").write_bytes(SERVER_PARAM_FILE)
    published = publish_new_file(teacher)
    assert published.status_code == 303 and NOT_FROZEN in teacher.get(published.headers["Location"]).text
    assert_nothing_published(instructor_app, instructor_bank_dir)


def test_publish_with_an_unreadable_frozen_file_names_the_file_not_missing_keys(instructor_app, teacher,
                                                                                instructor_bank_dir):
    """The bank has no parameterised question: only the unreadable variants.json stops the publish."""
    (instructor_bank_dir / "variants.json").write_text("{not json")
    published = publish_new_file(teacher)
    page = teacher.get(published.headers["Location"]).text
    assert published.status_code == 303 and "variants.json in the server&#39;s questions folder cannot be read" in page
    assert NOT_FROZEN not in page and str(instructor_bank_dir) not in page
    assert_nothing_published(instructor_app, instructor_bank_dir)


def test_a_bug_while_publishing_is_not_reported_as_unfrozen_keys(instructor_app, teacher, instructor_bank_dir,
                                                                 monkeypatch):
    """A ValueError from a bug where the keys are read propagates (a 500), and the files are restored."""
    from quizapp.bank import frozen

    def buggy_lookup(root):
        def compute_variants(question):
            raise ValueError("a bug, not a missing key")
        return compute_variants

    (instructor_bank_dir / "topics" / "squares.yaml").write_bytes(SERVER_PARAM_FILE)
    monkeypatch.setattr(frozen, "lookup", buggy_lookup)
    with pytest.raises(ValueError, match="a bug, not a missing key"):
        publish_new_file(teacher)
    assert_nothing_published(instructor_app, instructor_bank_dir)


def zipped(*entries, compress=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("bomb.zip", zipped(("big.yaml", b"a" * 5_000_000)), "zip bomb"),
    ("escape.zip", zipped(("../../evil.yaml", NEW_FILE)), "points outside the archive"),
    ("abs.zip", zipped(("/etc/evil.yaml", NEW_FILE)), "points outside the archive"),
    ("other.zip", zipped(("run.sh", b"echo hi")), "only .yaml or .yml files"),
    ("broken.zip", b"PK\x03\x04 not really", "not a valid zip file"),
    ("notes.txt", b"hello", "only .yaml or .yml files"),
])
def test_bad_uploads_get_a_clear_400_and_stage_nothing(instructor_app, teacher, instructor_bank_dir, tmp_path, name,
                                                       data, message):
    response = upload(teacher, (name, data))
    assert response.status_code == 400 and message in response.text
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_zip_of_files_and_wrong_encoding(teacher):
    latin1 = NEW_FILE.replace(b"t-uploaded", b"t-latin").replace(b"Which keyword", "Quel mot-cl\xe9".encode("latin-1"))
    response = upload(teacher, ("bundle.zip", zipped(("a.yaml", NEW_FILE), ("b.yaml", latin1))))
    review = teacher.get(response.headers["Location"])
    assert "questions/python/b.yaml:6: not valid UTF-8" in review.text  # the line of the é


def test_oversized_upload_is_refused(instructor_app, teacher):
    instructor_app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(teacher, ("big.yaml", NEW_FILE + b"#" * 20_000))
    assert response.status_code == 413 and "larger than this site accepts" in response.text


def test_someone_elses_staged_upload_is_404(instructor_app, teacher):
    response = upload(teacher, ("functions.yaml", NEW_FILE))
    other = logged_in(instructor_app, "other@example.org")
    assert other.get(response.headers["Location"]).status_code == 404


def test_problem_report_reaches_the_queue(instructor_app, teacher):
    client = instructor_app.test_client()
    learner = Learner(client)
    learner.start()
    page = client.get(learner.url(1))
    response = client.post(f"/attempt/{learner.public_id}/q/1/problem",
                           data={"csrf_token": csrf_token(page.text), "p1-reason": "ambiguous", "p1-note": "Two keys?"})
    assert response.status_code == 303
    bad = client.post(f"/attempt/{learner.public_id}/q/1/problem", data={"csrf_token": csrf_token(page.text)})
    assert bad.status_code == 400 and "Choose what is wrong." in bad.text
    queue = teacher.get("/instructor/reports")
    assert "Two keys?" in queue.text and "ambiguous" in queue.text
    with instructor_app.app_context():
        report_id = db.session.scalar(select(ProblemReport.id))
    teacher.post("/instructor/reports/resolve", data={"csrf_token": csrf_token(queue.text), "report_id": str(report_id)})
    assert "Two keys?" not in teacher.get("/instructor/reports").text
    assert "Two keys?" in teacher.get("/instructor/reports?status=resolved").text


def seed_submitted_attempts(app, n):
    """n submitted attempts over every fixture question; learner k answers the first k % 6 items right."""
    with app.app_context():
        versions = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)).all()
        for k in range(n):
            attempt = Attempt(public_id=f"seed{k}", assessment_id="everything", role_id="tester", mode="assessment",
                              question_count=len(versions), status="submitted", submitted_at=utcnow())
            for pos, v in enumerate(versions, start=1):
                right = pos <= k % 7
                attempt.items.append(AttemptItem(position=pos, version_id=v.id, credit=1.0 if right else 0.0,
                                                 state="correct" if right else "wrong", seconds=10.0 * pos,
                                                 response=_response(v.definition, right)))
            db.session.add(attempt)
        db.session.commit()


def _response(d, right):
    if d["type"] == "single":
        return {"choice": next(i for i, c in enumerate(d["choices"]) if c["correct"] == right)}
    if d["type"] == "multiple":
        return {"choices": [i for i, c in enumerate(d["choices"]) if c["correct"] == right]}
    if d["type"] == "true_false":
        return {"value": d["answer"] if right else not d["answer"]}
    if d["type"] == "numeric":
        return {"value": d["answer"] + (0 if right else 99)}
    return {"text": "yield" if right else "no"}


def test_item_statistics_hidden_until_20_then_shown_sorted_and_exported(instructor_app, teacher):
    seed_submitted_attempts(instructor_app, 5)
    page = teacher.get("/instructor/stats")
    assert "Not enough data yet (5 of 20 responses)" in page.text
    seed_submitted_attempts_more = 25
    with instructor_app.app_context():
        db.session.query(AttemptItem).delete()
        db.session.query(Attempt).delete()
        db.session.commit()
    seed_submitted_attempts(instructor_app, seed_submitted_attempts_more)
    page = teacher.get("/instructor/stats?sort=facility&order=desc")
    assert page.status_code == 200 and "Not enough data yet" not in page.text
    assert 'aria-sort="descending"' in page.text
    csv_text = teacher.get("/instructor/stats.csv").text
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("question,version,type") and len(rows) == 6
    facility = {r.split(",")[0]: float(r.split(",")[5]) for r in rows}
    # item at position p is right for learners with k % 7 >= p: facility falls with position
    assert facility["t-single"] > facility["t-numeric-pct"]
    assert teacher.get("/instructor/stats?sort=bogus").status_code == 400


def test_item_statistics_count_dont_know_as_wrong_and_as_its_own_column(instructor_app, teacher):
    """Every third seeded learner says "I don't know" where the others answer wrong: the facility is the
    same as if they had answered wrong, and the share that said so has its own column, sortable, in the CSV."""
    seed_submitted_attempts(instructor_app, 30)
    facility_before = {r.split(",")[0]: r.split(",")[5] for r in teacher.get("/instructor/stats.csv").text.splitlines()[1:]}
    with instructor_app.app_context():
        for item in db.session.scalars(select(AttemptItem).join(Attempt).where(AttemptItem.state == "wrong")):
            if int(item.attempt.public_id.removeprefix("seed")) % 3 == 0:
                item.response, item.state = {"dont_know": True}, "dont_know"
        db.session.commit()
        # the app never changes a submitted answer in place (a reopened attempt is submitted again), so the
        # stored figures do not notice this edit by themselves
        statistics.refresh_item_statistics()
        declined = {v.question_id: sum(i.state == "dont_know" for i in db.session.scalars(
            select(AttemptItem).where(AttemptItem.version_id == v.id))) for v in db.session.scalars(select(QuestionVersion))}
    header, *rows = teacher.get("/instructor/stats.csv").text.strip().splitlines()
    columns = header.split(",")
    assert columns[8:10] == ["option_rates", "dont_know_rate"]
    for row in rows:
        cells = row.split(",")
        assert cells[5] == facility_before[cells[0]]                           # counted as wrong
        assert float(cells[9]) == pytest.approx(declined[cells[0]] / 30, abs=1e-4)
    assert any(declined.values())
    page = teacher.get("/instructor/stats?sort=dont_know_rate&order=desc").text
    assert "I don&#39;t know<span class=\"visually-hidden\">, sorted descending" in page


def test_cohort_exports_say_dont_know_in_a_column_of_its_own(instructor_app, teacher):
    page = teacher.get("/instructor/cohorts")
    teacher.post("/instructor/cohorts", data={"csrf_token": csrf_token(page.text), "name": "Spring"})
    with instructor_app.app_context():
        cohort = db.session.scalar(select(Cohort))
        code, cohort_id = cohort.join_code, cohort.id
    learner_client = logged_in(instructor_app, "learn@example.org")
    join_page = learner_client.get("/cohorts/join")
    learner_client.post("/cohorts/join", data={"csrf_token": csrf_token(join_page.text), "code": code})
    learner = Learner(learner_client)
    learner.start()
    learner.answer(1, None, dont_know="y")
    learner.submit()
    rows = {r["position"]: r for r in teacher.get(f"/instructor/cohorts/{cohort_id}/responses.json").json["responses"]}
    assert (rows[1]["dont_know"], rows[1]["response"], rows[1]["state"], rows[1]["credit"]) == (True, None, "dont_know", 0.0)
    assert rows[2]["dont_know"] is False and rows[2]["state"] == "unanswered"
    header, first, *_ = teacher.get(f"/instructor/cohorts/{cohort_id}/responses.csv").text.splitlines()
    fields = dict(zip(header.split(","), first.split(","), strict=True))
    assert (fields["response"], fields["dont_know"], fields["state"]) == ("", "True", "dont_know")


def test_cohort_join_heatmap_and_exports(instructor_app, teacher):
    page = teacher.get("/instructor/cohorts")
    created = teacher.post("/instructor/cohorts", data={"csrf_token": csrf_token(page.text), "name": "Autumn 2026"})
    assert created.status_code == 303
    with instructor_app.app_context():
        cohort = db.session.scalar(select(Cohort))
        code, cohort_id = cohort.join_code, cohort.id
    learner_client = logged_in(instructor_app, "learn@example.org")
    join_page = learner_client.get("/cohorts/join")
    wrong = learner_client.post("/cohorts/join", data={"csrf_token": csrf_token(join_page.text), "code": "NOPE"})
    assert wrong.status_code == 400 and "No cohort has this code" in wrong.text
    joined = learner_client.post("/cohorts/join", data={"csrf_token": csrf_token(join_page.text), "code": code.lower()})
    assert joined.status_code == 303
    learner = Learner(learner_client)
    learner.start()
    learner.answer(1, "1")
    learner.submit()
    heat = teacher.get(f"/instructor/cohorts/{cohort_id}")
    assert "1 learner" in heat.text and "Basics" in heat.text
    data = teacher.get(f"/instructor/cohorts/{cohort_id}/responses.json").json
    assert data["cohort"] == "Autumn 2026" and len(data["responses"]) == 5
    assert {r["learner"] for r in data["responses"]} == {"learn"}
    csv_text = teacher.get(f"/instructor/cohorts/{cohort_id}/responses.csv").text
    assert csv_text.splitlines()[0].startswith("learner,email,attempt") and len(csv_text.strip().splitlines()) == 6
    other = logged_in(instructor_app, "other@example.org")
    assert other.get(f"/instructor/cohorts/{cohort_id}").status_code == 404
    assert other.get(f"/instructor/cohorts/{cohort_id}/responses.json").status_code == 404


def test_export_gift_and_moodle_xml(teacher):
    gift = teacher.get("/instructor/export/gift/topics/basics.yaml")
    assert gift.status_code == 200 and "::t-single::" in gift.text
    exported = int(gift.headers["X-Quizapp-Exported"])
    assert exported == gift.text.count("\n::t-") > 0 and gift.headers["X-Quizapp-Not-Exported"] == "0"
    xml = teacher.get("/instructor/export/moodle-xml/topics/basics.yaml")
    assert xml.status_code == 200 and "<quiz>" in xml.text
    assert teacher.get("/instructor/export/pdf/topics/basics.yaml").status_code == 404


def test_export_qti_package_reads_back(teacher):
    """The dashboard's QTI link gives a zip package that `convert --from qti` reads back whole."""
    from quizapp.bank.formats.qti import import_qti

    package = teacher.get("/instructor/export/qti/topics/basics.yaml")
    assert package.status_code == 200 and package.mimetype == "application/zip"
    assert package.headers["Content-Disposition"] == 'attachment; filename="basics.zip"'
    exported = int(package.headers["X-Quizapp-Exported"])
    result = import_qti(package.data, "basics.zip")
    assert exported > 0 and len(result.questions) == exported
    assert "/instructor/export/qti/topics/basics.yaml" in teacher.get("/instructor/").text


def test_user_create_cli(instructor_app):
    runner = instructor_app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "new@example.org", "--role", "instructor", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    with instructor_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "new@example.org")).is_instructor
    again = runner.invoke(args=["user", "create", "new@example.org", "--password", "long enough pw"])
    assert again.exit_code != 0 and "exists" in again.output
    short = runner.invoke(args=["user", "create", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "10 characters" in short.output
    assert runner.invoke(args=["user", "role", "new@example.org", "learner"]).exit_code == 0
