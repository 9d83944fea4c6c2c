"""No page scrolls sideways on a phone (issue #21): every question of the shipped bank at 390 px, the
main pages at 320 px. A long code line, a wide formula or a table scrolls inside its own box instead."""
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.config import PROJECT_ROOT
from quizapp.extensions import db
from quizapp.models import User
from tests.helpers import BROWSER_PASSWORD, SCREENSHOTS, current_versions, insert_attempt, log_in, make_app

pytestmark = pytest.mark.e2e
LEARNER = "learner@example.org"
FITS = "document.documentElement.scrollWidth <= window.innerWidth"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"  # as test_accessibility.py
WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The shipped bank, imported as an operator does (`quizapp bank import`), under the conftest's live server,
    with one learner whose attempt holds every question of the bank."""
    tmp = tmp_path_factory.mktemp("width")
    app = make_app(tmp, PROJECT_ROOT / "questions", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'width.sqlite'}",
                   LOGIN_RATE_LIMIT="1000 per minute", SEND_FILE_MAX_AGE_DEFAULT=3600)  # no revalidation per page
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = User(email=LEARNER, display_name="Learner", role="learner")
        user.set_password(BROWSER_PASSWORD)
        db.session.add(user)
        db.session.commit()
    return app


def learners_attempts(app, question_ids=None, size: int = 30) -> list[tuple[str, list[str]]]:
    """Attempts of the learner's with one slot per question (every question of the bank by default), in id
    order, `size` per attempt (a question page lists every slot of its attempt: 626 links would slow each
    page down): (public id, question ids by position) of each."""
    with app.app_context():
        versions = sorted((qid, v) for qid, v in current_versions().items() if question_ids is None or qid in question_ids)
        user_id = db.session.scalar(select(User.id).where(User.email == LEARNER))
        chunks = [versions[i:i + size] for i in range(0, len(versions), size)]
        return [(insert_attempt(user_id, [v for _, v in chunk], "python", "ml-engineer-entry"), [q for q, _ in chunk])
                for chunk in chunks]


def test_every_question_of_the_bank_fits_a_phone(server, browser, live_app):
    attempts = learners_attempts(live_app)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, server, LEARNER)
    started = time.monotonic()
    too_wide, widest, seen = [], (0, None), 0
    for public_id, ids in attempts:
        for position, qid in enumerate(ids, start=1):
            page.goto(f"{server}/attempt/{public_id}/q/{position}")
            width, fits = page.evaluate(f"[{WIDTH}, {FITS}]")
            widest = max(widest, (width, qid))
            if not fits:
                too_wide.append((qid, width))
        expect(page.get_by_role("heading", name=f"Question {len(ids)} of {len(ids)}")).to_be_visible()  # a real page
        seen += len(ids)
    print(f"\n{seen} question pages at 390 px in {time.monotonic() - started:.1f} s; widest {widest[0]} px ({widest[1]})")
    assert seen >= 600  # the whole bank (test_real_bank.py holds its floor)
    assert not too_wide, f"{len(too_wide)} question pages scroll sideways at 390 px: {too_wide[:20]}"
    context.close()


# The bank's widest content: the longest code line, the widest display formula, a wide inline formula, a table.
WIDEST = {"cv-hwc-to-chw-1", "nn-forward-pass-p", "svm-dual-decision-value-4", "stat-simpsons-paradox-4"}


def test_the_main_pages_fit_a_small_phone(server, browser, live_app):
    """Home, method, login and the start of the shipped timed assessment with its first question; then, signed in,
    a question with the bank's widest content, the report, review and study plan of that attempt, and the history."""
    [(public_id, ids)] = learners_attempts(live_app, WIDEST)
    assert len(ids) == len(WIDEST)  # the bank still has them: else pick the new widest
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = []

    def check(url, name):
        page.goto(server + url)
        if not page.evaluate(FITS):
            too_wide.append((url, page.evaluate(WIDTH)))
        page.screenshot(path=SCREENSHOTS / f"{name}-320.png", full_page=True)

    for url, name in (("/", "home"), ("/method", "method"), ("/auth/login", "login"), ("/attempt/new/python-timed", "start")):
        check(url, name)
    page.get_by_role("button", name="Begin").click()  # the shipped timed assessment, as a guest
    expect(page.get_by_role("heading", name="Question 1 of 15")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: (20 min 00|19 min [0-5]\d) s"))
    check(page.url.removeprefix(server), "question-timed")
    log_in(page, server, LEARNER)
    expect(page.get_by_role("button", name=re.compile("^Log out"))).to_be_visible()
    check(f"/attempt/{public_id}/q/1", "question-wide-code")
    page.goto(f"{server}/attempt/{public_id}/submit")
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    check(f"/report/{public_id}", "report-wide-content")
    check(f"/report/{public_id}/review", "review-wide-content")  # every question's text again, with its key
    check(f"/report/{public_id}/plan", "plan")
    check("/history", "history")
    assert not too_wide, f"pages that scroll sideways at 320 px: {too_wide}"
    context.close()


def test_a_box_that_scrolls_sideways_takes_the_keyboard(server, browser, live_app):
    """A code line, formula or table wider than a 320 px screen scrolls in its own box, which scrollers.js makes
    focusable (axe: scrollable-region-focusable) so that the arrow keys scroll it; a box that fits is no tab stop."""
    [(public_id, ids)] = learners_attempts(live_app, WIDEST)
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    log_in(page, server, LEARNER)
    boxes = page.locator(".prompt :is(pre, math, table)")
    scrolled = 0
    for position, qid in enumerate(ids, start=1):
        page.goto(f"{server}/attempt/{public_id}/q/{position}")
        for box in boxes.all():
            wide = box.evaluate("b => b.scrollWidth > b.clientWidth + 1")
            assert (box.get_attribute("tabindex") == "0") == wide, (qid, box.evaluate("b => b.outerHTML.slice(0, 80)"))
            if wide:
                box.focus()
                page.keyboard.press("ArrowRight")
                expect(box).not_to_have_js_property("scrollLeft", 0)
                scrolled += 1
        if qid == "stat-simpsons-paradox-4":  # a table scrolling in its own box is still a table to a screen reader
            expect(page.get_by_role("table").get_by_role("columnheader", name="Mild cases")).to_have_count(1)
        if AXE.exists():
            page.evaluate(AXE.read_text())
            found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
            assert not found, (qid, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in found])
    assert scrolled >= len(WIDEST)  # each of them has a box too wide for 320 px
    # the review shows the same texts with their keys: its wide boxes take the keyboard too (scrollers.js)
    page.goto(f"{server}/attempt/{public_id}/submit")
    submit = page.get_by_role("button", name=re.compile("Yes, submit"))
    if submit.count():   # not yet submitted by the test of the main pages
        submit.click()
        expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    page.goto(f"{server}/report/{public_id}/review")
    wide = page.locator("main :is(pre, math, table)").evaluate_all(
        "boxes => boxes.filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.getAttribute('tabindex'))")
    assert wide and set(wide) == {"0"}, wide
    if AXE.exists():
        page.evaluate(AXE.read_text())
        found = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
        assert not found, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in found]
    context.close()
