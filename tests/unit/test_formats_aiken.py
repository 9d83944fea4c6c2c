"""Aiken import: single-choice only, so everything else about a question becomes an issue to resolve."""
import shutil
from pathlib import Path

import pytest

from quizapp.bank.formats import to_yaml
from quizapp.bank.formats.aiken import import_aiken
from quizapp.bank.loader import load_bank
from tests.conftest import FIXTURE_BANK

SAMPLE = Path(__file__).parents[1] / "fixtures" / "formats" / "sample.aiken.txt"


def sample():
    return import_aiken(SAMPLE.read_bytes().decode("utf-8"), str(SAMPLE))


def test_fixture_is_a_windows_file():
    assert b"\r\n" in SAMPLE.read_bytes()


def test_moodle_docs_example():
    first = sample().questions[0]
    assert first == {
        "id": "sample.aiken-1", "type": "single", "difficulty": 3,
        "prompt": "What is the correct answer to this question?",
        "choices": [{"text": "Is it this one?"}, {"text": "Maybe this answer?"}, {"text": "Possibly this one?"},
                    {"text": "Must be this one!", "correct": True}],
    }


def test_parenthesis_labels_and_questions_without_blank_lines_between():
    second, third = sample().questions[1:3]
    assert [c["text"] for c in second["choices"]][:2] == ["Moodle", "ATutor"]
    assert second["choices"][0]["correct"] is True
    assert third["prompt"] == "Which keyword defines a function in Python?\nThe question text may span lines.\n"
    assert third["choices"][0] == {"text": "def", "correct": True}


def test_lowercase_answer_letter_and_no_final_newline():
    last = sample().questions[-1]
    assert last["prompt"] == "Last question without a final newline?"
    assert last["choices"] == [{"text": "yes", "correct": True}, {"text": "no"}]


def test_malformed_questions_are_skipped_with_their_first_line():
    skipped = [(i.line, i.question, i.message) for i in sample().issues if i.message.endswith(("skipped", "ignored"))]
    assert skipped == [
        (23, "sample.aiken-4", "no ANSWER line after the choices; skipped"),
        (27, "sample.aiken-5", "ANSWER 'A, B' must be one letter: Aiken carries only single-choice questions; skipped"),
        (33, "sample.aiken-6", "ANSWER C names no choice (choices: A, B); skipped"),
        (38, None, "choice 'A. a choice before any question' has no question before it; ignored"),
        (39, None, "an ANSWER line without a question; ignored"),
    ]


def test_every_imported_question_asks_for_explanation_and_references():
    result = sample()
    for question in result.questions:
        messages = [i.message for i in result.issues if i.question == question["id"]]
        assert messages == ["no explanation in the source; add one", "no references in the source; add at least one"]


def test_ids_are_unique_file_stem_numbers():
    ids = [q["id"] for q in sample().questions]
    assert ids == ["sample.aiken-1", "sample.aiken-2", "sample.aiken-3", "sample.aiken-7"]


def test_bom_is_ignored():
    text = SAMPLE.read_bytes().decode("utf-8")
    assert import_aiken("\ufeff" + text, str(SAMPLE)) == sample()


@pytest.mark.parametrize("text, message", [
    ("Q?\nA. x\nANSWER: A", "a choice question needs at least 2 answers, found 1; skipped"),
    ("Q?\n" + "\n".join(f"{c}. {c.lower()}" for c in "ABCDEFGHI") + "\nANSWER: A",
     "a single question needs 2-8 choices, found 9; fix before importing"),
    ("Q?\nA. x\nB. x\nANSWER: A", "choice 'x' appears twice"),
    ("Q?\nA. x\nA. y\nANSWER: A", "two choices have the same letter; skipped"),
])
def test_shape_problems_are_reported(text, message):
    result = import_aiken(text, "q.txt")
    assert any(message in i.message for i in result.issues), [str(i) for i in result.issues]


def test_imported_yaml_fails_validation_only_for_what_the_instructor_must_add(tmp_path):
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    (root / "topics" / "aiken.yaml").write_text(to_yaml(sample().questions, "t.basics"), encoding="utf-8")
    messages = {i.message for i in load_bank(root).issues}
    assert messages == {"missing required key 'explanation'", "missing required key 'references'"}
