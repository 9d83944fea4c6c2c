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


# --- dialects: header lines are carried or reported, never glued into a prompt ---------------------

DIALECTS = Path(__file__).parents[1] / "fixtures" / "formats" / "dialects.aiken.txt"


def dialects():
    return import_aiken(DIALECTS.read_text(encoding="utf-8"), str(DIALECTS))


def test_header_lines_never_reach_a_prompt():
    prompts = [q["prompt"] for q in dialects().questions]
    assert prompts == ["Which keyword defines a function?\nNote: Python 3.\n", "Which loop runs at least once in C?",
                       "Define: a generator?", "Python: which is mutable?", "Is this carried?"]


def test_explanation_title_difficulty_reference_and_category_headers_are_carried():
    by_id = {q["id"]: q for q in dialects().questions}
    assert by_id["dialects.aiken-1"]["explanation"] == "def starts a function definition."
    assert by_id["dialects.aiken-3"]["explanation"] == "because"
    assert by_id["dialects.aiken-4"]["references"] == ["https://docs.python.org/3/"]
    assert by_id["my-q"]["difficulty"] == 2
    assert dialects().categories["my-q"] == "Python/Advanced"


def test_every_header_not_carried_is_reported_on_its_own_line():
    reported = [(i.line, i.question, i.message) for i in dialects().issues if "not carried" in i.message
                or "ignored" in i.message]
    assert reported == [
        (1, None, "category 'Python/Basics' (4 questions) not carried: a quizapp file has one skill; to give its "
                  "questions another, convert with --category-skill 'Python/Basics=SKILL'"),
        (2, "dialects.aiken-1", "'TYPE: MC' not carried: Aiken questions are single-choice"),
        (3, "dialects.aiken-1", "'Points: 2' not carried: quizapp does not weigh questions by points"),
        (10, "dialects.aiken-1", "'Tags: easy' not carried: quizapp has no tags"),
        (12, "dialects.aiken-2", "'Section: loops' not carried: quizapp has no field for it"),
        (26, "dialects.aiken-4", "'Difficulty: 9' not carried: quizapp difficulty is a whole number 1-5"),
        (27, "dialects.aiken-4", "'Reference: see the docs' not carried: a reference must be one http(s) URL"),
        (30, "my-q", "'Author: me' not carried: quizapp has no field for it"),
        (31, None, "category 'Python/Advanced' (1 question) not carried: a quizapp file has one skill; to give its "
                   "questions another, convert with --category-skill 'Python/Advanced=SKILL'"),
        (38, "my-q", "Solution: has no value; ignored"),
        (40, "dialects.aiken-6", "'TYPE: MA' not carried: Aiken questions are single-choice"),
        (45, "dialects.aiken-6", "'POINTS: 3' not carried: quizapp does not weigh questions by points"),
        (47, None, "'Orphan: header at the end' belongs to no question (no question text follows it); ignored"),
    ]


def test_unknown_header_before_a_question_is_reported_not_glued():
    result = import_aiken("Q1?\nA. a\nB. b\nANSWER: A\n\nSource-Id: 17\nQ2?\nA. c\nB. d\nANSWER: B\n", "q.txt")
    assert [q["prompt"] for q in result.questions] == ["Q1?", "Q2?"]
    assert any(i.line == 6 and i.question == "q-2" and "'Source-Id: 17' is read as a header line" in i.message
               for i in result.issues), [str(i) for i in result.issues]


def test_category_skills_give_mapped_categories_a_skill():
    result = import_aiken(DIALECTS.read_text(encoding="utf-8"), str(DIALECTS), {"Python/Advanced": "python.advanced"})
    assert {q["id"]: q.get("skills") for q in result.questions}["my-q"] == ["python.advanced"]
    assert "dialects.aiken-1" in result.categories and "skills" not in result.questions[0]
    assert any(i.line == 31 and i.message == "category 'Python/Advanced' (1 question): skill python.advanced"
               for i in result.issues)
