"""The cohort's learner × skill grid in the browser: no axe violations in either theme, and at 390 px the
page does not scroll sideways: the grid scrolls in its own focusable box with the learner column in view."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Attempt, Cohort, CohortMember, Skill, SkillResult, User, utcnow
from tests.helpers import SCREENSHOTS, axe_violations, log_in

pytestmark = pytest.mark.e2e
WIDE_SKILLS = 20  # with the fixture bank's 3: as wide as the shipped bank's 23


@pytest.fixture(scope="module")
def grid_url(live_app):
    """Twelve members of the e2e cohort, each with a shared attempt that makes a call on every skill."""
    with live_app.app_context():
        for i in range(WIDE_SKILLS):
            db.session.add(Skill(id=f"t.wide{i}", name=f"A rather long skill name {i}", area="python", position=20 + i))
        cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == "JOINME23"))
        skills = [s for (s,) in db.session.execute(select(Skill.id))]
        now = utcnow()
        for k in range(12):
            user = User(email=f"grid{k}@example.org", display_name=f"Grid learner with a long name {k}",
                        role="learner", password_hash="-")
            db.session.add(user)
            db.session.flush()
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, joined_at=now - timedelta(days=2)))
            attempt = Attempt(public_id=f"grid{k}", user_id=user.id, assessment_id="everything", role_id="tester",
                              mode="assessment", question_count=1, status="submitted",
                              started_at=now - timedelta(hours=2), submitted_at=now - timedelta(hours=1))
            for n, skill in enumerate(skills[:-1]):
                attempt.results.append(SkillResult(skill_id=skill, theta=0.0, sd=1.0, p_gap=0.5, shortfall=0.0,
                                                   target=0.0, status=("gap", "uncertain", "no_gap")[(n + k) % 3],
                                                   n_items=3))
            db.session.add(attempt)
        db.session.commit()
        return f"/instructor/cohorts/{cohort.id}/learners"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_grid_has_no_axe_violations(server, browser, grid_url, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, server, "teacher@example.org")
    page.goto(server + grid_url)
    assert page.locator("table.grid tbody tr").count() == 12
    assert not axe_violations(page)
    if scheme == "light":
        page.screenshot(path=SCREENSHOTS / "instructor-cohort-grid-desktop.png", full_page=True)
    context.close()


def test_the_grid_scrolls_in_its_own_box_on_a_phone(server, browser, grid_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, server, "teacher@example.org")
    page.goto(server + grid_url)
    grid = page.locator("table.grid")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert grid.evaluate("t => t.scrollWidth > t.clientWidth")
    assert grid.get_attribute("tabindex") == "0"  # scrollers.js: a keyboard can scroll it
    name = page.locator("table.grid tbody th").first
    before = name.bounding_box()["x"]
    grid.evaluate("t => { t.scrollLeft = 500; }")
    assert name.bounding_box()["x"] == pytest.approx(before, abs=1)  # the learner column stays in view
    assert not axe_violations(page)
    page.screenshot(path=SCREENSHOTS / "instructor-cohort-grid-phone.png", full_page=False)
    context.close()
