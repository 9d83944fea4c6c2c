"""An instructor uploads a file, reads the preview, publishes it, and finds it in the bank."""
import re

import pytest
from playwright.sync_api import expect

from tests.helpers import log_in

pytestmark = pytest.mark.e2e

NEW_FILE = """\
skill: t.math
questions:
  - id: e2e-uploaded
    type: numeric
    difficulty: 2
    prompt: What is $2^5$?
    answer: 32
    check: {python: 2 ** 5}
    explanation: Five factors of two make 32.
    references: [https://en.wikipedia.org/wiki/Exponentiation]
    reviewed: 2026-11-27
"""


def test_upload_preview_and_publish_in_the_browser(server, browser, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text(NEW_FILE.replace("difficulty: 2", "difficulty: 9"))
    good = tmp_path / "powers.yaml"
    good.write_text(NEW_FILE)
    page = browser.new_page()
    log_in(page, server, "teacher@example.org")
    page.get_by_role("link", name="Instructor").click()
    page.get_by_role("link", name="Upload question files").click()
    page.get_by_label(re.compile("Question files")).set_input_files(str(bad))
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_role("alert")).to_contain_text("difficulty: must be an integer 1-5")
    expect(page.get_by_role("button", name=re.compile("^Publish"))).to_have_count(0)
    page.get_by_role("link", name="Upload corrected files").click()
    page.get_by_label(re.compile("Question files")).set_input_files(str(good))
    page.get_by_role("button", name="Check and preview").click()
    expect(page.get_by_text("No problems found")).to_be_visible()
    expect(page.get_by_text("Five factors of two make 32.")).to_be_visible()  # the key's explanation, previewed
    page.get_by_role("button", name="Publish 1 question").click()
    expect(page.get_by_text(re.compile("Published. questions: 1 added"))).to_be_visible()
    expect(page.get_by_role("link", name="math/powers.yaml")).to_be_visible()
    page.close()
