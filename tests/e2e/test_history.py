"""My history in the browser: after an assessment and a practice session, assessments and practice are
in their own sections, the chart has its legend and dates, no axe violations, and it fits a phone."""
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import SCREENSHOTS, answer_any, axe_violations, log_in

pytestmark = pytest.mark.e2e


def sit(page, server, assessment, mode_label, count):
    page.goto(server + f"/attempt/new/{assessment}")
    page.get_by_role("radio", name=re.compile(mode_label)).check()
    page.get_by_role("button", name="Begin").click()
    for n in range(1, count + 1):
        expect(page.get_by_role("heading", name=f"Question {n} of {count}")).to_be_visible()
        answer_any(page)
        page.get_by_role("button", name=re.compile("^(Save and next|Save and review answers|Skip to next|Save and go to overview)$")).click()
    page.get_by_role("link", name="Submit all and finish").click()
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    expect(page.get_by_role("heading", name="Your gap report")).to_be_visible()


def test_history_keeps_practice_apart_and_dates_its_chart(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, server, "learner@example.org")
    sit(page, server, "everything", "^Assessment", 5)
    sit(page, server, "everything", "^Practice", 5)
    page.goto(server + "/history")
    for section in ("Assessments", "Practice"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    tables = page.get_by_role("table")
    expect(tables.filter(has=page.get_by_text("Your assessments, newest first")).get_by_role("link")).to_have_count(1)
    expect(tables.filter(has=page.get_by_text("Your practice, newest first")).get_by_role("link")).to_have_count(1)
    chart = page.get_by_role("img", name="Scores across your attempts")
    expect(chart).to_be_visible()
    expect(chart.get_by_text("after practice", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"#\d"))).to_have_count(0)
    assert axe_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "history-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert axe_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "history-phone.png", full_page=True)
    context.close()
