"""The report a learner acts on, in the browser without JavaScript (issue #21): the next step above the fold
on a phone, practising that skill, the plan's settings (a bad value is a message) and marking a resource done."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Skill
from tests.helpers import SCREENSHOTS, log_in

pytestmark = pytest.mark.e2e


def sit_knowing_nothing(page, server):
    """An attempt of the fixture bank answered "I don't know" throughout: every skill a gap or not sure."""
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    for n in range(1, 6):
        expect(page.get_by_role("heading", name=f"Question {n} of 5")).to_be_visible()
        page.get_by_role("checkbox", name="I don't know", exact=True).check()
        page.get_by_role("button", name="Save and review answers" if n == 5 else "Save and next").click()
    page.get_by_role("link", name="Submit all and finish").click()
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()


def test_the_next_step_is_above_the_fold_on_a_phone_and_practises_that_skill(server, browser, live_app):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sit_knowing_nothing(page, server)
    start = page.get_by_role("region", name="Start here")
    button = start.get_by_role("button", name=re.compile(r"^Practise .+ now$"))
    expect(button).to_be_in_viewport(ratio=1)
    skill = re.match(r"Practise (.+) now", button.inner_text()).group(1)
    expect(start).to_contain_text(re.compile(r"about \d+ h · (Free|Paid|Free to audit, paid certificate)"))
    # the full skill table folds, and opens without JavaScript
    table = page.get_by_role("table", name=re.compile("Per skill"))
    expect(table).to_be_hidden()
    page.get_by_text("Every skill in detail").click()
    expect(table).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "report-next-step-390.png")
    button.click()
    expect(page.get_by_role("heading", name=re.compile("^Question 1 of"))).to_be_visible()
    public_id = page.url.split("/")[-3]
    with live_app.app_context():
        skill_id = db.session.scalar(select(Skill.id).where(Skill.name == skill))
        practice = db.session.scalar(select(Attempt).where(Attempt.public_id == public_id))
        assert practice.mode == "practice" and all(skill_id in i.version.skills for i in practice.items)
    context.close()


def test_the_plan_checks_its_settings_and_keeps_what_is_done_for_a_signed_in_learner(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, server, "learner@example.org")
    sit_knowing_nothing(page, server)
    page.get_by_role("link", name="Open the plan").click()
    expect(page.get_by_role("heading", name="Your study plan")).to_be_visible()
    page.get_by_label("Hours per week").fill("abc")
    page.get_by_role("button", name="Update the plan").click()
    expect(page.get_by_text("Give the hours you can study per week as a number from 0.5 to 60")).to_be_visible()
    page.get_by_label("Hours per week").fill("3")
    page.get_by_role("radio", name=re.compile("^Free only")).check()
    page.get_by_role("button", name="Update the plan").click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"at 3 h a week, until"))
    expect(page.get_by_role("main")).to_contain_text("Free resources only")
    resources = page.get_by_role("region", name="Resources, in order")
    first = resources.get_by_role("listitem").first
    first.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(page.get_by_role("main")).to_contain_text("still to do")
    expect(page.get_by_label("Hours per week")).to_have_value("3")  # the settings survive the POST
    expect(resources.get_by_role("listitem").first.get_by_role("button", name=re.compile("^Mark not done"))).to_be_visible()
    link = page.get_by_role("link", name="Add to my calendar (.ics)")
    assert "hours=3" in link.get_attribute("href")
    page.screenshot(path=SCREENSHOTS / "study-plan-1280.png", full_page=True)
    context.close()
