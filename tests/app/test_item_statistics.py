"""Stored item statistics (instructor/statistics.py): the refresh against scoring.itemstats on the same
data, `quizapp stats refresh`, what the pages say about freshness, the SQL-sorted and paged list, the
page per question and the streamed CSV."""
import csv
import io
import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.instructor import statistics
from quizapp.models import (
    Attempt,
    AttemptItem,
    ItemStatistic,
    ItemStatisticsRun,
    ProblemReport,
    QuestionVersion,
    User,
    utcnow,
)
from quizapp.scoring.itemstats import ItemResponse, item_statistics

CHOICE_TYPES = ("single", "multiple", "true_false")


def _random_answer(rng, definition, right_bias):
    """(response, credit, state, picks) for one slot; picks in question-file order, None if not a choice."""
    kind = definition["type"]
    roll = rng.random()
    if roll < 0.1:
        return None, None, "unanswered", None
    if roll < 0.2:
        return {"dont_know": True}, 0.0, "dont_know", None
    right = rng.random() < right_bias
    if kind == "single":
        choice = (next(i for i, c in enumerate(definition["choices"]) if c["correct"]) if right
                  else rng.randrange(len(definition["choices"])))
        credit = 1.0 if definition["choices"][choice]["correct"] else 0.0
        return {"choice": choice}, credit, "correct" if credit else "wrong", (choice,)
    if kind == "multiple":
        n = len(definition["choices"])
        picks = tuple(sorted(rng.sample(range(n), rng.randint(1, n - 1))))
        keys = {i for i, c in enumerate(definition["choices"]) if c["correct"]}
        credit = 1.0 if set(picks) == keys else rng.choice((0.0, 0.5))
        return {"choices": list(picks)}, credit, "correct" if credit == 1 else "partial" if credit else "wrong", picks
    if kind == "true_false":
        value = definition["answer"] if right else rng.random() < 0.5
        credit = 1.0 if value == definition["answer"] else 0.0
        return {"value": value}, credit, "correct" if credit else "wrong", (0,) if value else (1,)
    credit = rng.choice((0.0, 1.0)) if rng.random() < 0.5 else rng.choice((0.0, 1 / 3, 0.5, 2 / 3, 1.0))
    return {"text": "x"} if kind == "short" else {"value": 1.0}, credit, "correct" if credit == 1 else "wrong", None


def seed_random_attempts(app, n, seed=7, submitted_at=None, start=0):
    """n submitted attempts over every fixture version, answered at random (see _random_answer); returns
    the ItemResponses they amount to, built here independently of the app's reading of them."""
    rng = random.Random(seed)
    responses = []
    with app.app_context():
        versions = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)).all()
        for k in range(start, start + n):
            bias = rng.random()
            attempt = Attempt(public_id=f"rnd{k}", assessment_id="everything", role_id="tester", mode="assessment",
                              question_count=len(versions), status="submitted",
                              submitted_at=submitted_at or utcnow())
            db.session.add(attempt)
            db.session.flush()
            for pos, v in enumerate(versions, start=1):
                response, credit, state, picks = _random_answer(rng, v.definition, bias)
                seconds = rng.choice((0.0, 5.0, 12.5, 30.0))
                attempt.items.append(AttemptItem(position=pos, version_id=v.id, credit=credit, state=state,
                                                 response=response, seconds=seconds))
                responses.append(ItemResponse(attempt.id, v.id, credit, picks if credit is not None else None,
                                              seconds or None, state == "dont_know"))
        db.session.commit()
    return responses


def test_the_stored_rows_equal_item_statistics_on_the_same_data(instructor_app):
    responses = seed_random_attempts(instructor_app, 45)
    with instructor_app.app_context():
        versions = db.session.scalars(select(QuestionVersion).order_by(QuestionVersion.id)).all()
        from quizapp.questiontypes import get_question_type

        infos = [get_question_type(v.qtype).item_info(v.id, v.definition) for v in versions]
        expected = {s.version_id: s for s in item_statistics(infos, responses, min_responses=20)}
        summary = statistics.refresh_item_statistics()
        stored = {s.version_id: s for s in db.session.scalars(select(ItemStatistic))}
    assert summary.attempts == 45 and summary.versions == len(versions) == len(stored)
    for vid, want in expected.items():
        got = stored[vid]
        assert (got.responses, got.facility, got.discrimination, got.median_seconds, got.dont_know_rate,
                tuple(got.flags), got.hidden) == (want.responses, want.facility, want.discrimination,
                                                  want.median_seconds, want.dont_know_rate, want.flags, want.hidden)
        assert dict(enumerate(got.option_rates)) == want.option_rates
        assert got.flagged == (bool(want.flags) and not want.hidden)
    assert any(s.discrimination is not None for s in expected.values())
    assert any(s.option_rates for s in expected.values()) and any(s.dont_know_rate for s in expected.values())


def test_the_refresh_command_and_what_the_page_says_on_a_large_database(instructor_app, teacher, monkeypatch):
    """Above the small-database line the pages never recompute: they say when the figures are from and
    exactly how many submitted attempts they leave out, including one committed late with an earlier time."""
    monkeypatch.setattr(statistics, "SMALL_DATABASE_ANSWERS", 10)
    an_hour_ago = utcnow() - timedelta(hours=1)
    seed_random_attempts(instructor_app, 25, submitted_at=an_hour_ago)
    page = teacher.get("/instructor/stats")
    assert page.status_code == 200
    assert "have not been computed on this server yet" in page.text and "25 submitted attempts to count" in page.text
    assert "<table" not in page.text

    result = instructor_app.test_cli_runner().invoke(args=["stats", "refresh"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Item statistics of 6 question version\(s\) recomputed from 25 submitted attempt\(s\), "
                     r"150 answer slot\(s\), in [\d.]+ s\.", result.output), result.output
    page = teacher.get("/instructor/stats").text
    assert "from 25 submitted attempts; every submitted attempt is counted" in page

    seed_random_attempts(instructor_app, 3, seed=8, start=100)  # submitted after the refresh
    seed_random_attempts(instructor_app, 1, seed=9, start=200, submitted_at=an_hour_ago - timedelta(minutes=5))
    page = teacher.get("/instructor/stats").text
    assert "4 attempts were submitted since and are not counted yet" in page, page[page.index("<h1>"):][:1500]
    question = teacher.get("/instructor/questions/t-single").text
    assert "4 attempts were submitted since" in question

    assert instructor_app.test_cli_runner().invoke(args=["stats", "refresh"]).exit_code == 0
    assert "from 29 submitted attempts; every submitted attempt is counted" in teacher.get("/instructor/stats").text


def _computed_at(app):
    with app.app_context():
        run = db.session.get(ItemStatisticsRun, 1)
        return run.computed_at, run.attempts


def test_a_small_database_is_recomputed_when_its_attempts_changed(instructor_app, teacher):
    seed_random_attempts(instructor_app, 5)
    assert "Computed just now from all 5 submitted attempts" in teacher.get("/instructor/stats").text
    first = _computed_at(instructor_app)
    page = teacher.get("/instructor/stats").text       # nothing changed: the stored figures are shown
    assert _computed_at(instructor_app) == first and "5 submitted attempt" in page
    seed_random_attempts(instructor_app, 2, seed=3, start=50)
    assert "Computed just now from all 7 submitted attempts" in teacher.get("/instructor/stats").text
    with instructor_app.app_context():                  # one reopened: it no longer counts
        db.session.scalars(select(Attempt).where(Attempt.public_id == "rnd50")).one().status = "in_progress"
        db.session.commit()
    assert "Computed just now from all 6 submitted attempts" in teacher.get("/instructor/stats").text
    assert _computed_at(instructor_app)[1] == 6


def _row_questions(html):
    return re.findall(r'<tr id="v\d+">\s*<th scope="row"><a href="/instructor/questions/([^"]+)"', html)


def test_the_list_is_sorted_paged_and_filtered_in_sql(instructor_app, teacher, monkeypatch):
    monkeypatch.setattr(statistics, "STATS_PER_PAGE", 4)
    monkeypatch.setattr(statistics, "SMALL_DATABASE_ANSWERS", 0)  # the stored rows, as edited below
    seed_random_attempts(instructor_app, 40)
    with instructor_app.app_context():
        statistics.refresh_item_statistics()
        rows = db.session.execute(select(QuestionVersion.question_id, ItemStatistic.facility, ItemStatistic.discrimination,
                                         ItemStatistic.flagged)
                                  .join(ItemStatistic, ItemStatistic.version_id == QuestionVersion.id)).all()
        # one version with no discrimination: it sorts last both ways
        target = db.session.scalar(select(ItemStatistic).join(QuestionVersion).where(QuestionVersion.question_id == "t-short"))
        target.discrimination = None
        db.session.commit()
    by_facility = [q for q, *_ in sorted(rows, key=lambda r: (-r[1], r[0]))]
    first = teacher.get("/instructor/stats?sort=facility&order=desc")
    second = teacher.get("/instructor/stats?sort=facility&order=desc&page=2")
    assert first.status_code == second.status_code == 200
    assert _row_questions(first.text) + _row_questions(second.text) == by_facility
    assert "page 1 of 2" in first.text and 'href="/instructor/stats?order=desc&amp;page=2&amp;sort=facility"' in first.text

    for order in ("asc", "desc"):
        listed = []
        for page in (1, 2):
            listed += _row_questions(teacher.get(f"/instructor/stats?sort=discrimination&order={order}&page={page}").text)
        assert len(listed) == 6 and listed[-1] == "t-short", (order, listed)

    flagged = {q for q, _, _, f in rows if f}
    shown = set()
    for page in (1, 2):
        response = teacher.get(f"/instructor/stats?flagged=1&page={page}")
        if response.status_code == 404:
            break
        shown |= set(_row_questions(response.text))
    assert shown == flagged

    for bad in ("3", "0", "abc", "-1", "1.5"):
        response = teacher.get(f"/instructor/stats?page={bad}")
        assert response.status_code == 404, bad
        assert "of item statistics" in response.text
    assert "there are 2 pages" in teacher.get("/instructor/stats?page=3").text
    for bad_sort in ("bogus", "option_rates", "flags"):
        response = teacher.get(f"/instructor/stats?sort={bad_sort}")
        assert response.status_code == 400 and "use one of question, responses" in response.text
    response = teacher.get("/instructor/stats?order=sideways")
    assert response.status_code == 400 and "order must be asc or desc" in response.text


def test_open_report_counts_are_live(instructor_app, teacher, monkeypatch):
    monkeypatch.setattr(statistics, "SMALL_DATABASE_ANSWERS", 0)  # stored figures only: no recompute
    seed_random_attempts(instructor_app, 20)
    with instructor_app.app_context():
        statistics.refresh_item_statistics()
        version_id = db.session.scalar(select(QuestionVersion.id).where(QuestionVersion.question_id == "t-single"))
        db.session.add_all([ProblemReport(version_id=version_id, reason="typo"),
                            ProblemReport(version_id=version_id, reason="typo", status="resolved")])
        db.session.commit()
    page = teacher.get("/instructor/stats?sort=reports&order=desc").text
    assert _row_questions(page)[0] == "t-single"
    assert '<a href="/instructor/reports?question=t-single">1</a>' in page


def test_the_page_of_one_question(instructor_app, teacher):
    seed_random_attempts(instructor_app, 30)
    with instructor_app.app_context():
        learner = db.session.scalar(select(User).where(User.email == "learn@example.org"))
        version_id = db.session.scalar(select(QuestionVersion.id).where(QuestionVersion.question_id == "t-single"))
        db.session.add_all([
            ProblemReport(version_id=version_id, user_id=learner.id, reason="wrong_key", note="Option 2 is right too"),
            ProblemReport(version_id=version_id, user_id=None, reason="typo", status="resolved",
                          resolved_at=utcnow(), reply=None)])
        db.session.commit()
    page = teacher.get("/instructor/questions/t-single")
    assert page.status_code == 200
    html = page.text
    assert "Version 1" in html and "(current)" in html
    assert f'href="/instructor/versions/{version_id}"' in html
    # the distractor chart: every option as learners see it (inline Markdown), the key said in words, a share each
    table = html[html.index('<table class="distractors">'):html.index("</table>", html.index('<table class="distractors">'))]
    assert "1. <code>\"bcd\"</code>" in table and "3. <code>\"abcd\"</code>" in table
    assert table.count("(correct answer)") == 1 and '<code>"bcd"</code> <span class="key-label">(correct answer)' in table
    assert len(re.findall(r'<span class="bar-value">\d+ %</span>', table)) == 4  # three options and "I don't know"
    assert "<em>I don't know</em>" in table
    # its reports, open and resolved, with reporter and links to the queue
    assert "The marked answer is wrong" in html and "Option 2 is right too" in html and "learn" in html
    assert "a guest" in html and "Resolved" in html
    assert 'href="/instructor/reports?question=t-single"' in html
    assert 'href="/instructor/reports?question=t-single&amp;status=resolved"' in html
    # linked from the list
    assert 'href="/instructor/questions/t-single"' in teacher.get("/instructor/stats").text

    text_entry = teacher.get("/instructor/questions/t-short").text
    assert "Version 1" in text_entry and '<table class="distractors">' not in text_entry

    missing = teacher.get("/instructor/questions/no-such-question")
    assert missing.status_code == 404 and "There is no question &#39;no-such-question&#39;" in missing.text


def test_a_question_with_few_responses_shows_no_chart(instructor_app, teacher):
    seed_random_attempts(instructor_app, 3)
    html = teacher.get("/instructor/questions/t-multiple").text
    assert "Not enough data yet (" in html and '<table class="distractors">' not in html


def test_the_csv_is_streamed_and_formula_safe(instructor_app, teacher):
    seed_random_attempts(instructor_app, 25)
    with instructor_app.app_context():
        version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.question_id == "t-single"))
        version.skills = ["=HYPERLINK(1)", "t.basics"]  # a hostile value reaching the CSV
        db.session.commit()
    response = teacher.get("/instructor/stats.csv", buffered=False)
    assert response.is_streamed
    body = b"".join(response.response).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["question", "version", "type", "skills", "responses", "facility", "discrimination",
                       "median_seconds", "option_rates", "dont_know_rate", "flags", "open_reports", "hidden"]
    assert len(rows) == 7
    single = next(r for r in rows if r[0] == "t-single")
    assert single[3].startswith("'=HYPERLINK")
    assert re.fullmatch(r"(\d:\d\.\d{3} ?){3}", single[8] + " ")


@pytest.mark.parametrize("path", ["/instructor/stats", "/instructor/stats.csv", "/instructor/questions/t-single"])
def test_the_pages_work_before_any_attempt(teacher, path):
    response = teacher.get(path)
    assert response.status_code == 200


def test_the_queue_links_each_report_to_its_question_page(instructor_app, teacher):
    """The queue links each report to the question's statistics page, and back."""
    with instructor_app.app_context():
        version_id = db.session.scalar(select(QuestionVersion.id).where(QuestionVersion.question_id == "t-single"))
        db.session.add(ProblemReport(version_id=version_id, reason="typo"))
        db.session.commit()
    queue = teacher.get("/instructor/reports").text
    assert f'href="/instructor/questions/t-single#version-{version_id}"' in queue


def test_a_question_with_many_reports_lists_the_newest_and_points_to_the_queue(instructor_app, teacher, monkeypatch):
    monkeypatch.setattr(statistics, "REPORTS_SHOWN", 2)
    with instructor_app.app_context():
        version_id = db.session.scalar(select(QuestionVersion.id).where(QuestionVersion.question_id == "t-single"))
        for k in range(3):
            db.session.add(ProblemReport(version_id=version_id, reason="other", note=f"note {k}",
                                         created_at=utcnow() - timedelta(days=3 - k)))
        db.session.commit()
    html = teacher.get("/instructor/questions/t-single").text
    assert "3 reports, open and resolved; the newest 2 are listed here" in " ".join(html.split())
    assert "note 2" in html and "note 1" in html and "note 0" not in html
