"""Flows that must work for everyone: without JavaScript, by keyboard alone, with autosave and a timer."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, utcnow
from tests.helpers import SCREENSHOTS

pytestmark = pytest.mark.e2e
PAGE_BUDGET = 150 * 1024


def answer(page):
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    if group.get_by_role("radio").count():
        group.get_by_role("radio").first.check()
    elif group.get_by_role("checkbox").count():
        group.get_by_role("checkbox").first.check()
    else:
        page.get_by_label(re.compile("Your answer")).fill("10")


def next_question(page):
    """Save and go to the next question, and wait until it is shown: counting controls right after the click
    could still see the page being left (a race on a loaded machine)."""
    url = page.url
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_url(lambda new: new != url)


def test_whole_assessment_with_javascript_off(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    for n in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {n} of 5")).to_be_visible()  # the new page, not the old
        answer(page)
        page.get_by_role("button", name="Save and review answers" if n == 5 else "Save and next").click()
    page.get_by_role("link", name="Submit all and finish").click()
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    expect(page.locator("svg.skills-chart")).to_be_visible()  # the chart needs no script
    context.close()


def test_keyboard_only_completion(server, browser):
    page = browser.new_page()
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").focus()
    page.keyboard.press("Enter")
    for n in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {n} of 5")).to_be_visible()
        expect(page.get_by_text("Keyboard:")).to_be_visible()  # quiz.js shows the hint once its keys work
        group = page.get_by_role("group", name=re.compile("^Your answer"))
        if group.get_by_role("radio").count() or group.get_by_role("checkbox").count():
            page.keyboard.press("1")  # shortcut: the first option
        else:
            page.get_by_label(re.compile("Your answer")).focus()
            page.keyboard.type("10")
            page.keyboard.press("Tab")  # leave the field so shortcuts apply again
        expect(page.locator("#save-status")).to_have_text("Answer saved.")  # as a person would, see it saved
        page.keyboard.press("n")
    expect(page.get_by_role("link", name="Submit all and finish")).to_be_visible()
    page.get_by_role("link", name="Submit all and finish").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name=re.compile("Yes, submit")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    assert "You answered 5 of 5 questions" in page.content()
    page.close()


@pytest.mark.parametrize("device", [{"viewport": {"width": 1280, "height": 800}, "has_touch": True, "is_mobile": True},
                                    {"viewport": {"width": 390, "height": 844}}], ids=["touch", "narrow"])
def test_no_keyboard_hint_on_a_touch_screen_or_a_phone(server, browser, device):
    """quiz.js runs (its autosave works) but the hint stays hidden: there is no keyboard to press 1-9 on."""
    context = browser.new_context(**device)
    page = context.new_page()
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    while not group.get_by_role("radio").count():  # a choice question, where 1-9 would apply
        next_question(page)
    group.get_by_role("radio").first.check()
    expect(page.locator("#save-status")).to_have_text("Answer saved.")
    expect(page.get_by_text("Keyboard:")).to_be_hidden()
    context.close()


def test_answers_autosave_without_pressing_next(server, browser):
    page = browser.new_page()
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    while not group.get_by_role("radio").count():  # find a choice question
        next_question(page)
    radio = group.get_by_role("radio").nth(1)
    label = radio.get_attribute("id")
    radio.check()
    expect(page.locator("#save-status")).to_have_text("Answer saved.")
    page.reload()
    assert page.locator(f"#{label}").is_checked()
    page.close()


def start_timed(page, server):
    """Start the fixture bank's timed assessment; answer and save question 1; return the attempt's public id."""
    page.goto(server + "/attempt/new/timed")
    page.get_by_role("button", name="Begin").click()
    expect(page.get_by_role("heading", name=re.compile("^Question 1 of"))).to_be_visible()
    answer(page)
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", name=re.compile("^Question 2 of"))).to_be_visible()
    return page.url.split("/")[4]


def set_deadline(live_app, public_id, seconds):
    with live_app.app_context():
        attempt = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        attempt.deadline = utcnow() + timedelta(seconds=seconds)
        db.session.commit()


def test_timer_expires_in_the_browser_and_submits(server, browser, live_app):
    page = browser.new_page(viewport={"width": 390, "height": 500})
    public_id = start_timed(page, server)
    expect(page.get_by_role("timer")).to_contain_text("Time left")
    page.mouse.wheel(0, 5000)  # to the question list at the bottom: the countdown stays in view
    expect(page.get_by_role("heading", name=re.compile("^Question 2 of"))).not_to_be_in_viewport()
    expect(page.get_by_role("timer")).to_be_in_viewport()
    assert page.get_by_role("timer").bounding_box()["y"] < 20  # stuck to the top
    set_deadline(live_app, public_id, 3)
    page.reload()  # the countdown now shows about 3 s and leaves at zero
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible(timeout=15_000)
    assert page.url == f"{server}/report/{public_id}"  # the report's own URL, not the question's
    expect(page.get_by_text("Time is up: your attempt was submitted")).to_be_visible()
    assert "You answered 1 of 5 questions" in page.content()
    page.close()


def test_the_overview_leaves_for_the_report_at_the_limit_too(server, browser, live_app):
    page = browser.new_page()
    public_id = start_timed(page, server)
    page.get_by_role("button", name="Overview and submit").click()
    expect(page.get_by_role("heading", name=re.compile("^Overview"))).to_be_visible()
    set_deadline(live_app, public_id, 3)
    page.reload()
    expect(page.get_by_role("timer")).to_contain_text("Time left: 0 min 0")
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible(timeout=15_000)
    assert page.url == f"{server}/report/{public_id}"
    page.close()


def test_the_countdown_says_milestones_politely_not_every_second(server, browser, live_app):
    page = browser.new_page()
    public_id = start_timed(page, server)
    set_deadline(live_app, public_id, 62)
    page.reload()
    timer = page.get_by_role("timer")
    assert timer.get_attribute("aria-live") is None  # a timer is not announced on its own (implicit aria-live=off)
    status = page.locator("#timer-status")
    assert status.get_attribute("aria-live") == "polite"
    page.evaluate("""() => { window.said = [];
        new MutationObserver(() => window.said.push(document.getElementById('timer-status').textContent))
          .observe(document.getElementById('timer-status'), {childList: true, characterData: true, subtree: true}); }""")
    expect(status).to_have_text("1 minute left.", timeout=10_000)
    expect(timer).to_contain_text("0 min 5")  # seconds on: the visible countdown went on ticking
    assert page.evaluate("window.said") == ["1 minute left."]  # said once, in those seconds
    page.close()


def test_an_answer_still_being_typed_is_saved_before_the_limit(server, browser, live_app):
    """A typed answer saves when its field is left; seconds before the limit quiz.js saves it anyway."""
    page = browser.new_page()
    public_id = start_timed(page, server)
    box = page.get_by_role("textbox", name=re.compile("^Your answer"))
    while not box.count():  # a typed answer
        next_question(page)
    set_deadline(live_app, public_id, 8)
    page.reload()
    page.get_by_role("textbox", name=re.compile("^Your answer")).fill("10")  # and the field is never left
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible(timeout=20_000)
    assert "You answered 2 of 5 questions" in page.content()
    page.close()


def test_without_javascript_the_page_leaves_for_the_report_at_the_limit(server, browser, live_app):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    public_id = start_timed(page, server)
    set_deadline(live_app, public_id, 2)
    page.reload()
    expect(page.get_by_role("timer")).to_contain_text("Time left: 0 min 0")
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible(timeout=15_000)  # the meta refresh
    assert page.url == f"{server}/report/{public_id}"
    expect(page.get_by_text("Time is up: your attempt was submitted")).to_be_visible()
    context.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_pages_are_light_and_fit_the_screen(server, browser, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body()) if r.ok else 0))
    name = "phone" if viewport["width"] < 500 else "desktop"
    for url in ("/", "/method", "/auth/login", "/attempt/new/everything"):
        sizes.clear()
        page.goto(server + url)
        assert sum(sizes.values()) <= PAGE_BUDGET, (url, sizes)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), url
        page.screenshot(path=SCREENSHOTS / f"{url.strip('/').replace('/', '-') or 'home'}-{name}.png", full_page=True)
    page.get_by_role("button", name="Begin").click()
    expect(page.get_by_role("heading", name="Question 1 of 5")).to_be_visible()  # navigation done
    sizes.clear()
    page.reload()
    assert sum(sizes.values()) <= PAGE_BUDGET, sizes
    for n in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {n} of 5")).to_be_visible()  # the new page, not the old
        answer(page)
        button = page.get_by_role("button", name=re.compile("Save and (next|review answers)"))
        button.click()
    page.get_by_role("link", name="Submit all and finish").click()
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()  # navigation done
    sizes.clear()
    page.reload()
    assert sum(sizes.values()) <= PAGE_BUDGET, sizes
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=SCREENSHOTS / f"report-full-{name}.png", full_page=True)
    context.close()
