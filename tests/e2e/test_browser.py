"""A person takes an assessment in headless Debian Chromium, finding controls by role and label."""
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import SCREENSHOTS

pytestmark = pytest.mark.e2e


def answer_current_question(page):
    """Answer whatever the page asks, the way a person would: by the controls they can see."""
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    radios = group.get_by_role("radio")
    if radios.count():
        radios.first.check()
        return
    answer_boxes = group.get_by_role("checkbox")
    if answer_boxes.count():
        answer_boxes.first.check()
        return
    page.get_by_label(re.compile("Your answer")).fill("10")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_take_an_assessment_and_read_the_report(server, browser, viewport):
    page = browser.new_page(viewport=viewport)
    name = f"{viewport['width']}"
    page.goto(server + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ML engineer")
    page.get_by_role("link", name="Start Everything").click()
    page.get_by_label("Compare me with the role").select_option(label="Tester")
    page.get_by_role("radio", name=re.compile("^Assessment")).check()
    page.get_by_role("button", name="Begin").click()

    for number in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {number} of 5")).to_be_visible()
        answer_current_question(page)
        if number == 2:
            page.get_by_label("Flag this question to review it later").check()
        last = number == 5
        page.get_by_role("button", name="Save and review answers" if last else "Save and next").click()
        if number == 1:
            page.screenshot(path=SCREENSHOTS / f"question-{name}.png", full_page=True)

    expect(page.get_by_text("5 of 5 answered, 1 flagged for review")).to_be_visible()
    page.get_by_role("link", name="Submit all and finish").click()
    page.get_by_role("button", name="Yes, submit and see my report").click()

    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()
    expect(page.get_by_role("heading", name="Start here")).to_be_in_viewport()
    page.get_by_text("Every skill in detail").click()  # the full table folds
    table = page.get_by_role("table")
    expect(table.first).to_contain_text("Basics")
    expect(page.get_by_role("heading", name="Your study plan")).to_be_visible()
    expect(page.get_by_role("heading", name="Review of every question")).to_be_visible()
    for status in ("gap", "not sure yet", "no gap"):
        expect(page.get_by_label("Summary")).to_contain_text(status)
    # no horizontal scrolling on either viewport
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=SCREENSHOTS / f"report-{name}.png", full_page=True)
    page.close()


def test_keyboard_user_can_skip_to_content(server, browser):
    page = browser.new_page()
    page.goto(server + "/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))  # waits: the fragment navigation is not instant
    page.close()
