"""The hostile-content pages in headless Chromium: no dialog opens, no console error, no page error."""
from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.helpers import build_untrusted

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("untrusted-browser")
    world = build_untrusted(tmp, database_uri=f"sqlite:///{tmp / 'browser.sqlite'}")
    server = make_server("127.0.0.1", 0, world.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield world, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


# One page per template that shows hostile content (the HTML test covers every page).
BROWSER_PAGES = {"home with the join message", "question single", "practice feedback multiple", "report with review",
                 "review",
                 "instructor upload review", "instructor cohort", "instructor problem reports"}


def _favicon(message) -> bool:
    """Chromium asks for /favicon.ico on its own; its 404 is noise, not something a page did."""
    return (message.location.get("url") or "").endswith("/favicon.ico")


def _record_problems(page, problems: list[str]) -> None:
    """Note every dialog, console error and page error on `page` in `problems`."""
    page.on("dialog", lambda d: (problems.append(f"dialog {d.type}: {d.message} on {page.url}"), d.dismiss()))
    page.on("console", lambda m: m.type == "error" and not _favicon(m) and problems.append(
        f"console error on {page.url}: {m.text} ({m.location.get('url')})"))
    page.on("pageerror", lambda e: problems.append(f"page error on {page.url}: {e}"))


def test_hostile_pages_run_no_script_in_chromium(live):
    world, base = live
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            problems = []
            for who, client in (("learner", world.learner), ("teacher", world.teacher)):
                context = browser.new_context()
                context.add_cookies([{"name": "session", "value": client.get_cookie("session").value,
                                      "url": base}])
                page = context.new_page()
                _record_problems(page, problems)
                for label, (owner, url) in world.pages.items():
                    if owner != who or label not in BROWSER_PAGES:
                        continue
                    response = page.goto(base + url, wait_until="load")
                    assert response is not None and response.status == 200, (label, url)
                    # reveal collapsed details (problem report forms) so their content is laid out too
                    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                context.close()
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
