"""Screenshots of the gap report and its study plan for docs/screenshots/, from the shipped bank.

    .venv/bin/python scripts/report_screenshots.py [OUT_DIR]

A learner sits "ml-readiness" twice (every other answer wrong), on a throwaway SQLite database; Debian's
Chromium then shows the second sitting's report at 1280 px (gap-report.png) and on a 390 x 844 phone
(gap-report-phone.png), the first HEIGHT pixels of each as before, and the plan the same way.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
HEIGHT = 1700  # the top of each page: on a 390 x 844 phone the first 844 px are the first screen
sys.path.insert(0, str(ROOT))

from quizapp.extensions import db  # noqa: E402
from quizapp.models import Attempt  # noqa: E402
from tests.helpers import Learner, make_app, right_answer, wrong_answer  # noqa: E402


def sit(app, learner: Learner) -> str:
    learner.start("ml-readiness", mode="assessment", role="ml-engineer-entry")
    position = 1
    while True:
        with app.app_context():
            slot = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id)).items[position - 1]
            definition, order = slot.definition, slot.choice_order
        if definition["type"] == "short" and not definition.get("answers"):
            response = learner.answer(position, None, dont_know="y")
        else:
            response = learner.answer(position, (right_answer if position % 2 == 0 else wrong_answer)(definition, order))
        if not response.headers["Location"].endswith(f"/q/{position + 1}"):
            break
        position += 1
    learner.submit()
    return learner.public_id


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        app = make_app(tmp, ROOT / "questions", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'shots.sqlite'}")
        with app.app_context():
            db.create_all()
        assert app.test_cli_runner().invoke(args=["bank", "import"]).exit_code == 0
        learner = Learner(app.test_client())
        sit(app, learner)
        public_id = sit(app, learner)
        cookie = learner.client.get_cookie("session")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
                for name, viewport in (("gap-report", {"width": 1280, "height": 900}),
                                       ("gap-report-phone", {"width": 390, "height": 844})):
                    clip = {"x": 0, "y": 0, "width": viewport["width"], "height": HEIGHT}
                    context = browser.new_context(viewport=viewport)
                    context.add_cookies([{"name": "session", "value": cookie.value, "url": base}])
                    page = context.new_page()
                    page.goto(f"{base}/report/{public_id}")
                    page.screenshot(path=out / f"{name}.png", full_page=True, clip=clip)
                    page.goto(f"{base}/report/{public_id}/plan")
                    page.screenshot(path=out / f"{name.replace('gap-report', 'study-plan')}.png", full_page=True, clip=clip)
                    context.close()
                browser.close()
        finally:
            server.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
