"""axe-core on every page, learner and instructor, in light and dark themes: zero violations."""
import json
import re
from pathlib import Path

import pytest

from tests.helpers import SCREENSHOTS, log_in

pytestmark = pytest.mark.e2e
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

if not AXE.exists():
    pytest.skip("axe-core is not installed (npm ci)", allow_module_level=True)


def violations(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in result["violations"]]


def learner_pages(page, server):
    """Visit every learner page once, yielding (name, url) as it goes."""
    yield "home", "/"
    yield "method", "/method"
    yield "login", "/auth/login"
    yield "register", "/auth/register"
    yield "check inbox", "/auth/check-inbox"
    yield "forgot password", "/auth/forgot-password"
    yield "a link that does not work", "/auth/reset-password/not-a-token"
    yield "not found", "/nope"
    log_in(page, server, "learner@example.org")
    yield "start", "/attempt/new/everything"
    page.goto(server + "/attempt/new/everything")
    page.get_by_role("button", name="Begin").click()
    base = page.url.rsplit("/", 1)[0]
    for n in range(1, 6):
        yield f"question {n}", base[len(server):] + f"/{n}"
    attempt = base.split("/")[-2]
    yield "overview", f"/attempt/{attempt}/overview"
    yield "submit", f"/attempt/{attempt}/submit"
    page.goto(server + f"/attempt/{attempt}/submit")
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    yield "report", f"/report/{attempt}"
    yield "study plan", f"/report/{attempt}/plan"
    yield "study plan, a bad value", f"/report/{attempt}/plan?hours=abc"
    yield "review", f"/report/{attempt}/review"
    yield "history", "/history"
    yield "join cohort", "/cohorts/join"
    yield "account", "/auth/account"


def instructor_pages(page, server):
    log_in(page, server, "teacher@example.org")
    for name, url in (("dashboard", "/instructor/"), ("upload", "/instructor/upload"), ("stats", "/instructor/stats"),
                      ("reports", "/instructor/reports"), ("cohorts", "/instructor/cohorts"),
                      ("cohort", "/instructor/cohorts/1")):
        yield name, url


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("pages", [learner_pages, instructor_pages], ids=["learner", "instructor"])
def test_no_axe_violations(server, browser, scheme, pages):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    found = {}
    for name, url in pages(page, server):
        page.goto(server + url)
        problems = violations(page)
        if problems:
            found[f"{name} {url}"] = problems
        if scheme == "light":
            page.screenshot(path=SCREENSHOTS / f"{pages.__name__}-{name.replace(' ', '-')}-desktop.png", full_page=True)
    context.close()
    assert not found, json.dumps(found, indent=1)


def test_axe_catches_a_real_violation(browser):
    """Guard against a silent no-op: the same check must fail on a page with known problems."""
    page = browser.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input type="text"></main></html>')
    found = " ".join(violations(page))
    assert "image-alt" in found and "label" in found
    page.close()
