"""Practice in the browser: after "Check answer" the page opens at the feedback, its heading has focus,
and the one primary action (the next question, at the end the overview) is in view with it, on a phone
and on a desktop."""
import re

import pytest
from playwright.sync_api import expect

from quizapp.bank.loader import load_bank
from quizapp.bank.sync import sync_bank
from quizapp.extensions import db
from tests.helpers import SCREENSHOTS, answer_any, axe_violations, extended_fixture_bank, make_app

pytestmark = pytest.mark.e2e
LONG_FILE = """\
skill: t.advanced
questions:
  - id: t-long-why
    type: short
    difficulty: 2
    prompt: What is the shape of `np.zeros((3, 20))`? Answer as a tuple.
    pattern: '^[(] *3 *, *20 *[)]$'
    example: '(3, 20)'
    explanation: |
""" + "".join(f"      Step {i}: the shape lists the size of each axis, rows first and then columns, as a tuple of "
              "two numbers; NumPy prints it with a space after the comma.\n\n" for i in range(10)) + """\
    references: [https://numpy.org/doc/stable/reference/generated/numpy.zeros.html]
"""
@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The fixture bank and one question whose explanation is longer than a phone's screen."""
    tmp = tmp_path_factory.mktemp("e2e-practice")
    bank = extended_fixture_bank(tmp, topics={"long.yaml": LONG_FILE}, assessments=(
        "  - {id: long-why, name: Long explanation, role: tester, skills: [t.advanced], questions: 3, mode: practice}\n"))
    app = make_app(tmp, bank, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'e2e.sqlite'}")
    with app.app_context():
        db.create_all()
        sync_bank(db.session, load_bank(bank))
        db.session.commit()
    return app


@pytest.mark.parametrize("name, viewport", [("phone", {"width": 390, "height": 844}),
                                            ("desktop", {"width": 1280, "height": 800})])
def test_the_feedback_and_the_one_way_on_are_seen_together(server, browser, name, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server + "/attempt/new/drill")
    page.get_by_role("button", name="Begin").click()
    for n in range(1, 4):
        expect(page.get_by_role("heading", name=f"Question {n} of 3")).to_be_visible()
        answer_any(page)
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


def test_below_feedback_longer_than_the_screen_the_way_on_stays_in_view(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/attempt/new/long-why")
    page.get_by_role("button", name="Begin").click()
    while "np.zeros" not in page.get_by_role("main").inner_text():
        page.get_by_role("button", name="Skip to next").click()
    page.get_by_label(re.compile("Your answer")).fill("(3,21)")
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name="Feedback")).to_be_focused()
    expect(page.get_by_text("Accepted, for example:")).to_be_in_viewport()
    expect(page.get_by_text("Step 9:")).not_to_be_in_viewport()          # the feedback runs past the screen
    way_on = page.get_by_role("button", name=re.compile("^(Next question|Overview and submit)$")).first  # the primary
    expect(way_on).to_be_in_viewport()
    page.mouse.wheel(0, 500)
    expect(way_on).to_be_in_viewport()                                    # and stays while the learner reads on
    page.screenshot(path=SCREENSHOTS / "practice-feedback-long-phone.png")
    context.close()
