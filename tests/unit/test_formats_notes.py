"""Converters drop nothing silently: every issue of every converter and exporter names a line."""
import shutil
from pathlib import Path

import pytest

from quizapp.bank.formats import exporter, importer
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURE_BANK, ODD_BANK

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
ODDITIES = [("aiken", "dialects.aiken.txt"), ("gift", "oddities.gift"), ("moodle-xml", "oddities.xml"),
            ("gift", "moodle_docs.gift"), ("moodle-xml", "moodle_export.xml"), ("aiken", "sample.aiken.txt")]


def convert(fmt: str, name: str):
    data = (FORMATS / name).read_bytes()
    return importer(fmt)(data if fmt == "moodle-xml" else data.decode("utf-8-sig"), name)


@pytest.mark.parametrize("fmt, name", ODDITIES)
def test_every_import_issue_has_a_line_in_the_source(fmt, name):
    result = convert(fmt, name)
    assert result.issues, "the fixture is meant to be full of oddities"
    lines = (FORMATS / name).read_bytes().count(b"\n") + 1
    assert all(0 < issue.line <= lines for issue in result.issues), [str(i) for i in result.issues if not i.line]


@pytest.mark.parametrize("fmt, name", ODDITIES)
def test_every_category_line_is_reported(fmt, name):
    result = convert(fmt, name)
    reported = [(i.line, i.message) for i in result.issues if i.message.startswith("category ")]
    assert [line for line, _ in reported] == [line for line, _ in result.category_lines]
    assert all("not carried" in message for _, message in reported)


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_every_export_issue_names_the_question_yaml_line(tmp_path, fmt):
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    (root / "topics" / "odd.yaml").write_text(ODD_BANK, encoding="utf-8")
    bank = load_bank(root)
    assert bank.ok, [str(i) for i in bank.issues]
    questions = [q for q in bank.questions if q.path.endswith("odd.yaml")]
    result = exporter(fmt)([(q.id, q.definition) for q in questions], {q.id: (q.path, q.line) for q in questions})
    lines = {q.id: q.line for q in questions}
    assert result.issues and all(i.line == lines[i.question] and i.source.endswith("odd.yaml") for i in result.issues)
    assert {i.question for i in result.skipped} == {"odd-param", "odd-regex"}
    assert result.written == [q.id for q in questions if q.id not in ("odd-param", "odd-regex")]
