"""“I don't know” in the browser: found by role and name with its description, ticked by keyboard, and
exclusive with an answer (quiz.js): ticking it clears the answer, answering unticks it; both autosave."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def start(page, server):
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    expect(page.get_by_role("heading", name="Question 1 of 5")).to_be_visible()


def dont_know(page):
    box = page.get_by_role("checkbox", name="I don't know", exact=True)
    expect(box).to_have_accessible_description(re.compile("^Counts as not correct"))
    return box


def saved(page):
    expect(page.locator("#save-status")).to_have_text("Answer saved.")
    page.evaluate("document.getElementById('save-status').textContent = ''")  # so the next save is seen


def test_ticking_it_by_keyboard_clears_a_chosen_option_and_choosing_one_unticks_it(server, browser):
    page = browser.new_page()
    start(page, server)
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    while not group.get_by_role("radio").count():  # a choice question
        page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_text("Keyboard:")).to_be_visible()  # quiz.js is running
    first = group.get_by_role("radio").first
    first.check()
    saved(page)
    box = dont_know(page)
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    expect(first).not_to_be_checked()
    saved(page)
    page.reload()
    expect(dont_know(page)).to_be_checked()                  # the saved response is "I don't know"
    assert not any(r.is_checked() for r in group.get_by_role("radio").all())
    page.keyboard.press("1")                                  # the shortcut chooses the first option again
    expect(group.get_by_role("radio").first).to_be_checked()
    expect(dont_know(page)).not_to_be_checked()
    saved(page)
    page.reload()
    expect(group.get_by_role("radio").first).to_be_checked()
    page.close()


def test_ticking_it_empties_a_typed_answer_and_typing_unticks_it(server, browser):
    page = browser.new_page()
    start(page, server)
    while not page.get_by_role("textbox", name=re.compile("^Your answer")).count():  # a typed answer
        page.get_by_role("button", name="Save and next").click()
    field = page.get_by_role("textbox", name=re.compile("^Your answer"))
    field.fill("42")
    dont_know(page).check()
    expect(field).to_have_value("")
    saved(page)
    field.press_sequentially("7")
    expect(dont_know(page)).not_to_be_checked()
    page.close()
