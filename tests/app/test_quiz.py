"""Walkthroughs per mode and the bad-input rules of the quiz pages."""
import re
from urllib.parse import urljoin

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, SkillResult
from tests.helpers import AuthActions, Learner, csrf_token, items_of, recorded_statements, right_answer, wrong_answer


def test_home_lists_assessments(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Everything" in page.text and "Drill" in page.text


def _card(page: str, name: str) -> str:
    return page.split(f"<h3>{name}</h3>", 1)[1].split("</li>", 1)[0]


def test_each_assessment_offers_its_own_behaviour_first(client):
    """The home page's cards and the start form's default: practice for a practice assessment, assessment
    otherwise (an adaptive one included: its keys wait for the report)."""
    home = client.get("/").text
    expected = {"everything": ("Everything", "assessment"), "drill": ("Drill", "practice"),
                "adapt": ("Adaptive check", "assessment")}
    for assessment, (name, mode) in expected.items():
        assert f"{mode} mode by default" in _card(home, name)
        start = client.get(f"/attempt/new/{assessment}").text
        assert re.search(rf'<input checked[^>]*value="{mode}"', start), start


def test_assessment_walkthrough(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    assert len(items) == 5
    for position, definition, _ in items:
        response = learner.answer(position, right_answer(definition))
        assert response.status_code == 303
        # assessment mode: no verdict or explanation while answering
        page = client.get(learner.url(position))
        assert definition["explanation"] not in page.text
        assert "Correct." not in page.text
    overview = client.get(f"/attempt/{learner.public_id}/overview")
    assert "5 of 5 answered" in overview.text
    result = learner.submit()
    assert result.status_code == 303 and result.headers["Location"] == f"/report/{learner.public_id}"
    report = client.get(f"/report/{learner.public_id}")
    assert report.status_code == 200
    assert "Your gap report" in report.text and "You answered 5 of 5 questions" in report.text
    data = client.get(f"/report/{learner.public_id}.json").json
    assert data["answered"] == 5 and data["correct"] == 5
    assert {s["skill_id"] for s in data["skills"]} <= {"t.basics", "t.advanced", "t.math"}
    assert all(r["state"] == "correct" for r in data["review"])


def test_wrong_answers_make_gaps_and_recommend_courses_prerequisites_first(app, client, learner):
    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, wrong_answer(definition))
    learner.submit()
    data = client.get(f"/report/{learner.public_id}.json").json
    statuses = {s["skill_id"]: s["status"] for s in data["skills"]}
    assert "no_gap" not in statuses.values()
    titles = [r["title"] for r in data["recommendations"]]
    if "Basics from scratch" in titles and "Advanced in depth" in titles:
        assert titles.index("Basics from scratch") < titles.index("Advanced in depth")
    assert all(r["reason"] for r in data["recommendations"])
    assert data["project"]["title"] in ("A small tool", "A notebook of sums")
    report = client.get(f"/report/{learner.public_id}").text
    assert "Your study plan" in report and "Start here" in report
    assert "Not correct" in client.get(f"/report/{learner.public_id}/review").text  # the review has its own page
    assert "A project to build next" in report


def test_practice_walkthrough_shows_feedback_after_each_answer(app, client, learner):
    learner.start("drill", mode="practice")
    items = items_of(app, learner.public_id)
    position, definition, _ = items[0]
    response = learner.answer(position, wrong_answer(definition), action="check")
    assert response.status_code == 303
    page = client.get(learner.url(position))
    assert "Not correct" in page.text
    assert "Why" in page.text
    # the checked answer is final: a later post cannot change it
    learner.answer(position, right_answer(definition), action="next")
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.position == position))
        assert item.state == "wrong" and item.checked
    for position, definition, _ in items[1:]:
        learner.answer(position, right_answer(definition), action="check")
        assert "Correct." in client.get(learner.url(position)).text
    learner.submit()
    assert client.get(f"/report/{learner.public_id}").status_code == 200


def test_check_without_answer_is_a_400_with_message(app, learner, client):
    learner.start("drill", mode="practice")
    learner.answer(2, None, action="save", flagged=True)
    response = learner.answer(1, None, action="check")
    assert response.status_code == 400
    assert "Choose or enter an answer before checking it." in response.text
    # the page shown again is whole: its question list has every slot, with what is saved on each
    total = len(items_of(app, learner.public_id))
    assert total > 1 and f"Question 1 of {total}" in response.text
    links = re.findall(r'<li><a href="(\d+)".*?<span class="visually-hidden">([^<]+)</span>', response.text)
    assert [href for href, _ in links] == [str(n) for n in range(1, total + 1)], links
    assert dict(links)["2"] == "Question 2, not answered, flagged"


def test_an_answer_post_reads_its_own_slot_alone(app, learner, monkeypatch):
    """An answer post shows no question list, so its read returns the one slot, not every slot."""
    from quizapp.hotpath import attempt_page as page_module

    learner.start()
    assert len(items_of(app, learner.public_id)) > 1
    rows_read, read = [], page_module.read_rows

    def counting(statement, params):
        rows = read(statement, params)
        rows_read.append(len(rows))
        return rows

    monkeypatch.setattr(page_module, "read_rows", counting)
    assert learner.client.post(learner.url(2), data={
        "csrf_token": csrf_token(learner.client.get(learner.url(2)).text), "action": "save"}).status_code == 303
    assert rows_read[-1] == 1, rows_read


def test_answers_survive_and_prefill_the_form(app, client, learner):
    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[0]
    learner.answer(position, right_answer(definition), flagged=True)
    page = client.get(learner.url(position)).text
    assert 'checked' in page
    assert client.get(f"/attempt/{learner.public_id}").headers["Location"].endswith(f"/q/{position}")
    assert "Continue Everything" in client.get("/").text


QUESTION_LINK = re.compile(r'<li><a href="([^"]+)"( class="[^"]*")?( aria-current="page")?><span aria-hidden="true">'
                           r'(\d+)</span><span class="visually-hidden">([^<]+)</span>( <span aria-hidden="true" '
                           r'class="flag-mark">⚑</span>)?</a></li>')


def question_links(page: str, page_url: str) -> list[tuple[str, str, str, bool, bool]]:
    """(resolved href, class, spoken name, current, flag mark) of each link in the question list."""
    nav = page[page.index('<nav class="question-nav"'):]
    nav = nav[:nav.index("</nav>")]
    return [(urljoin(page_url, href), (css or "")[8:-1], name, bool(current), bool(flag))
            for href, css, current, _, name, flag in QUESTION_LINK.findall(nav)]


def test_the_question_list_says_each_slots_state_and_links_to_it(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    first, second = items[0], items[1]
    learner.answer(first[0], right_answer(first[1]), flagged=True)
    learner.answer(second[0], right_answer(second[1]))

    url = "http://localhost" + learner.url(3)
    links = question_links(client.get(learner.url(3)).text, url)
    assert len(links) == len(items)
    assert links[0] == ("http://localhost" + learner.url(1), "answered flagged", "Question 1, answered, flagged",
                        False, True)
    assert links[1] == ("http://localhost" + learner.url(2), "answered", "Question 2, answered", False, False)
    assert links[2] == (url, "", "Question 3, not answered", True, False)
    assert [link[0] for link in links] == ["http://localhost" + learner.url(n) for n in range(1, len(items) + 1)]

    learner.answer(first[0], right_answer(first[1]))  # unflag: the cached entries must follow the state
    assert question_links(client.get(learner.url(2)).text, url)[:3] == [
        ("http://localhost" + learner.url(1), "answered", "Question 1, answered", False, False),
        ("http://localhost" + learner.url(2), "answered", "Question 2, answered", True, False),
        (url, "", "Question 3, not answered", False, False)]


def test_resuming_goes_to_the_last_question_answered(app, client, learner):
    learner.start()
    items = items_of(app, learner.public_id)
    for position, definition, _ in (items[2], items[1]):
        learner.answer(position, right_answer(definition))
        assert client.get(f"/attempt/{learner.public_id}").headers["Location"].endswith(f"/q/{position}")


def test_each_page_checks_its_own_saved_confidence(app, client, learner):
    """The confidence radios come from a per-worker cache (render/fragments.py) keyed on the checked value."""
    learner.start()
    items = items_of(app, learner.public_id)
    for (position, definition, _), confidence in zip(items[:3], ("unsure", "sure", None), strict=True):
        learner.answer(position, right_answer(definition), confidence=confidence)
    for position, confidence in ((1, "unsure"), (2, "sure"), (3, None)):
        checked = re.findall(r'name="confidence" type="radio" value="(\w+)" checked', client.get(learner.url(position)).text)
        assert checked == ([confidence] if confidence else []), (position, checked)


def test_invalid_numeric_is_400_and_changes_nothing(app, client, learner):
    learner.start()
    numeric = [p for p, d, _ in items_of(app, learner.public_id) if d["type"] == "numeric"][0]
    learner.answer(numeric, "42")
    response = learner.answer(numeric, "forty-two")
    assert response.status_code == 400
    assert "is not a number" in response.text and 'aria-invalid="true"' in response.text
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.position == numeric))
        assert item.response["value"] == 42.0


@pytest.mark.parametrize("data", [{"answer": "99"}, {"answer": "x"}])
def test_nonexistent_choice_is_400(app, client, learner, data):
    learner.start()
    single = [p for p, d, _ in items_of(app, learner.public_id) if d["type"] in ("single", "multiple")][0]
    response = learner.answer(single, data["answer"])
    assert response.status_code == 400 and "That choice does not exist" in response.text


def test_unknown_action_is_400(learner):
    learner.start()
    assert learner.answer(1, None, action="explode").status_code == 400


def test_post_without_csrf_token_is_400(client, learner):
    learner.start()
    response = client.post(learner.url(1), data={"action": "next"})
    assert response.status_code == 400 and "form expired" in response.text.lower()


def test_foreign_and_unknown_attempts_are_404(app, learner, auth):
    learner.start()
    other = app.test_client()
    assert other.get(learner.url(1)).status_code == 404
    assert other.get(f"/report/{learner.public_id}.json").status_code == 404
    assert other.get(f"/attempt/{learner.public_id}/overview").status_code == 404
    assert learner.client.get("/attempt/doesnotexist/q/1").status_code == 404
    assert learner.client.get(learner.url(99)).status_code == 404


def test_logged_in_users_cannot_open_each_others_attempts(app, client, auth):
    auth.register()
    mine = Learner(client)
    mine.start()
    other = app.test_client()
    AuthActions(other).register(email="bob@example.org")
    assert other.get(mine.url(1)).status_code == 404


def test_submitting_twice_gives_one_result(app, client, learner):
    learner.start()
    token = csrf_token(client.get(f"/attempt/{learner.public_id}/submit").text)
    first = client.post(f"/attempt/{learner.public_id}/submit", data={"csrf_token": token})
    second = client.post(f"/attempt/{learner.public_id}/submit", data={"csrf_token": token})
    assert first.status_code == second.status_code == 303
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        count = db.session.scalar(select(func.count()).select_from(SkillResult).where(SkillResult.attempt_id == attempt.id))
        assert count == len({s for i in attempt.items for s in i.version.definition["skills"]})


def test_answering_a_submitted_attempt_is_refused(app, client, learner):
    learner.start()
    position, definition, _ = items_of(app, learner.public_id)[0]
    token = csrf_token(client.get(learner.url(position)).text)
    learner.submit()
    response = client.post(learner.url(position), data={"csrf_token": token, "answer": right_answer(definition),
                                                        "action": "next"})
    assert response.status_code == 409 and "already submitted" in response.text
    with app.app_context():
        assert db.session.scalar(select(AttemptItem).where(AttemptItem.position == position)).response is None


def test_report_of_unfinished_attempt_redirects_and_json_says_why(client, learner):
    learner.start()
    assert client.get(f"/report/{learner.public_id}").status_code == 302
    assert client.get(f"/report/{learner.public_id}.json").status_code == 409


def test_form_draw_is_stored_with_shuffled_choices(app, learner):
    learner.start()
    for _, definition, order in items_of(app, learner.public_id):
        if definition["type"] in ("single", "multiple"):
            assert sorted(order) == list(range(len(definition["choices"])))
        else:
            assert order is None


def test_start_with_bad_role_is_400(client):
    page = client.get("/attempt/new/everything")
    response = client.post("/attempt/new/everything", data={"csrf_token": csrf_token(page.text), "role": "nobody",
                                                            "mode": "assessment"})
    assert response.status_code == 400 and "Not a valid choice" in response.text
    assert client.get("/attempt/new/nope").status_code == 404


def _statements(app, request):
    with recorded_statements(app) as statements:
        response = request()
    assert response.status_code == 200
    return statements


def test_question_page_is_one_statement_once_the_question_is_cached(app, client, learner):
    """The hot path (bench/throughput.py): attempt, every slot's state and the shown slot in one
    read (hotpath/attempt_page.py); the question itself comes from the worker's cache after its first showing."""
    learner.start()
    assert len(_statements(app, lambda: client.get(learner.url(2)))) == 2  # the page, the definition
    statements = _statements(app, lambda: client.get(learner.url(2)))
    assert len(statements) == 1, statements


def test_the_first_question_a_fixed_form_start_redirects_to_is_one_statement(app, client, learner):
    """The start read the form's definitions: it keeps the first question's, so the page it redirects to
    needs no read of its own (bench/scale.py --bank-size times the start with that page)."""
    learner.start()
    statements = _statements(app, lambda: client.get(learner.url(1)))
    assert len(statements) == 1, statements


def test_question_page_for_a_logged_in_learner_adds_only_the_user(app, client, auth, learner):
    auth.register()
    learner.start()
    client.get(learner.url(2))
    statements = _statements(app, lambda: client.get(learner.url(2)))
    assert len(statements) == 1, statements
    assert "session_token" in statements[0]  # the account rides along, for the login check


def test_showing_a_question_leaves_the_session_cookie_alone(client, auth, learner):
    """No Set-Cookie on a plain page view: the signed session is not rebuilt on every request."""
    auth.register()
    learner.start()
    client.get(learner.url(1))
    assert "Set-Cookie" not in client.get(learner.url(1)).headers


def test_the_question_page_and_answers_refuse_a_session_cookie_revoked_by_logout(app, client, auth, learner):
    """The question page reads the account in its own statement: a cookie copied before logout must
    still fail there, for the page and for an answer, as it does everywhere else."""
    auth.register()
    learner.start()
    page = client.get(learner.url(1))
    assert page.status_code == 200
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get(learner.url(1)).status_code == 404
    answer = thief.post(learner.url(1), data={"csrf_token": csrf_token(page.text), "answer": "0", "action": "save",
                                              "token": "stolen-1"})
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AttemptItem.last_token).where(AttemptItem.position == 1)) is None


def test_a_repeated_answer_post_applies_once(app, client, learner):
    learner.start()
    page = client.get(learner.url(1)).text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "token": token, "action": "next", "flagged": "y"}
    first = client.post(learner.url(1), data=data)
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.position == 1))
        item.flagged = False  # a later change the retry must not undo
        db.session.commit()
    second = client.post(learner.url(1), data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(AttemptItem).where(AttemptItem.position == 1)).flagged is False


def test_report_downloads_as_pdf_with_its_text(app, client, learner):
    import io

    from pypdf import PdfReader

    learner.start()
    for position, definition, _ in items_of(app, learner.public_id):
        learner.answer(position, right_answer(definition))
    learner.submit()
    response = client.get(f"/report/{learner.public_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Gap report Name Guest Sat on" in text and "Skills by priority" in text and "Every skill" in text
    assert "Question review Of the" in text and "Review of every question" not in text
    assert "Basics" in text or "Sums" in text


def test_question_definitions_come_from_the_worker_cache(app, client, learner):
    """Versions never change, so after the first view no page reads question JSON again."""
    learner.start()
    client.get(learner.url(1))
    statements = _statements(app, lambda: client.get(learner.url(1)))
    assert not any("question_version" in s for s in statements), statements
    cached = app.extensions["quizapp.version_definitions"]
    with app.app_context():
        item = db.session.scalars(select(AttemptItem).where(AttemptItem.position == 1)).first()
        assert cached[item.version_id] == item.version.definition


def test_an_answer_racing_a_submit_is_refused_not_lost(app, learner):
    """save_answer writes only while the attempt is open: an answer read before a concurrent submit
    committed is refused (AttemptClosed, a 409 page), so no acknowledged answer is missing from a report."""
    from quizapp.attempts.lifecycle import AttemptClosed, save_answer
    from quizapp.hotpath.attempt_page import PageAttempt, ShownSlot
    from quizapp.questiontypes import get_question_type

    learner.start()
    with app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id))
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id,
                                                           AttemptItem.position == 1))
        as_read = PageAttempt(attempt.id, attempt.public_id, attempt.mode, "in_progress", False, None,
                              attempt.question_count, "Basics", 1)
        slot = ShownSlot(1, "unanswered", False, item.id, item.version_id, item.variant, item.choice_order, None,
                         False, None, None, None, 0.0)
        definition = item.definition
        response = get_question_type(definition["type"]).parse(right_answer(definition), definition)
        attempt.status = "submitted"  # the other request's submit commits first
        db.session.commit()
        with pytest.raises(AttemptClosed):
            save_answer(as_read, slot, response, False, token="t1")
        db.session.expire_all()
        assert db.session.get(AttemptItem, item.id).response is None
        attempt.status = "in_progress"  # had it still been open, the same call stores the answer
        db.session.commit()
        save_answer(as_read, slot, response, True, token="t2")
        stored = db.session.get(AttemptItem, item.id)
        assert stored.response is not None and stored.flagged and stored.last_token == "t2"
        assert stored.state == "correct"
