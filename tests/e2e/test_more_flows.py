"""More flows in the browser: cohorts, problem reports, statistics; and tap targets of 24 px."""
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import log_in

pytestmark = pytest.mark.e2e


def test_cohort_join_and_heatmap(server, browser):
    teacher = browser.new_page()
    log_in(teacher, server, "teacher@example.org")
    teacher.goto(server + "/instructor/cohorts")
    teacher.get_by_label("Cohort name").fill("Winter cohort")
    teacher.get_by_role("button", name="Create").click()
    code = re.search(r"code ([A-Z0-9]{8})", teacher.get_by_role("status").inner_text()).group(1)
    learner = browser.new_page()
    log_in(learner, server, "learner@example.org")
    learner.get_by_role("link", name="Join a cohort").click()
    learner.get_by_label("Join code").fill(code.lower())
    learner.get_by_role("button", name="Join").click()
    expect(learner.get_by_role("status")).to_contain_text("You joined Winter cohort")
    teacher.reload()
    expect(teacher.get_by_text("1 learner")).to_be_visible()
    expect(teacher.get_by_role("link", name="Responses as CSV")).to_be_visible()
    teacher.close()
    learner.close()


def test_report_a_problem_reaches_the_instructor(server, browser):
    learner = browser.new_page()
    learner.goto(server + "/attempt/new/everything")
    learner.get_by_role("button", name="Begin").click()
    learner.get_by_text("Report a problem with this question").click()
    learner.get_by_role("radio", name="The question is ambiguous or has more than one right answer").check()
    learner.get_by_label("Details (optional)").fill("Two choices look right to me.")
    learner.get_by_role("button", name="Send report").click()
    expect(learner.get_by_role("status")).to_contain_text("your report is in the instructors' queue")
    teacher = browser.new_page()
    log_in(teacher, server, "teacher@example.org")
    teacher.goto(server + "/instructor/reports")
    expect(teacher.get_by_text("Two choices look right to me.")).to_be_visible()
    teacher.get_by_role("button", name=re.compile("Mark resolved")).first.click()
    expect(teacher.get_by_role("status")).to_contain_text("marked resolved")
    teacher.goto(server + "/instructor/stats")
    expect(teacher.get_by_role("heading", name="Item statistics")).to_be_visible()
    teacher.close()
    learner.close()


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_tap_targets_are_at_least_24px(server, browser, viewport):
    page = browser.new_page(viewport=viewport)
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    page.wait_for_load_state("load")  # measure with the stylesheet applied
    small = page.evaluate("""() => [...document.querySelectorAll('button, input:not([type=hidden]), select, .question-nav a')]
        .map(e => [e.name || e.textContent.trim().slice(0, 20), e.getBoundingClientRect()])
        .filter(([n, r]) => r.width > 0 && (r.width < 24 || r.height < 24))
        .map(([n, r]) => `${n}: ${Math.round(r.width)}x${Math.round(r.height)}`)""")
    assert small == []
    page.close()
