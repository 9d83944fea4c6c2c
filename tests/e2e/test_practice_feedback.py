"""Practice in the browser: after "Check answer" the page opens at the feedback, its heading has focus,
and the one primary action (the next question, at the end the overview) is in view with it, on a phone
and on a desktop."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers import SCREENSHOTS

pytestmark = pytest.mark.e2e
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page, as test_accessibility reports them (none checked without axe)."""
    if not AXE.exists():
        return []
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']}: " + "; ".join(n["target"][0] for n in v["nodes"][:3]) for v in result["violations"]]


def answer(page):
    group = page.get_by_role("group", name=re.compile("^Your answer"))
    if group.get_by_role("radio").count():
        group.get_by_role("radio").last.check()
    elif group.get_by_role("checkbox").count():
        group.get_by_role("checkbox").first.check()
    else:
        page.get_by_label(re.compile("Your answer")).fill("10")


@pytest.mark.parametrize("name, viewport", [("phone", {"width": 390, "height": 844}),
                                            ("desktop", {"width": 1280, "height": 800})])
def test_the_feedback_and_the_one_way_on_are_seen_together(server, browser, name, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + "/attempt/new/drill")
    page.get_by_role("button", name="Begin").click()
    for n in range(1, 4):
        expect(page.get_by_role("heading", name=f"Question {n} of 3")).to_be_visible()
        answer(page)
        page.get_by_role("button", name="Check answer").click()
        heading = page.get_by_role("heading", name="Feedback")
        expect(heading).to_be_focused()
        expect(heading).to_be_in_viewport()
        way_on = page.get_by_role("button", name="Overview and submit" if n == 3 else "Next question")
        expect(way_on).to_be_in_viewport()
        expect(page.locator("button.primary")).to_have_count(1)
        expect(page.get_by_role("button", name="Check answer")).to_have_count(0)
        assert axe_violations(page) == []
        page.screenshot(path=SCREENSHOTS / f"practice-feedback-{n}-{name}.png")
        way_on.click()
    expect(page.get_by_role("link", name="Submit all and finish")).to_be_visible()
    context.close()
