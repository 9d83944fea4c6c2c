"""Every error branch of the bank loader, pinned whole: the exact lines a user sees
(`path:line: kind 'id': message`) and nothing else.

Each case writes one small file into a bank of its own (two skills, one role; nothing else), so a
case costs a few milliseconds. The YAML limits are checked at their edge, the limit itself and one
over, with the limit constants imported rather than copied.
"""
from __future__ import annotations

import hashlib

import pytest

from quizapp.bank.catalogue import _one_of, _whole_number
from quizapp.bank.checking import FileChecker, ItemChecker
from quizapp.bank.definitions import QuestionDef, content_hash
from quizapp.bank.loader import load_bank, question_files
from quizapp.bank.schema import AREAS, MAX_PARAM_COMBINATIONS
from quizapp.bank.yaml_lines import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ISSUES,
    MAX_NODES,
    MAX_QUESTIONS_PER_FILE,
    MAX_SCALAR_CHARS,
    SLOW_PATH_MAX_NODES,
    UPLOAD_MAX_NODES,
    ParseBudget,
    display_path,
    parse_yaml,
)
from quizapp.questiontypes import QUESTION_TYPES

SKILLS = "skills:\n  - {id: t.basics, name: Basics, area: python}\n  - {id: t.math, name: Maths, area: math}\n"
ROLES = "roles:\n  - {id: r-eng, name: Engineer, targets: {t.basics: 3}}\n"
TYPES = ", ".join(QUESTION_TYPES)
CHOICE_LIMITS = {"single": (2, 8), "multiple": (3, 10)}


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "questions"
    (root / "topics").mkdir(parents=True)
    (root / "skills.yaml").write_text(SKILLS, encoding="utf-8")
    return root


def load(root, text: str, name: str = "topics/topic.yaml"):
    """Write `name` (relative to root), load the bank: (the bank, the issues as shown, the file's shown path)."""
    path = root / name
    path.write_text(text, encoding="utf-8")
    bank = load_bank(root)
    return bank, [str(i) for i in bank.issues], display_path(path)


def edit(template: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in template, old
        template = template.replace(old, new, 1)
    return template


def assert_refused(root, text: str, expected: list[str], name: str = "topics/topic.yaml") -> None:
    """The file gives exactly `expected` ("line: rest", in order) after its path, and loads no question."""
    bank, issues, shown = load(root, text, name)
    assert issues == [f"{shown}:{e}" for e in expected]
    assert not bank.questions


# --- choices (_check_choices) -------------------------------------------------------------------------

CHOICES = """\
skill: t.basics
questions:
  - id: q-c
    type: {qtype}
    difficulty: 2
    prompt: Pick b.
    explanation: E.
    references: [https://example.org/b]
    choices:{body}
"""


def choices(qtype: str, body: str) -> str:
    """The choices as written after `choices:` (line 9): a list item per line ("- ...") starts at line 10."""
    body = "".join("\n      " + line for line in body.split("\n")) if body.startswith("-") else " " + body
    return CHOICES.format(qtype=qtype, body=body)


@pytest.mark.parametrize("qtype, body, expected", [
    ("single", "abc", ["9: q 'q-c': choices: must be a list of {text, correct, feedback}"]),
    ("multiple", "{text: a, correct: true}", ["9: q 'q-c': choices: must be a list of {text, correct, feedback}"]),
    ("single", "", ["9: q 'q-c': choices: must be a list of {text, correct, feedback}"]),
    ("single", "- plain\n- {text: a, correct: true}\n- {text: b}", ["10: q 'q-c': choices: every choice must be a mapping with 'text'"]),
    ("single", "- plain\n- {text: a}\n- {text: b}", ["10: q 'q-c': choices: every choice must be a mapping with 'text'", "9: q 'q-c': choices: no choice is marked correct"]),
    ("single", "- x\n- y", ["10: q 'q-c': choices: every choice must be a mapping with 'text'", "11: q 'q-c': choices: every choice must be a mapping with 'text'"]),
    ("multiple", "- x\n- [y]\n- 3", [f"{n}: q 'q-c': choices: every choice must be a mapping with 'text'" for n in (10, 11, 12)]),
    ("single", "- {text: a, correct: true}\n- text: b\n  colour: red", ["12: q 'q-c': unknown key 'colour'"]),
    ("single", "- {text: a, correct: true}\n- text: b\n  corect: false", ["12: q 'q-c': unknown key 'corect' (did you mean 'correct'?)"]),
    ("single", "- {text: a, correct: true}\n- correct: false\n  feedback: F", ["11: q 'q-c': missing required key 'text'", "11: q 'q-c': choices: 'text' must be non-empty text (quote values like yes/no/true, 3.10, 014 or 1:30)"]),
    ("single", "- {text: a, correct: true}\n- correct: false\n  text: ''", ["12: q 'q-c': choices: 'text' must be non-empty text (quote values like yes/no/true, 3.10, 014 or 1:30)"]),
    ("single", "- {text: a, correct: true}\n- correct: false\n  text: '  '", ["12: q 'q-c': choices: 'text' must be non-empty text (quote values like yes/no/true, 3.10, 014 or 1:30)"]),
    ("single", "- correct: false\n  text: ''\n- {text: a}\n- {text: b}", ["11: q 'q-c': choices: 'text' must be non-empty text (quote values like yes/no/true, 3.10, 014 or 1:30)", "9: q 'q-c': choices: no choice is marked correct"]),
    ("single", "- {text: a, correct: true}\n- correct: false\n  text: yes", ["12: q 'q-c': choices: 'text' must be non-empty text: yes is read by YAML as true; quote it: 'yes'"]),
    ("single", "- {text: a, correct: true}\n- correct: false\n  text: 3.10", ["12: q 'q-c': choices: 'text' must be non-empty text: 3.10 is read by YAML as the number 3.1; quote it: '3.10'"]),
    ("single", "- {text: [a], correct: true}\n- {text: b}", ["10: q 'q-c': choices: 'text' must be non-empty text (quote values like yes/no/true, 3.10, 014 or 1:30)", "9: q 'q-c': choices: no choice is marked correct"]),
    ("single", "- {text: a, correct: true}\n- {text: ' a '}", ["11: q 'q-c': choices: duplicate choice text 'a'"]),
    ("single", "- {text: ' a ', correct: true}\n- {text: a}", ["11: q 'q-c': choices: duplicate choice text 'a'"]),
    ("multiple", "- {text: a, correct: true}\n- {text: b}\n- {text: a}\n- {text: b}", ["12: q 'q-c': choices: duplicate choice text 'a'", "13: q 'q-c': choices: duplicate choice text 'b'"]),
    ("single", "- text: a\n  correct: 1\n- {text: b, correct: true}", ["11: q 'q-c': choices: 'correct' must be true or false"]),
    ("single", "- text: a\n  correct: 'true'\n- {text: b}", ["11: q 'q-c': choices: 'correct' must be true or false", "9: q 'q-c': choices: no choice is marked correct"]),
    ("single", "- text: a\n  feedback: ''\n- {text: b, correct: true}", ["11: q 'q-c': choices: 'feedback' must be text"]),
    ("single", "- text: a\n  feedback: 3\n- {text: b, correct: true}", ["11: q 'q-c': choices: 'feedback' must be text"]),
    ("single", "- {text: a}\n- {text: b}", ["9: q 'q-c': choices: no choice is marked correct"]),
    ("single", "- {text: a, correct: true}\n- {text: b, correct: true}", ["9: q 'q-c': choices: 2 choices are marked correct; a single question has exactly one"]),
    ("single", "- {text: a, correct: true}\n- {text: b, correct: true}\n- {text: c, correct: true}", ["9: q 'q-c': choices: 3 choices are marked correct; a single question has exactly one"]),
    ("multiple", "- {text: a}\n- {text: b}\n- {text: c}", ["9: q 'q-c': choices: no choice is marked correct"]),
])
def test_choices_errors(root, qtype, body, expected):
    assert_refused(root, choices(qtype, body), expected)


@pytest.mark.parametrize("qtype", sorted(CHOICE_LIMITS))
@pytest.mark.parametrize("edge", ["too few", "too many"])
def test_choice_count_errors(root, qtype, edge):
    low, high = CHOICE_LIMITS[qtype]
    n = low - 1 if edge == "too few" else high + 1
    body = "\n".join(f"- {{text: c{i}, correct: {str(i == 0).lower()}}}" for i in range(n))
    assert_refused(root, choices(qtype, body), [f"9: q 'q-c': choices: a {qtype} question needs {low}-{high} choices, found {n}"])


@pytest.mark.parametrize("qtype, body, stored", [
    ("single", "- {text: a, feedback: Not a.}\n- {text: b, correct: true}\n- {text: 42, feedback: null}",
     [{"text": "a", "correct": False, "feedback": "Not a."}, {"text": "b", "correct": True}, {"text": "42", "correct": False}]),
    ("multiple", "- {text: a, correct: true}\n- {text: b, correct: true}\n- {text: c, correct: true}",
     [{"text": "a", "correct": True}, {"text": "b", "correct": True}, {"text": "c", "correct": True}]),
])
def test_choices_are_stored_as_written(root, qtype, body, stored):
    bank, issues, shown = load(root, choices(qtype, body))
    assert issues == []
    [question] = bank.questions
    definition = {"type": qtype, "difficulty": 2, "skills": ["t.basics"], "prompt": "Pick b.", "explanation": "E.",
                  "references": ["https://example.org/b"], "choices": stored}
    assert question == QuestionDef("q-c", shown, 3, qtype, 2, ("t.basics",), definition, content_hash(definition))


# --- one question (_check_question, _text_as_written, _number_as_written) ----------------------------

QUESTION = """\
skill: t.basics
questions:
  - id: q-x
    type: numeric
    difficulty: 2
    prompt: How many?
    explanation: E.
    references: [https://example.org]
    answer: 4
"""


def more(*lines: str) -> tuple[str, str]:
    """Keys added after the last line (so they start at line 10)."""
    return ("    answer: 4\n", "    answer: 4\n" + "".join(f"    {line}\n" for line in lines))


NO_KEY = "(quote values like yes/no/true, 3.10, 014 or 1:30)"


@pytest.mark.parametrize("replacements, expected", [
    ([("    type: numeric\n", "    type: essay\n")], [f"4: q 'q-x': type: 'essay' is not one of {TYPES}"]),
    ([("    type: numeric\n", "    type: [single]\n")], [f"4: q 'q-x': type: ['single'] is not one of {TYPES}"]),
    ([("    type: numeric\n", "    colour: red\n")], [f"3: q 'q-x': type: None is not one of {TYPES}", "3: q 'q-x': missing required key 'type'", "4: q 'q-x': unknown key 'colour'"]),
    ([("    type: numeric\n", "    type: essay\n"), more("choices: []", "pattern: x", "colour: red")], [f"4: q 'q-x': type: 'essay' is not one of {TYPES}", "12: q 'q-x': unknown key 'colour'"]),
    ([("    difficulty: 2\n", "    difficulty: 7\n")], ["5: q 'q-x': difficulty: must be an integer 1-5, not 7"]),
    ([("    difficulty: 2\n", "    difficulty: 0\n")], ["5: q 'q-x': difficulty: must be an integer 1-5, not 0"]),
    ([("    difficulty: 2\n", "    difficulty: true\n")], ["5: q 'q-x': difficulty: must be an integer 1-5, not True"]),
    ([("    difficulty: 2\n", "    difficulty: 2.0\n")], ["5: q 'q-x': difficulty: must be an integer 1-5, not 2.0"]),
    ([("    difficulty: 2\n", "    difficulty: '2'\n")], ["5: q 'q-x': difficulty: must be an integer 1-5, not '2'"]),
    ([("    difficulty: 2\n", "    dificulty: 2\n")], ["3: q 'q-x': missing required key 'difficulty'", "5: q 'q-x': unknown key 'dificulty' (did you mean 'difficulty'?)"]),
    ([("skill: t.basics\n", "# no file-level skill\n")], ["3: q 'q-x': skills: no 'skills' here and no file-level 'skill' to default to"]),
    ([more("skills: []")], ["10: q 'q-x': skills: must be a non-empty list of skill ids"]),
    ([more("skills: t.basics")], ["10: q 'q-x': skills: must be a non-empty list of skill ids"]),
    ([more("skills: [t.basics, 3]")], ["10: q 'q-x': skills: must be a non-empty list of skill ids"]),
    ([more("skills: [t.basic, zz.top]")], ["10: q 'q-x': skills: unknown skill 't.basic' (did you mean 't.basics'?)", "10: q 'q-x': skills: unknown skill 'zz.top'"]),
    ([("skill: t.basics\n", "skill: t.nope\n")], ["1: skill: unknown skill 't.nope'", "3: q 'q-x': skills: unknown skill 't.nope'"]),
    ([("skill: t.basics\n", "skill: [t.basics]\n")], ["1: skill: must be a skill id", "3: q 'q-x': skills: no 'skills' here and no file-level 'skill' to default to"]),
    ([("    prompt: How many?\n", "    prompt: ''\n")], ["6: q 'q-x': prompt: must be non-empty text"]),
    ([("    prompt: How many?\n", "    prompt: 42\n")], ["6: q 'q-x': prompt: must be non-empty text"]),
    ([("    prompt: How many?\n", "    prompt: [a]\n")], ["6: q 'q-x': prompt: must be non-empty text"]),
    ([("    prompt: How many?\n", "    prompt: 3.10\n")], ["6: q 'q-x': prompt: must be non-empty text (3.10 is read by YAML as the number 3.1; quote it: '3.10')"]),
    ([("    prompt: How many?\n", "    prompt: ~\n")], ["6: q 'q-x': prompt: must be non-empty text (~ is read by YAML as null (nothing); quote it: '~')"]),
    ([("    explanation: E.\n", "    explanation: yes\n")], ["7: q 'q-x': explanation: must be non-empty text (yes is read by YAML as true; quote it: 'yes')"]),
    ([("    explanation: E.\n", "    explanation: Off\n")], ["7: q 'q-x': explanation: must be non-empty text (Off is read by YAML as false; quote it: 'Off')"]),
    ([("    explanation: E.\n", "    explanation: 2026-01-31\n")], ["7: q 'q-x': explanation: must be non-empty text (2026-01-31 is read by YAML as the date 2026-01-31; quote it: '2026-01-31')"]),
    ([("    references: [https://example.org]\n", "    references: []\n")], ["8: q 'q-x': references: must be a non-empty list of URLs"]),
    ([("    references: [https://example.org]\n", "    references: https://example.org\n")], ["8: q 'q-x': references: must be a non-empty list of URLs"]),
    ([("    references: [https://example.org]\n", "    references: [ftp://x.org, 3, https://ok.org]\n")], ["8: q 'q-x': references: 'ftp://x.org' is not an http(s) URL", "8: q 'q-x': references: 3 is not an http(s) URL"]),
    ([("    answer: 4\n", "    answer: abc\n")], ["9: q 'q-x': answer: must be a number, not 'abc'"]),
    ([("    answer: 4\n", "    answer: true\n")], ["9: q 'q-x': answer: must be a number, not True"]),
    ([("    answer: 4\n", "    answer: 014\n")], ["9: q 'q-x': answer: 014 is read by YAML as 12 (octal, for the leading 0); write the number in plain decimal"]),
    ([("    answer: 4\n", "    answer: -010\n")], ["9: q 'q-x': answer: -010 is read by YAML as -8 (octal, for the leading 0); write the number in plain decimal"]),
    ([("    answer: 4\n", "    answer: 1:30\n")], ["9: q 'q-x': answer: 1:30 is read by YAML as 90 (base 60); write the number in plain decimal"]),
    ([("    answer: 4\n", "    answer: 1__0\n")], ["9: q 'q-x': answer: 1__0 is read by YAML as 10 (YAML 1.1); write the number in plain decimal"]),
    ([("    answer: 4\n", "    answer: .nan\n")], ["9: q 'q-x': answer: .nan is not a finite number"]),
    ([("    answer: 4\n", "    answer: -.inf\n")], ["9: q 'q-x': answer: -.inf is not a finite number"]),
    ([("    answer: 4\n", "    answer: !!float '.nan'\n")], ["9: q 'q-x': answer: nan is not a finite number"]),
    ([more("tolerance: 5 percent")], ["10: q 'q-x': tolerance: use a non-negative number (absolute) or a percentage like '1%'"]),
    ([more("tolerance: -1")], ["10: q 'q-x': tolerance: use a non-negative number (absolute) or a percentage like '1%'"]),
    ([more("tolerance: 010")], ["10: q 'q-x': tolerance: 010 is read by YAML as 8 (octal, for the leading 0); write the number in plain decimal"]),
    ([more("tolerance: .inf")], ["10: q 'q-x': tolerance: .inf is not a finite number"]),
    ([more("unit: ''")], ["10: q 'q-x': unit: must be text"]),
    ([more("unit: 3.10")], ["10: q 'q-x': unit: must be text (3.10 is read by YAML as the number 3.1; quote it: '3.10')"]),
    ([more("feedback: ''")], ["10: q 'q-x': feedback: must be text"]),
    ([more("feedback: no")], ["10: q 'q-x': feedback: must be text (no is read by YAML as false; quote it: 'no')"]),
    ([("    type: numeric\n", "    type: true_false\n"), ("    answer: 4\n", "    answer: maybe\n")], ["9: q 'q-x': answer: must be true or false"]),
    ([("    type: numeric\n", "    type: true_false\n"), ("    answer: 4\n", "    answer: 1\n")], ["9: q 'q-x': answer: must be true or false"]),
    ([("    type: numeric\n", "    type: true_false\n"), more("feedback: ''"), ("    answer: 4\n", "    answer: true\n")], ["10: q 'q-x': feedback: must be text"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    case_sensitive: true\n")], ["3: q 'q-x': a short question needs 'answers' or 'pattern'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: abc\n")], ["9: q 'q-x': answers: must be a list of accepted texts", "3: q 'q-x': a short question needs 'answers' or 'pattern'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers:\n      - a\n      - 3.10\n      - [b]\n")], ["11: q 'q-x': answers: every accepted answer must be text: 3.10 is read by YAML as the number 3.1; quote it: '3.10'", "12: q 'q-x': answers: every accepted answer must be text"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: [1:30]\n")], ["9: q 'q-x': answers: every accepted answer must be text: 1:30 is read by YAML as the number 90; quote it: '1:30'", "3: q 'q-x': a short question needs 'answers' or 'pattern'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '('\n")], ["9: q 'q-x': pattern: not a valid regular expression (missing ), unterminated subpattern at position 0)"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: 3\n")], ["9: q 'q-x': pattern: not a valid regular expression (first argument must be string or compiled pattern)"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: [a]\n    case_sensitive: 1\n")], ["10: q 'q-x': case_sensitive: must be true or false"]),
    # example: one answer a pattern alone accepts, shown as the key; it must be one
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^fo+ur$'\n    example: fur\n")], ["10: q 'q-x': example: the pattern does not accept 'fur'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^fo+ur$'\n    example: FOUR\n    case_sensitive: true\n")], ["10: q 'q-x': example: the pattern does not accept 'FOUR'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^fo+ur$'\n    example: ''\n")], ["10: q 'q-x': example: must be non-empty text"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^3.10$'\n    example: 3.10\n")], ["10: q 'q-x': example: must be non-empty text: 3.10 is read by YAML as the number 3.1; quote it: '3.10'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: [four]\n    example: four\n")], ["10: q 'q-x': example: only a question keyed by a pattern alone needs one (the review shows the listed answers)"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: [four]\n    pattern: '^fo+ur$'\n    example: foour\n")], ["11: q 'q-x': example: only a question keyed by a pattern alone needs one (the review shows the listed answers)"]),
    ([more("example: '4'")], ["10: q 'q-x': unknown key 'example'"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: [a]\n    feedback: []\n")], ["10: q 'q-x': feedback: must be text"]),
    ([more("check: 1 + 1")], ["10: q 'q-x': check: must be a mapping like {python: '1 + 1'}"]),
    ([more("check:", "  colour: red", "  python: ''")], ["11: q 'q-x': unknown key 'colour'", "12: q 'q-x': check: 'python' must be code"]),
    ([more("check: {pyton: '1'}")], ["10: q 'q-x': missing required key 'python'", "10: q 'q-x': unknown key 'pyton' (did you mean 'python'?)"]),
    ([more("requires: 3")], ["10: q 'q-x': requires: must be text like \"pandas>=2.0\""]),
    ([more("reviewed: 26-1-1")], ["10: q 'q-x': reviewed: must be a date YYYY-MM-DD"]),
    ([more("reviewed: 2026-1-31")], ["10: q 'q-x': reviewed: must be a date YYYY-MM-DD"]),
    ([more("reviewed: 2026-13-45")], ["10: YAML syntax error: '2026-13-45' is not a valid date (month must be in 1..12)"]),
])
def test_question_errors(root, replacements, expected):
    assert_refused(root, edit(QUESTION, *replacements), expected)


BAD_ID = "id: missing or invalid (use lowercase letters, digits, '.', '_' or '-')"


@pytest.mark.parametrize("replacements, expected", [
    ([("  - id: q-x\n    type: numeric\n", "  - type: numeric\n    id: 12\n")], [f"4: q '?': {BAD_ID}"]),
    ([("  - id: q-x\n", "  - id: Q X!\n")], [f"3: q 'Q X!': {BAD_ID}"]),
    ([("  - id: q-x\n    type: numeric\n", "  - type: numeric\n    idd: q-x\n")], [f"3: q '?': {BAD_ID}", "3: q '?': missing required key 'id'", "4: q '?': unknown key 'idd' (did you mean 'id'?)"]),
    ([("  - id: q-x\n", "  - id: Q X!\n"), ("    difficulty: 2\n", "    difficulty: 9\n")], [f"3: q 'Q X!': {BAD_ID}", "5: q 'Q X!': difficulty: must be an integer 1-5, not 9"]),
])
def test_question_id_errors(root, replacements, expected):
    bank, issues, shown = load(root, edit(QUESTION, *replacements))
    assert issues == [f"{shown}:{e}" for e in expected]


@pytest.mark.parametrize("bad", ["  - type: numeric\n    id: 12\n", "  - id: Q X!\n    type: numeric\n"])
def test_a_question_with_an_invalid_id_is_not_loaded(root, bad):
    bank, issues, _ = load(root, edit(QUESTION, ("  - id: q-x\n    type: numeric\n", bad)))
    assert len(issues) == 1 and bank.questions == []


def test_a_question_that_is_not_a_mapping_is_a_file_issue(root):
    bank, issues, shown = load(root, "skill: t.basics\nquestions:\n  - {id: q-ok}\n  - just text\n")
    assert issues[-1] == f"{shown}:4: every question must be a mapping"
    assert (bank.issues[-1].kind, bank.issues[-1].item_id) == ("file", None)


@pytest.mark.parametrize("replacements, key, value", [
    ([more("skills: [t.math, t.basics, t.math]")], "skills", ["t.math", "t.basics"]),
    ([more("tolerance: 0.5", "unit: cm", "feedback: Count them.")], "tolerance", {"kind": "abs", "value": 0.5}),
    ([more("tolerance: 0x1F")], "tolerance", {"kind": "abs", "value": 31.0}),
    ([more("tolerance: '2 %'")], "tolerance", {"kind": "rel", "value": 2.0}),
    ([("    answer: 4\n", "    answer: 1_000\n")], "answer", 1000.0),
    ([more("reviewed: 2026-11-01")], "reviewed", "2026-11-01"),
    ([more("reviewed: '2026-11-02'")], "reviewed", "2026-11-02"),
    ([more("check: {python: '2 + 2'}", "requires: numpy>=1.26")], "check", {"python": "2 + 2"}),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    answers: [four, 4, '4.0']\n    case_sensitive: false\n")], "answers", ["four", "4", "4.0"]),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^fo+ur$'\n    case_sensitive: true\n")], "pattern", "^fo+ur$"),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^fo+ur$'\n    example: ' FOOUR '\n")], "example", "FOOUR"),
    ([("    type: numeric\n", "    type: short\n"), ("    answer: 4\n", "    pattern: '^(\\d+)$'\n    example: 42\n")], "example", "42"),
    ([("    type: numeric\n", "    type: true_false\n"), ("    answer: 4\n", "    answer: false\n    feedback: It is.\n")], "answer", False),
    ([("    type: numeric\n", "    type: true_false\n"), ("    answer: 4\n", "    answer: true\n")], "answer", True),
])
def test_a_valid_question_is_stored_as_written(root, replacements, key, value):
    bank, issues, shown = load(root, edit(QUESTION, *replacements))
    assert issues == []
    [question] = bank.questions
    assert question.definition[key] == value
    assert (question.id, question.path, question.line, question.difficulty) == ("q-x", shown, 3, 2)
    assert question.content_hash == content_hash(question.definition)


def test_a_valid_question_keeps_every_field(root):
    bank, issues, shown = load(root, edit(QUESTION, more("tolerance: 1%", "unit: cm", "feedback: F.", "requires: numpy",
                                                         "check: {python: '4'}", "reviewed: 2026-11-01")))
    assert issues == []
    definition = {"type": "numeric", "difficulty": 2, "skills": ["t.basics"], "prompt": "How many?", "explanation": "E.",
                  "references": ["https://example.org"], "answer": 4.0, "tolerance": {"kind": "rel", "value": 1.0},
                  "unit": "cm", "feedback": "F.", "check": {"python": "4"}, "requires": "numpy", "reviewed": "2026-11-01"}
    assert bank.questions == [QuestionDef("q-x", shown, 3, "numeric", 2, ("t.basics",), definition, content_hash(definition))]


def test_content_hash_is_the_sha256_of_sorted_compact_unescaped_json():
    """Stored versions are compared by this hash: its canonical form must never drift."""
    canonical = '{"a":[1,2.5],"b":"é","c":{"x":null,"y":true}}'
    assert content_hash({"c": {"y": True, "x": None}, "b": "é", "a": [1, 2.5]}) == \
        hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- parameterised questions (_check_params) -------------------------------------------------------------

PARAM = """\
skill: t.basics
questions:
  - id: q-p
    type: numeric
    difficulty: 2
    prompt: Double {{n}}?
    explanation: E.
    references: [https://example.org]
    check: {python: n * 2}
    params:
      n: [1, 2]
"""
NEEDS_CHECK = "params: a parameterised question needs `check: {python: ...}` to compute its keys"
SHOW = "prompt: a parameterised question must show its parameters with {{name}}"


def values(n: int) -> str:
    return "[" + ", ".join(str(v) for v in range(n)) + "]"


@pytest.mark.parametrize("replacements, expected", [
    ([("    type: numeric\n", "    type: true_false\n")], ["10: q 'q-p': params: only numeric and short questions can be parameterised"]),
    ([("    type: numeric\n", "    type: single\n")], ["3: q 'q-p': missing required key 'choices'", "10: q 'q-p': params: only numeric and short questions can be parameterised"]),
    ([("    params:\n", "    answer: 3\n    params:\n")], ["10: q 'q-p': unknown key 'answer'", "10: q 'q-p': answer: a parameterised question has no fixed key; `check` computes it"]),
    ([("    type: numeric\n", "    type: short\n"), ("    params:\n", "    example: x\n    params:\n")], ["10: q 'q-p': example: only a question keyed by a pattern alone needs one (the review shows the listed answers)"]),
    ([("    type: numeric\n", "    type: short\n"), ("    params:\n", "    answers: [x]\n    pattern: x\n    params:\n")], ["10: q 'q-p': answers: a parameterised question has no fixed key; `check` computes it", "11: q 'q-p': pattern: a parameterised question has no fixed key; `check` computes it"]),
    ([("    check: {python: n * 2}\n", "    requires: numpy\n")], [f"10: q 'q-p': {NEEDS_CHECK}"]),
    ([("    check: {python: n * 2}\n", "    check: {code: n * 2}\n")], ["9: q 'q-p': missing required key 'python'", "9: q 'q-p': unknown key 'code'", f"10: q 'q-p': {NEEDS_CHECK}"]),
    ([("    check: {python: n * 2}\n", "    check: {python: 3}\n")], ["9: q 'q-p': check: 'python' must be code"]),
    ([("    check: {python: n * 2}\n", "    check: [0]\n")], ["9: q 'q-p': check: must be a mapping like {python: '1 + 1'}", f"10: q 'q-p': {NEEDS_CHECK}"]),
    ([("    params:\n      n: [1, 2]\n", "    params: {}\n")], ["10: q 'q-p': params: must map names to lists of values"]),
    ([("    params:\n      n: [1, 2]\n", "    params: [1, 2]\n")], ["10: q 'q-p': params: must map names to lists of values"]),
    ([("    params:\n      n: [1, 2]\n", "    params:\n")], ["10: q 'q-p': params: must map names to lists of values"]),
    ([("    check: {python: n * 2}\n", "    requires: numpy\n"), ("      n: [1, 2]\n", "")], [f"10: q 'q-p': {NEEDS_CHECK}", "10: q 'q-p': params: must map names to lists of values"]),
    ([("      n: [1, 2]\n", "      N: [1, 2]\n"), ("{{n}}", "{{N}}")], ["11: q 'q-p': params: 'N' is not a valid name (lowercase identifier)"]),
    ([("      n: [1, 2]\n", "      1: [1, 2]\n")], ["11: q 'q-p': params: 1 is not a valid name (lowercase identifier)", "10: q 'q-p': params: slot {{n}} is not declared"]),
    ([("      n: [1, 2]\n", "      n: 3\n")], ["11: q 'q-p': params: 'n' needs a non-empty list of numbers or texts"]),
    ([("      n: [1, 2]\n", "      n: []\n      m: [1]\n")], ["11: q 'q-p': params: 'n' needs a non-empty list of numbers or texts"]),
    ([("      n: [1, 2]\n", "      m: [1, 2]\n      n: [true, 1]\n")], ["12: q 'q-p': params: 'n' needs a non-empty list of numbers or texts"]),
    ([("      n: [1, 2]\n", "      n: [[1], 2]\n")], ["11: q 'q-p': params: 'n' needs a non-empty list of numbers or texts"]),
    ([("      n: [1, 2]\n", "      n: [~, 2]\n")], ["11: q 'q-p': params: 'n' needs a non-empty list of numbers or texts"]),
    ([("      n: [1, 2]\n", "      n:\n        - 1\n        - 010\n        - .nan\n")], ["13: q 'q-p': params: 'n': 010 is read by YAML as 8 (octal, for the leading 0); write the number in plain decimal", "14: q 'q-p': params: 'n': .nan is not a finite number"]),
    ([("      n: [1, 2]\n", "      n: [1, 1]\n")], ["11: q 'q-p': params: 'n' lists a value twice"]),
    ([("      n: [1, 2]\n", "      n: [a, b, a]\n")], ["11: q 'q-p': params: 'n' lists a value twice"]),
    ([("      n: [1, 2]\n", "      n: [1]\n")], [f"10: q 'q-p': params: 1 combinations; use 2-{MAX_PARAM_COMBINATIONS}"]),
    ([("      n: [1, 2]\n", f"      n: {values(MAX_PARAM_COMBINATIONS + 1)}\n")], [f"10: q 'q-p': params: {MAX_PARAM_COMBINATIONS + 1} combinations; use 2-{MAX_PARAM_COMBINATIONS}"]),
    ([("      n: [1, 2]\n", f"      n: [1, 2]\n      m: {values(MAX_PARAM_COMBINATIONS // 2 + 1)}\n")], [f"10: q 'q-p': params: {2 * (MAX_PARAM_COMBINATIONS // 2 + 1)} combinations; use 2-{MAX_PARAM_COMBINATIONS}"]),
    ([("Double {{n}}?", "Double {{n}} and {{k}}?")], ["10: q 'q-p': params: slot {{k}} is not declared"]),
    ([("    explanation: E.\n", "    explanation: E {{ k }}.\n")], ["10: q 'q-p': params: slot {{k}} is not declared"]),
    ([("    check: {python: n * 2}\n", "    check: {python: '{{k}} * 2'}\n")], ["10: q 'q-p': params: slot {{k}} is not declared"]),
    ([("    params:\n", "    feedback: F {{k}} {{j}}.\n    params:\n")], ["11: q 'q-p': params: slot {{k}} is not declared", "11: q 'q-p': params: slot {{j}} is not declared"]),
    ([("Double {{n}}?", "Double it?")], [f"6: q 'q-p': {SHOW}"]),
    ([("    prompt: Double {{n}}?\n", "    prompt: 42\n")], ["6: q 'q-p': prompt: must be non-empty text", f"6: q 'q-p': {SHOW}"]),
    ([("    prompt: Double {{n}}?\n", "    prompt: ''\n")], ["6: q 'q-p': prompt: must be non-empty text", f"6: q 'q-p': {SHOW}"]),
])
def test_params_errors(root, replacements, expected):
    assert_refused(root, edit(PARAM, *replacements), expected)


@pytest.mark.parametrize("replacements, params", [
    ([], {"n": [1, 2]}),
    ([("      n: [1, 2]\n", f"      n: {values(MAX_PARAM_COMBINATIONS)}\n")], {"n": list(range(MAX_PARAM_COMBINATIONS))}),
    ([("      n: [1, 2]\n", "      n: [1, '1', 1.5]\n      unit_name: [cm, m]\n")], {"n": [1, "1", 1.5], "unit_name": ["cm", "m"]}),
    ([("    type: numeric\n", "    type: short\n")], {"n": [1, 2]}),
])
def test_params_are_stored(root, replacements, params):
    bank, issues, _ = load(root, edit(PARAM, *replacements))
    assert issues == []
    assert bank.questions[0].definition["params"] == params


# --- catalogue files ---------------------------------------------------------------------------------------

SKILL_FILE = """\
skills:
  - id: t.basics
    name: Basics
    area: python
  - id: t.math
    name: Maths
    area: math
    prerequisites: [t.basics]
"""
AREA_LIST = ", ".join(AREAS)


@pytest.mark.parametrize("replacements, expected, kept", [
    ([("  - id: t.basics\n", "  - id: Basics\n")], ["2: skill 'Basics': id: a skill id looks like 'area.name' (lowercase, digits, '_')", "5: skill 't.math': prerequisites: unknown skill 't.basics'"], ['t.math']),
    ([("  - id: t.basics\n    name: Basics\n", "  - name: Basics\n    idd: t.basics\n")], ["2: skill 'None': id: a skill id looks like 'area.name' (lowercase, digits, '_')", "5: skill 't.math': prerequisites: unknown skill 't.basics'"], ['t.math']),
    ([("    name: Basics\n", "    name: Basics\n    colour: red\n")], ["4: skill 't.basics': unknown key 'colour'"], ['t.basics', 't.math']),
    ([("    name: Basics\n", "    nam: Basics\n")], ["2: skill 't.basics': missing required key 'name'", "3: skill 't.basics': unknown key 'nam' (did you mean 'name'?)", "5: skill 't.math': prerequisites: unknown skill 't.basics'"], ['t.math']),
    ([("  - id: t.math\n", "  - id: t.basics\n")], ["5: skill 't.basics': duplicate skill id (first defined on line 2)"], ['t.basics']),
    # the line of the id itself when it is not the entry's first key
    ([("  - id: t.basics\n    name: Basics\n", "  - name: Basics\n    id: Basics\n")], ["3: skill 'Basics': id: a skill id looks like 'area.name' (lowercase, digits, '_')", "5: skill 't.math': prerequisites: unknown skill 't.basics'"], ['t.math']),
    # a duplicate is left out, and the skills after it still load
    ([("  - id: t.math\n", "  - id: t.basics\n"), ("    prerequisites: [t.basics]\n", "    prerequisites: [t.basics]\n  - id: t.other\n    name: Other\n    area: math\n")], ["5: skill 't.basics': duplicate skill id (first defined on line 2)"], ['t.basics', 't.other']),
    ([("    area: python\n", "    area: pythn\n")], [f"4: skill 't.basics': area: must be one of {AREA_LIST}", "5: skill 't.math': prerequisites: unknown skill 't.basics'"], ['t.math']),
    ([("    prerequisites: [t.basics]\n", "    prerequisites: t.basics\n")], ["8: skill 't.math': prerequisites: must be a list of skill ids"], ['t.basics', 't.math']),
    ([("    prerequisites: [t.basics]\n", "    prerequisites: [t.basics, 3]\n")], ["8: skill 't.math': prerequisites: must be a list of skill ids"], ['t.basics', 't.math']),
    ([("    prerequisites: [t.basics]\n", "    prerequisites: [t.nope, t.basics]\n")], ["5: skill 't.math': prerequisites: unknown skill 't.nope'"], ['t.basics', 't.math']),
    ([("    area: python\n", "    area: python\n    prerequisites: [t.math]\n")], ["2: skill 't.basics': prerequisites form a cycle: t.basics -> t.math -> t.basics"], ['t.basics', 't.math']),
    ([("    area: python\n", "    area: python\n    prerequisites: [t.basics]\n")], ["2: skill 't.basics': prerequisites form a cycle: t.basics -> t.basics"], ['t.basics', 't.math']),
    ([("  - id: t.basics\n    name: Basics\n    area: python\n", "  - just text\n")], ["2: every entry of 'skills' must be a mapping", "3: skill 't.math': prerequisites: unknown skill 't.basics'"], ['t.math']),
    ([("skills:\n", "skill:\n")], ["1: missing required key 'skills'", "1: unknown key 'skill' (did you mean 'skills'?)"], []),
    ([("skills:\n", "skills: 3\nother:\n")], ["2: unknown key 'other'", "1: 'skills' must be a list"], []),
])
def test_skills_file_errors(root, replacements, expected, kept):
    """`kept`: the skills loaded all the same (an issue anywhere still stops the import)."""
    bank, issues, shown = load(root, edit(SKILL_FILE, *replacements), "skills.yaml")
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [s["id"] for s in bank.skills] == kept


def test_a_skills_file_that_is_not_a_mapping(root):
    bank, issues, shown = load(root, "- t.basics\n", "skills.yaml")
    assert issues == [f"{shown}:1: expected a mapping with a 'skills' list at the top"] and bank.skills == []


@pytest.mark.parametrize("name", ["skills.yaml", "roles.yaml", "courses.yaml", "projects.yaml", "assessments.yaml"])
def test_a_catalogue_file_that_cannot_be_read_as_yaml(root, name):
    bank, issues, shown = load(root, f"# the {name}\n{name[:-5]}: [\n  {{id: x}}\n", name)
    assert issues[-1] == f"{shown}:2: YAML syntax error: while parsing a flow sequence expected ',' or ']', but got '<stream end>'; " \
                         "what opens at line 2 is never closed (the file ends inside it)"


def test_skills_are_stored(root):
    bank, issues, shown = load(root, edit(SKILL_FILE, ("    area: math\n", "    area: math\n    description: Numbers.\n")),
                               "skills.yaml")
    assert issues == []
    assert bank.skills == [
        {"id": "t.basics", "name": "Basics", "area": "python", "prerequisites": [], "description": "", "line": 2, "path": shown},
        {"id": "t.math", "name": "Maths", "area": "math", "prerequisites": ["t.basics"], "description": "Numbers.", "line": 5,
         "path": shown}]


def test_a_skill_with_an_empty_name_is_reported(root):
    bank, issues, shown = load(root, edit(SKILL_FILE, ("    name: Maths\n", "    name: ''\n")), "skills.yaml")
    assert [s["id"] for s in bank.skills] == ["t.basics"]  # the skill is left out ...
    assert issues == [f"{shown}:6: skill 't.math': name: must be non-empty text"]  # ... and told why, at its line


ROLE_FILE = """\
roles:
  - id: r-eng
    name: Engineer
    targets:
      t.basics: 3
      t.math: {level: 2, weight: 2, mastery_p: 0.6}
"""


@pytest.mark.parametrize("replacements, expected, kept", [
    ([("  - id: r-eng\n", "  - id: R Eng\n")], ["2: role 'R Eng': id: missing or invalid"], []),
    ([("  - id: r-eng\n", "  - idd: r-eng\n")], ["2: role 'None': id: missing or invalid"], []),
    ([("  - id: r-eng\n", "  - name: X\n    id: R Eng\n  - id: r-eng\n")], ["3: role 'R Eng': id: missing or invalid"], ['r-eng']),
    ([("    name: Engineer\n", "    nme: Engineer\n")], ["2: role 'r-eng': missing required key 'name'", "3: role 'r-eng': unknown key 'nme' (did you mean 'name'?)"], []),
    ([("      t.math: {level: 2, weight: 2, mastery_p: 0.6}\n", "  - {id: r-eng, name: Again, targets: {t.math: 1}}\n")], ["6: role 'r-eng': duplicate role id"], ['r-eng']),
    ([("    targets:\n      t.basics: 3\n      t.math: {level: 2, weight: 2, mastery_p: 0.6}\n", "    targets: {}\n")], ["4: role 'r-eng': targets: must map skill ids to a level 1-5"], []),
    ([("    targets:\n      t.basics: 3\n      t.math: {level: 2, weight: 2, mastery_p: 0.6}\n", "    targets: [t.basics]\n")], ["4: role 'r-eng': targets: must map skill ids to a level 1-5"], []),
    ([("      t.basics: 3\n", "      t.nope: 3\n")], ["5: role 'r-eng': targets: unknown skill 't.nope'"], []),
    ([("      t.basics: 3\n", "      t.basics: high\n")], ["5: role 'r-eng': targets: 't.basics' needs a level 1-5 or {level, weight, mastery_p}"], []),
    ([("      t.basics: 3\n", "      t.basics: true\n")], ["5: role 'r-eng': targets: 't.basics' needs a level 1-5 or {level, weight, mastery_p}"], []),
    ([("      t.basics: 3\n", "      t.basics: 9\n")], ["5: role 'r-eng': targets: level of 't.basics' must be 1-5"], []),
    ([("      t.basics: 3\n", "      t.basics: 0\n")], ["5: role 'r-eng': targets: level of 't.basics' must be 1-5"], []),
    ([("{level: 2, weight: 2", "{level: true, weight: 2")], ["6: role 'r-eng': targets: level of 't.math' must be 1-5"], []),
    ([("{level: 2, weight: 2", "{weight: 2")], ["6: role 'r-eng': missing required key 'level'", "6: role 'r-eng': targets: level of 't.math' must be 1-5"], []),
    ([("weight: 2,", "weigth: 2,")], ["6: role 'r-eng': unknown key 'weigth' (did you mean 'weight'?)"], []),
    ([("weight: 2,", "weight: 0,")], ["6: role 'r-eng': targets: weight of 't.math' must be a positive number"], []),
    ([("weight: 2,", "weight: heavy,")], ["6: role 'r-eng': targets: weight of 't.math' must be a positive number"], []),
    ([("mastery_p: 0.6", "mastery_p: 1")], ["6: role 'r-eng': targets: mastery_p of 't.math' must be between 0 and 1"], []),
    ([("mastery_p: 0.6", "mastery_p: 0")], ["6: role 'r-eng': targets: mastery_p of 't.math' must be between 0 and 1"], []),
    ([("mastery_p: 0.6", "mastery_p: half")], ["6: role 'r-eng': targets: mastery_p of 't.math' must be between 0 and 1"], []),
    ([("      t.basics: 3\n", "      t.basics: 9\n      t.nope: 1\n")], ["5: role 'r-eng': targets: level of 't.basics' must be 1-5", "6: role 'r-eng': targets: unknown skill 't.nope'"], []),
    ([("      t.basics: 3\n", "      t.nope: 1\n      t.basics: 9\n")], ["5: role 'r-eng': targets: unknown skill 't.nope'", "6: role 'r-eng': targets: level of 't.basics' must be 1-5"], []),
    ([("  - id: r-eng\n", "  - 3\n  - id: r-eng\n")], ["2: every entry of 'roles' must be a mapping"], ['r-eng']),
])
def test_roles_file_errors(root, replacements, expected, kept):
    bank, issues, shown = load(root, edit(ROLE_FILE, *replacements), "roles.yaml")
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [r["id"] for r in bank.roles] == kept


def test_roles_are_stored(root):
    bank, issues, _ = load(root, ROLE_FILE.replace("    name: Engineer\n", "    name: Engineer\n    description: Builds.\n"),
                           "roles.yaml")
    assert issues == []
    assert bank.roles == [{"id": "r-eng", "name": "Engineer", "description": "Builds.", "line": 2, "targets": {
        "t.basics": {"level": 3, "weight": 1.0, "mastery_p": 0.5}, "t.math": {"level": 2, "weight": 2.0, "mastery_p": 0.6}}}]


COURSE_FILE = """\
courses:
  - id: c-intro
    title: Intro
    provider: Uni
    url: https://example.org/intro
    skills: [t.basics]
    level: beginner
    hours: 10
    cost: free
"""
PROJECT_FILE = """\
projects:
  - id: p-app
    title: App
    description: Build it.
    skills: [t.basics]
    level: beginner
    hours: 10
    url: https://example.org/app
"""


@pytest.mark.parametrize("replacements, expected, kept", [
    ([("  - id: c-intro\n", "  - id: C Intro\n")], ["2: course 'C Intro': id: missing or invalid"], []),
    ([("  - id: c-intro\n", "  - title: X\n    id: C Intro\n  - id: c-intro\n")], ["3: course 'C Intro': id: missing or invalid"], ['c-intro']),
    ([("    cost: free\n", "    cost: free\n  - {id: c-intro, title: T, provider: P, url: 'https://x.org', skills: [t.math], level: advanced, hours: 1, cost: paid}\n")], ["10: course 'c-intro': duplicate course id"], ['c-intro']),
    ([("    cost: free\n", "    costs: free\n")], ["2: course 'c-intro': missing required key 'cost'", "9: course 'c-intro': unknown key 'costs' (did you mean 'cost'?)"], []),
    ([("    title: Intro\n", "    title: ''\n")], ["3: course 'c-intro': title: must be non-empty text"], []),
    ([("    provider: Uni\n", "    provider: 3\n")], ["4: course 'c-intro': provider: must be non-empty text"], []),
    ([("    url: https://example.org/intro\n", "    url: ftp://example.org\n")], ["5: course 'c-intro': url: must be an http(s) URL"], []),
    ([("    url: https://example.org/intro\n", "    url: [https://example.org]\n")], ["5: course 'c-intro': url: must be an http(s) URL"], []),
    ([("    skills: [t.basics]\n", "    skills: []\n")], ["6: course 'c-intro': skills: must be a non-empty list of skill ids"], []),
    ([("    skills: [t.basics]\n", "    skills: [t.basic, zz.top]\n")], ["6: course 'c-intro': skills: unknown skill 't.basic' (did you mean 't.basics'?)", "6: course 'c-intro': skills: unknown skill 'zz.top'"], []),
    ([("    level: beginner\n", "    level: expert\n")], ["7: course 'c-intro': level: must be one of beginner, intermediate, advanced"], []),
    ([("    cost: free\n", "    cost: cheap\n")], ["9: course 'c-intro': cost: must be one of free, free-audit, paid"], []),
    ([("    cost: free\n", "    cost: free\n    format: podcast\n")], ["10: course 'c-intro': format: must be one of course, book, video, tutorial, documentation, practice"], []),
    ([("    hours: 10\n", "    hours: 0\n")], ["8: course 'c-intro': hours: must be a positive number"], []),
    ([("    hours: 10\n", "    hours: ten\n")], ["8: course 'c-intro': hours: must be a positive number"], []),
])
def test_courses_file_errors(root, replacements, expected, kept):
    bank, issues, shown = load(root, edit(COURSE_FILE, *replacements), "courses.yaml")
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [c["id"] for c in bank.courses] == kept


def test_courses_are_stored(root):
    bank, issues, _ = load(root, COURSE_FILE + "    format: book\n    description: Read it.\n"
                           "  - {id: c-two, title: T, provider: P, url: 'http://x.org', skills: [t.math], level: advanced, "
                           "hours: 1.5, cost: paid}\n", "courses.yaml")
    assert issues == []
    assert bank.courses == [
        {"id": "c-intro", "title": "Intro", "provider": "Uni", "url": "https://example.org/intro", "skills": ["t.basics"],
         "level": "beginner", "hours": 10.0, "cost": "free", "format": "book", "description": "Read it.", "line": 2},
        {"id": "c-two", "title": "T", "provider": "P", "url": "http://x.org", "skills": ["t.math"], "level": "advanced",
         "hours": 1.5, "cost": "paid", "format": "course", "description": "", "line": 12}]


@pytest.mark.parametrize("replacements, expected, kept", [
    ([("  - id: p-app\n", "  - id: 7\n")], ["2: project '7': id: missing or invalid"], []),
    ([("  - id: p-app\n", "  - title: X\n    id: P\n  - id: p-app\n")], ["3: project 'P': id: missing or invalid"], ['p-app']),
    ([("    url: https://example.org/app\n", "  - {id: p-app, title: T, description: D, skills: [t.math], level: advanced, hours: 1}\n")], ["8: project 'p-app': duplicate project id"], ['p-app']),
    ([("    hours: 10\n", "    hour: 10\n")], ["2: project 'p-app': missing required key 'hours'", "7: project 'p-app': unknown key 'hour' (did you mean 'hours'?)"], []),
    ([("    title: App\n", "    title: ' '\n")], ["3: project 'p-app': title: must be non-empty text"], []),
    ([("    description: Build it.\n", "    description: [a]\n")], ["4: project 'p-app': description: must be non-empty text"], []),
    ([("    skills: [t.basics]\n", "    skills: t.basics\n")], ["5: project 'p-app': skills: must be a non-empty list of skill ids"], []),
    ([("    skills: [t.basics]\n", "    skills: [t.mat]\n")], ["5: project 'p-app': skills: unknown skill 't.mat' (did you mean 't.math'?)"], []),
    ([("    level: beginner\n", "    level: easy\n")], ["6: project 'p-app': level: must be one of beginner, intermediate, advanced"], []),
    ([("    hours: 10\n", "    hours: -1\n")], ["7: project 'p-app': hours: must be a positive number"], []),
    ([("    hours: 10\n", "    hours: 0\n")], ["7: project 'p-app': hours: must be a positive number"], []),
    ([("    hours: 10\n", "    hours: .inf\n")], ["7: project 'p-app': hours: must be a positive number"], []),
    ([("    url: https://example.org/app\n", "    url: example.org\n")], ["8: project 'p-app': url: must be an http(s) URL"], []),
])
def test_projects_file_errors(root, replacements, expected, kept):
    bank, issues, shown = load(root, edit(PROJECT_FILE, *replacements), "projects.yaml")
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [p["id"] for p in bank.projects] == kept


def test_projects_are_stored(root):
    bank, issues, _ = load(root, PROJECT_FILE + "  - {id: p-two, title: T, description: D, skills: [t.math], level: advanced, "
                           "hours: 2}\n", "projects.yaml")
    assert issues == []
    assert bank.projects == [
        {"id": "p-app", "title": "App", "description": "Build it.", "skills": ["t.basics"], "level": "beginner",
         "hours": 10.0, "url": "https://example.org/app", "line": 2},
        {"id": "p-two", "title": "T", "description": "D", "skills": ["t.math"], "level": "advanced", "hours": 2.0,
         "url": "", "line": 9}]


ASSESSMENT_FILE = """\
assessments:
  - id: a-all
    name: All
    role: r-eng
    questions: 10
    mode: assessment
    skills: all
"""


@pytest.mark.parametrize("replacements, expected, kept", [
    ([("  - id: a-all\n", "  - id: A\n")], ["2: assessment 'A': id: missing or invalid"], []),
    ([("  - id: a-all\n", "  - name: X\n    id: A\n  - id: a-all\n")], ["3: assessment 'A': id: missing or invalid"], ['a-all']),
    ([("    skills: all\n", "    skills: all\n  - {id: a-all, name: B, role: r-eng, questions: 5, mode: practice, areas: [math]}\n")], ["8: assessment 'a-all': duplicate assessment id"], ['a-all']),
    ([("    name: All\n", "    title: All\n")], ["2: assessment 'a-all': missing required key 'name'", "3: assessment 'a-all': unknown key 'title'"], []),
    ([("    role: r-eng\n", "    role: r-nobody\n")], ["4: assessment 'a-all': role: unknown role 'r-nobody'"], []),
    ([("    role: r-eng\n", "    role: [r-eng]\n")], ["4: assessment 'a-all': role: unknown role '['r-eng']'"], []),
    ([("    mode: assessment\n", "    mode: exam\n")], ["6: assessment 'a-all': mode: must be one of assessment, practice, adaptive"], []),
    ([("    questions: 10\n", "    questions: 0\n")], ["5: assessment 'a-all': questions: must be a whole number 1-200"], []),
    ([("    questions: 10\n", "    questions: 201\n")], ["5: assessment 'a-all': questions: must be a whole number 1-200"], []),
    ([("    questions: 10\n", "    questions: true\n")], ["5: assessment 'a-all': questions: must be a whole number 1-200"], []),
    ([("    questions: 10\n", "    questions: 2.5\n")], ["5: assessment 'a-all': questions: must be a whole number 1-200"], []),
    ([("    skills: all\n", "    skills: all\n    time_limit: 0\n")], ["8: assessment 'a-all': time_limit: minutes, a whole number 1-600"], []),
    ([("    skills: all\n", "    skills: all\n    time_limit: 601\n")], ["8: assessment 'a-all': time_limit: minutes, a whole number 1-600"], []),
    ([("    skills: all\n", "    skills: all\n    time_limit: true\n")], ["8: assessment 'a-all': time_limit: minutes, a whole number 1-600"], []),
    ([("    skills: all\n", "    skills: all\n    time_limit: '30'\n")], ["8: assessment 'a-all': time_limit: minutes, a whole number 1-600"], []),
    ([("    skills: all\n", "    skills: all\n    areas: [math]\n")], ["2: assessment 'a-all': give exactly one of 'skills' (a list, or 'all') and 'areas'"], []),
    ([("    skills: all\n", "")], ["2: assessment 'a-all': give exactly one of 'skills' (a list, or 'all') and 'areas'"], []),
    ([("    skills: all\n", "    skills: some\n")], ["7: assessment 'a-all': skills: must be a non-empty list of skill ids"], []),
    ([("    skills: all\n", "    skills: [t.nope]\n")], ["7: assessment 'a-all': skills: unknown skill 't.nope'"], []),
    ([("    skills: all\n", "    areas: [cooking]\n")], [f"7: assessment 'a-all': areas: must be a list drawn from {AREA_LIST}"], []),
    ([("    skills: all\n", "    areas: []\n")], [f"7: assessment 'a-all': areas: must be a list drawn from {AREA_LIST}"], []),
    ([("    skills: all\n", "    areas: math\n")], [f"7: assessment 'a-all': areas: must be a list drawn from {AREA_LIST}"], []),
])
def test_assessments_file_errors(root, replacements, expected, kept):
    (root / "roles.yaml").write_text(ROLES, encoding="utf-8")
    bank, issues, shown = load(root, edit(ASSESSMENT_FILE, *replacements), "assessments.yaml")
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [a["id"] for a in bank.assessments] == kept


def test_assessments_are_stored(root):
    (root / "roles.yaml").write_text(ROLES, encoding="utf-8")
    bank, issues, _ = load(root, ASSESSMENT_FILE.replace("questions: 10", "questions: 1")
                           + "    time_limit: 600\n    description: Everything.\n"
                           "  - {id: a-math, name: M, role: r-eng, questions: 200, mode: adaptive, areas: [math], time_limit: 1}\n"
                           "  - {id: a-list, name: L, role: r-eng, questions: 3, mode: practice, skills: [t.math, t.basics]}\n",
                           "assessments.yaml")
    assert issues == []
    assert bank.assessments == [
        {"id": "a-all", "name": "All", "description": "Everything.", "role": "r-eng", "questions": 1, "mode": "assessment",
         "skills": ["t.basics", "t.math"], "time_limit": 600, "line": 2},
        {"id": "a-math", "name": "M", "description": "", "role": "r-eng", "questions": 200, "mode": "adaptive",
         "skills": ["t.math"], "time_limit": 1, "line": 10},
        {"id": "a-list", "name": "L", "description": "", "role": "r-eng", "questions": 3, "mode": "practice",
         "skills": ["t.math", "t.basics"], "time_limit": None, "line": 11}]


# --- YAML syntax (_syntax_issue, _LineLoader, _construct_mapping) ---------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("a: 1\nb: 'never closed\n\n  \n", ["2: YAML syntax error: the quote ' that opens at line 2 is never closed (the file ends inside it)"]),
    ('a: 1\nb: "never closed\nc: 2\n', ['2: YAML syntax error: the quote " that opens at line 2 is never closed (the file ends inside it)']),
    ("a: 1\nb: [x, y\n", ["2: YAML syntax error: while parsing a flow sequence expected ',' or ']', but got '<stream end>'; what opens at line 2 is never closed (the file ends inside it)"]),
    ("a: 1\nb: {x: 1\n\n", ["2: YAML syntax error: while parsing a flow mapping expected ',' or '}', but got '<stream end>'; what opens at line 2 is never closed (the file ends inside it)"]),
    ("a: 1\nb: [x, y\nc: 2\n", ["3: YAML syntax error: while parsing a flow sequence expected ',' or ']', but got ':'"]),
    ("a: 1\nb: c: d\n", ["2: YAML syntax error: mapping values are not allowed here"]),
    ("a: 1\n- b\n", ["2: YAML syntax error: while parsing a block mapping expected <block end>, but found '-'"]),
    ("a:\tb\n", ["1: YAML syntax error: while scanning for the next token found character '\\t' that cannot start any token"]),
    ("a: 1\nb: !!python/object:os.system x\n", ["2: YAML syntax error: could not determine a constructor for the tag 'tag:yaml.org,2002:python/object:os.system'"]),
    ("a: 1\nb: &x 2\nc: *x\n", ["3: YAML syntax error: anchors and aliases (*name) are not allowed in question files"]),
    ("a: 1\n? [x]\n: 2\n", ["2: YAML syntax error: mapping keys must be plain scalars"]),
    ("a: 1\n~: 2\n", ["2: YAML syntax error: mapping keys must be plain scalars"]),
    ("a: 1\nb: 2026-02-30\n", ["2: YAML syntax error: '2026-02-30' is not a valid date (day is out of range for month)"]),
])
def test_yaml_syntax_errors(tmp_path, text, expected):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    issues = []
    assert parse_yaml(path, issues) is None
    assert [str(i) for i in issues] == [f"{display_path(path)}:{e}" for e in expected]


def test_a_control_character_is_refused_at_its_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a: 1\nb: \x05\n", encoding="utf-8")
    issues = []
    assert parse_yaml(path, issues) is None
    [issue] = [str(i) for i in issues]
    assert issue.startswith(f"{display_path(path)}:2: character ")
    assert issue.endswith(" is not allowed in YAML (control characters and NUL are refused); remove it")


def test_a_control_character_is_named_unambiguously(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a: 1\nb: \x05\n", encoding="utf-8")
    issues = []
    parse_yaml(path, issues)
    [issue] = [str(i) for i in issues]
    assert "character 5 " not in issue and ("\\x05" in issue or "U+0005" in issue), issue


@pytest.mark.parametrize("text", ["a: 1\nb: [x, y,\n", "a: 1\nb: {x: 1,\n", "a: 1\nb: [\n"])
def test_a_flow_collection_left_open_after_a_comma_points_where_it_opens(tmp_path, text):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    issues = []
    parse_yaml(path, issues)
    [issue] = [str(i) for i in issues]
    assert issue.startswith(f"{display_path(path)}:2: YAML syntax error:") and "opens at line 2 " in issue, issue


def test_tagged_and_flow_values_load_as_yaml_says(tmp_path):
    """The pure-Python path (a tag makes the fast path decline) builds what a SafeLoader builds."""
    path = tmp_path / "t.yaml"
    path.write_text("a: !!str 1\nb: !!set {x: null}\nc: !!omap [{k: [1, {m: 2}]}]\nd: [[1, 2], {e: 3}]\n", encoding="utf-8")
    issues = []
    data = parse_yaml(path, issues)
    assert issues == []
    assert data == {"a": "1", "b": {"x"}, "c": [("k", [1, {"m": 2}])], "d": [[1, 2], {"e": 3}]}
    assert (data.line, data.key_lines, data["d"].item_lines, data["d"][1].key_lines) == (1, {"a": 1, "b": 2, "c": 3, "d": 4}, [4, 4], {"e": 4})


# --- the limits of one file, at the limit and one over ------------------------------------------------------

def parsed(tmp_path, text: str, budget: ParseBudget | None = None):
    """parse_yaml of text: (data, the issues as "line: message" without the path)."""
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return parsed_path(path, budget)


def parsed_path(path, budget: ParseBudget | None = None):
    """parse_yaml of a file: (data, the issues as "line: message" without the path)."""
    issues = []
    data = parse_yaml(path, issues, budget)
    prefix = f"{display_path(path)}:"
    assert all(str(i).startswith(prefix) for i in issues)
    return data, [str(i)[len(prefix):] for i in issues]


def nested(depth: int) -> str:
    """A mapping (level 1) whose list (level 2) holds a scalar, then lists nested down to level `depth`."""
    inner = depth - 2
    return "x: 0\ny: [a, " + "[" * inner + "]" * inner + "]\n"


@pytest.mark.parametrize("tab", ["", "# a tab\there makes the pure-Python parser decide\n"])
def test_nesting_at_the_depth_limit_loads_and_one_level_more_is_refused(tmp_path, tab):
    data, issues = parsed(tmp_path, tab + nested(MAX_DEPTH))
    assert issues == [] and data["y"][0] == "a"
    line = 3 if tab else 2
    assert parsed(tmp_path, tab + nested(MAX_DEPTH + 1)) == (None, [f"{line}: YAML syntax error: nested more than {MAX_DEPTH} levels deep"])


@pytest.mark.parametrize("anchor", ["", "&x "])
def test_a_text_at_the_length_limit_loads_and_one_character_more_is_refused(tmp_path, anchor):
    """With an anchor on line 1 the fast path declines at once, and the pure-Python parser meets the long text."""
    data, issues = parsed(tmp_path, f"a: {anchor}1\nb: " + "x" * MAX_SCALAR_CHARS + "\n")
    assert issues == [] and len(data["b"]) == MAX_SCALAR_CHARS
    over = MAX_SCALAR_CHARS + 1
    assert parsed(tmp_path, f"a: {anchor}1\nb: " + "x" * over + "\n") == (
        None, [f"2: a text of {over:,} characters at line 2 (limit {MAX_SCALAR_CHARS:,}); shorten it or link to the material"])


def items(n_nodes: int, first: str = "x") -> str:
    """A block list of n_nodes YAML nodes (the list and n_nodes - 1 items, one a line), `first` on line 1."""
    return f"- {first}\n" + "- x\n" * (n_nodes - 2)


def test_a_file_at_the_node_limit_loads_and_one_node_more_is_refused(tmp_path):
    data, issues = parsed(tmp_path, items(MAX_NODES))
    assert issues == [] and len(data) == MAX_NODES - 1
    assert parsed(tmp_path, items(MAX_NODES + 1)) == (
        None, [f"{MAX_NODES}: too many YAML nodes (limit {MAX_NODES:,} per file) at line {MAX_NODES}; split the file"])


def test_the_pure_python_parser_reads_a_file_at_its_node_limit_and_not_one_node_more(tmp_path):
    """An anchor on line 1 sends a file to the pure-Python parser, which reads at most SLOW_PATH_MAX_NODES
    nodes, taken from the budget. Past them, the fast path's reason for declining stands, or in an upload
    whose budget ends there too, the line where it ran out."""
    budget = ParseBudget(SLOW_PATH_MAX_NODES, SLOW_PATH_MAX_NODES)
    data, issues = parsed(tmp_path, items(SLOW_PATH_MAX_NODES, "&a x"), budget)
    assert issues == [] and len(data) == SLOW_PATH_MAX_NODES - 1
    assert (budget.nodes, budget.slow_nodes) == (SLOW_PATH_MAX_NODES - 2, 0)  # the fast path read 2 nodes before the anchor
    assert parsed(tmp_path, items(SLOW_PATH_MAX_NODES + 1, "&a x")) == (None, [
        "1: YAML: anchors and aliases (*name) are not allowed in question files at line 1 "
        "(a file this large, or this many, may hold only plain YAML)"])
    budget = ParseBudget(SLOW_PATH_MAX_NODES, SLOW_PATH_MAX_NODES)
    assert parsed(tmp_path, items(SLOW_PATH_MAX_NODES + 1, "&a x"), budget) == (None, [
        f"{SLOW_PATH_MAX_NODES}: too many YAML nodes in one upload (limit {UPLOAD_MAX_NODES:,} in all its files) at line "
        f"{SLOW_PATH_MAX_NODES}; upload fewer files at a time"])


QUESTIONS_HEAD = "skill: t.basics\nquestions:\n"


def test_a_file_at_the_question_limit_is_checked_and_one_question_more_is_refused(root):
    bank, issues, shown = load(root, QUESTIONS_HEAD + "  - x\n" * MAX_QUESTIONS_PER_FILE)
    assert issues == [f"{shown}:{line}: every question must be a mapping" for line in range(3, 3 + MAX_QUESTIONS_PER_FILE)]
    over = MAX_QUESTIONS_PER_FILE + 1
    bank, issues, shown = load(root, QUESTIONS_HEAD + "  - x\n" * over)
    assert issues == [f"{shown}:3: questions: {over:,} questions; at most {MAX_QUESTIONS_PER_FILE} per file (split the file by topic)"]


@pytest.mark.parametrize("extra, collides", [(MAX_QUESTIONS_PER_FILE - 1, True), (MAX_QUESTIONS_PER_FILE, False)])
def test_an_id_is_checked_against_other_files_up_to_the_question_limit(root, extra, collides):
    """Validating one file reads the others for their ids only; a file over the limit is its own run's problem."""
    (root / "topics" / "other.yaml").write_text(QUESTIONS_HEAD + "  - {id: q-x}\n" + "  - x\n" * extra, encoding="utf-8")
    chosen = root / "topics" / "topic.yaml"
    chosen.write_text(QUESTION, encoding="utf-8")
    issues = [str(i) for i in load_bank(root, [chosen]).issues]
    other = display_path(root / "topics" / "other.yaml")
    assert issues == ([f"{display_path(chosen)}:3: q 'q-x': duplicate id (also at {other}:3)"] if collides else [])


# --- catalogue and questions after the split (mutation testing) ------------------------------------------

def test_a_question_file_that_is_not_a_mapping(root):
    assert_refused(root, "- x\n", ["1: expected a mapping with 'skill' and a 'questions' list at the top"])


@pytest.mark.parametrize("text, expected", [
    ("questions: []\nskill: [t.basics]\n", ["2: skill: must be a skill id"]),
    ("questions: []\nskill: t.nope\n", ["2: skill: unknown skill 't.nope'"]),
    ("skill: t.basics\nquestions: 3\n", ["2: questions: must be a list"]),
    ("skill: t.basics\n", ["1: missing required key 'questions'"]),
    ("skill: t.basics\ncolour: red\nquestions: []\n", ["2: unknown key 'colour'"]),
])
def test_a_question_file_s_own_keys(root, text, expected):
    """The file's keys, each at its own line, and its issues are the file's (no item)."""
    bank, issues, shown = load(root, text)
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [(i.kind, i.item_id) for i in bank.issues] == [("file", None)] * len(expected)


@pytest.mark.parametrize("name, text, expected", [
    ("skills.yaml", "colour: 1\nskills: 3\n", ["1: unknown key 'colour'", "2: 'skills' must be a list"]),
    ("roles.yaml", "roles: []\ncolour: red\n", ["2: unknown key 'colour'"]),
])
def test_a_catalogue_file_s_own_keys(root, name, text, expected):
    bank, issues, shown = load(root, text, name)
    assert issues == [f"{shown}:{e}" for e in expected]
    assert [(i.kind, i.item_id) for i in bank.issues] == [("file", None)] * len(expected)


def test_unknown_keys_are_reported_in_the_order_of_their_text(root):
    """Keys YAML reads as numbers sort as text among the others: '10' before '9' before 'colour'."""
    assert_refused(root, edit(QUESTION, more("9: a", "10: b", "colour: c")),
                   ["11: q 'q-x': unknown key '10'", "10: q 'q-x': unknown key '9'", "12: q 'q-x': unknown key 'colour'"])


def test_without_a_skill_taxonomy_questions_are_checked_without_their_skills(root):
    (root / "skills.yaml").unlink()
    bank, issues, shown = load(root, edit(QUESTION, more("skills: [t.anything]")))
    assert issues == [f"{display_path(root / 'skills.yaml')}:1: the skill taxonomy file is missing"]
    assert [(q.id, q.path, q.skills) for q in bank.questions] == [("q-x", shown, ("t.anything",))]
    assert bank.skills == []


def test_a_budget_is_spent_on_the_question_files(root):
    """An upload's budget reaches every question file: with none left, the file is not read."""
    path = root / "topics" / "topic.yaml"
    path.write_text(QUESTION, encoding="utf-8")
    bank = load_bank(root, budget=ParseBudget(0, 0))
    assert [str(i) for i in bank.issues] == [
        f"{display_path(path)}:1: not checked: the upload has more than {UPLOAD_MAX_NODES:,} YAML nodes in all its "
        "files; upload fewer files at a time"]
    assert bank.questions == []


def test_which_files_are_question_files(root):
    """*.yaml and *.yml anywhere, even named like a catalogue file below the top; not the catalogue at the
    top, nor other suffixes that match *.y*ml."""
    (root / "roles.yaml").write_text(ROLES, encoding="utf-8")
    files = {"extra.yaml": "q-top", "topics/more.yml": "q-yml", "topics/roles.yaml": "q-sub"}
    for name, qid in files.items():
        (root / name).write_text(QUESTION.replace("q-x", qid), encoding="utf-8")
    (root / "topics" / "notes.yxml").write_text("not: [a question file\n", encoding="utf-8")
    expected = [root / "extra.yaml", root / "topics" / "more.yml", root / "topics" / "roles.yaml"]
    assert question_files(root) == expected
    for paths in (None, [root / "extra.yaml", root / "topics", root / "skills.yaml", root / "roles.yaml"]):
        bank = load_bank(root, paths)
        assert bank.issues == []
        assert bank.files == [display_path(p) for p in expected]
        assert sorted(q.id for q in bank.questions) == ["q-sub", "q-top", "q-yml"]


def test_a_repeated_id_keeps_only_the_first_question(root):
    first, second = root / "topics" / "a.yaml", root / "topics" / "b.yaml"
    for path in (first, second):
        path.write_text(QUESTION, encoding="utf-8")
    bank = load_bank(root)
    assert [str(i) for i in bank.issues] == [f"{display_path(second)}:3: q 'q-x': duplicate id (also at {display_path(first)}:3)"]
    assert [q.path for q in bank.questions] == [display_path(first)]


NOT_QUESTIONS = "skill: t.basics\nquestions:\n" + "  - x\n" * MAX_QUESTIONS_PER_FILE


def stopped(path) -> str:
    return f"{display_path(path)}:1: validation stopped here after {MAX_ISSUES:,} problems, so there may be more: " \
           "fix these and validate again"


@pytest.mark.parametrize("where", ["inside a file", "between files"])
def test_validation_stops_at_the_issue_limit(root, where):
    """MAX_ISSUES issues stop the checking, inside a file (before its next question) or before the next file;
    the last issue says where it stopped."""
    assert 2 * MAX_QUESTIONS_PER_FILE == MAX_ISSUES
    a, b, c = (root / "topics" / f"{n}.yaml" for n in "abc")
    a.write_text(NOT_QUESTIONS, encoding="utf-8")
    if where == "inside a file":  # b's unknown key and 499 questions make 1,000: its last question is not checked
        b.write_text("colour: red\n" + NOT_QUESTIONS, encoding="utf-8")
        last = b
    else:  # a and b make 1,000: c is not checked
        b.write_text(NOT_QUESTIONS, encoding="utf-8")
        c.write_text("colour: red\n" + NOT_QUESTIONS, encoding="utf-8")
        last = c
    issues = [str(i) for i in load_bank(root).issues]
    assert len(issues) == MAX_ISSUES + 1
    assert issues[-2:] == [f"{display_path(b)}:{MAX_QUESTIONS_PER_FILE + 2}: every question must be a mapping",
                           stopped(last)]


def test_validation_stops_at_the_issue_limit_in_the_catalogue(root):
    """With no question file, the stop is reported at the bank's folder."""
    bank, issues, _ = load(root, "skills:\n" + "  - x\n" * MAX_ISSUES, "skills.yaml")
    assert len(issues) == MAX_ISSUES + 1
    assert issues[-1] == stopped(root)


def test_a_role_without_a_description_is_stored_with_an_empty_one(root):
    bank, issues, _ = load(root, ROLE_FILE, "roles.yaml")
    assert issues == []
    assert [r["description"] for r in bank.roles] == [""]


def test_the_checks_a_spec_builds(tmp_path):
    """_one_of and _whole_number build a check when called (the specs call them once, at import)."""
    path = tmp_path / "t.yaml"
    path.write_text("# values\na: x\nb: y\nc: 0\nd: 1\ne: 3\nf: 4\ng: true\nh: 2.5\ni: '2'\n", encoding="utf-8")
    entry = parse_yaml(path, [])
    issues = []
    item = ItemChecker(FileChecker("t.yaml", issues), "course", "c-1")
    one_of, whole = _one_of(("x", "z")), _whole_number(1, 3, "must be 1-3")
    for key in "ab":
        one_of(item, entry, key, None)
    for key in "cdefghi":
        whole(item, entry, key, None)
    assert [str(i) for i in issues] == [
        "t.yaml:3: course 'c-1': b: must be one of x, z",
        "t.yaml:4: course 'c-1': c: must be 1-3",
        "t.yaml:7: course 'c-1': f: must be 1-3",
        "t.yaml:8: course 'c-1': g: must be 1-3",
        "t.yaml:9: course 'c-1': h: must be 1-3",
        "t.yaml:10: course 'c-1': i: must be 1-3"]


@pytest.mark.parametrize(("text", "expected"), [
    # the fast parser's syntax error stands, at the line where the bracket or quote opens
    ("a: 1\nb: 2\nc: 3\nd: 4\ne: [1,\n", "5: YAML syntax error: while parsing a flow node did not find "
                                        "expected node content; what opens at line 5 is never closed (the file ends "
                                        "inside it)"),
    ("a: 1\nb: 2\nc: 3\nd: 4\ne: 'abc\n", "5: YAML syntax error: the quote ' that opens at line 5 is never "
                                         "closed (the file ends inside it)"),
    # a construct only the slow parser reads: its reason and line, from the fast parser
    ("a: 1\nb: 2\nc: 3\nd: 4\ne: &x 1\nf: *x\n", "5: YAML: anchors and aliases (*name) are not allowed in "
                                                "question files at line 5 (a file this large, or this many, may hold "
                                                "only plain YAML)"),
    ("a: 1\nb: 2\nc: 3\nd: 4\n---\ne: 5\n", "5: YAML: several YAML documents (---) in one file at line 5 (a "
                                           "file this large, or this many, may hold only plain YAML)"),
])
def test_past_the_slow_parsers_budget_the_fast_parsers_verdict_stands(tmp_path, text, expected):
    """A file the fast parser refused, in an upload whose slow-parser budget is spent (a tiny budget
    here, as after many files): the fast parser's reason is the issue, never a crash or a pass."""
    assert parsed(tmp_path, text, ParseBudget(nodes=1_000, slow_nodes=3)) == (None, [expected])


def test_a_file_that_cannot_be_read_is_an_issue_at_line_1(tmp_path):
    """A path that exists but cannot be read (here a directory named like a question file): the reason the
    system gives, at line 1, and nothing parsed."""
    (tmp_path / "t.yaml").mkdir()
    assert parsed_path(tmp_path / "t.yaml") == (None, ["1: cannot read file: Is a directory"])



@pytest.mark.parametrize(("data", "expected"), [
    (b"", "1: the file is empty (or has only comments or null); nothing to load"),
    (b"\n\xff", "2: not valid UTF-8 (invalid start byte at byte 1, line 2); save the file as UTF-8"),
    # the byte offset and the line count after a byte order mark, which is not part of the text
    (b"\xef\xbb\xbfa\n\xff", "2: not valid UTF-8 (invalid start byte at byte 2, line 2); save the file as UTF-8"),
])
def test_files_that_hold_no_yaml_text_are_issues_pinned_whole(tmp_path, data, expected):
    (tmp_path / "t.yaml").write_bytes(data)
    assert parsed_path(tmp_path / "t.yaml") == (None, [expected])


@pytest.mark.parametrize(("text", "reason"), [
    ("? [x, y]\n: 1\n", "mapping keys must be plain scalars"),
    ("<<: {x: 1}\n", "a merge key (<<) or value key (=)"),
    ("d: =\n", "a merge key (<<) or value key (=)"),
    ("d: 2026-13-45\n", "'2026-13-45' is not a valid date"),
    ("d: *x\n", "anchors and aliases (*name) are not allowed in question files"),  # an alias with no anchor
    ("d: !!str 1\n", "explicit tags (!!str …)"),
    ("d: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n", f"nested more than {MAX_DEPTH} levels deep"),
])
def test_past_the_slow_parsers_budget_each_construct_it_alone_reads_is_named(tmp_path, text, reason):
    assert parsed(tmp_path, "a: 1\nb: 2\nc: 3\n" + text, ParseBudget(nodes=100, slow_nodes=3)) == (None, [
        f"4: YAML: {reason} at line 4 (a file this large, or this many, may hold only plain YAML)"])


def test_past_the_slow_parsers_budget_a_tab_keeps_libyamls_reading_and_its_duplicates(tmp_path):
    """A tab inside plain text is YAML (libyaml reads it); PyYAML refuses it, but past its budget the
    fast reading stands, duplicate keys included."""
    data, issues = parsed(tmp_path, "a: 1\nb: 2\nc: 3\nd: x\tz\na: 5\n", ParseBudget(nodes=100, slow_nodes=3))
    assert data == {"a": 5, "b": 2, "c": 3, "d": "x\tz"} and issues == ["5: duplicate key 'a'"]


def test_the_last_node_of_a_budget_is_read_and_a_refused_file_costs_none(tmp_path):
    budget = ParseBudget(nodes=1, slow_nodes=1)
    assert parsed(tmp_path, "a", budget) == ("a", []) and budget.nodes == 0
    budget = ParseBudget(nodes=10, slow_nodes=10)
    assert parsed(tmp_path, "a: 1\nb: \x01\n", budget)[1] == [
        "2: character U+0001 is not allowed in YAML (control characters and NUL are refused); remove it"]
    assert budget == ParseBudget(nodes=10, slow_nodes=10)  # refused before any node was read


def test_an_alias_without_its_anchor_is_refused_at_its_line(tmp_path):
    assert parsed(tmp_path, "a: 1\nd: *x\n") == (None, [
        "2: YAML syntax error: anchors and aliases (*name) are not allowed in question files"])


@pytest.mark.parametrize(("text", "line"), [
    ("a: 1\nb: \x01\nc: 3\n", 2),   # the lines after it do not count
    ("\nb: \x01\n", 2),             # nor is the first character skipped
])
def test_a_control_character_is_refused_at_the_line_it_is_on(tmp_path, text, line):
    assert parsed(tmp_path, text) == (None, [
        f"{line}: character U+0001 is not allowed in YAML (control characters and NUL are refused); remove it"])


def test_a_control_character_far_into_a_file_is_refused_before_any_node_is_counted(tmp_path):
    budget = ParseBudget()
    text = "".join(f"- {i}\n" for i in range(20_000)) + "- \x01\n"
    assert parsed(tmp_path, text, budget)[1] == [
        "20001: character U+0001 is not allowed in YAML (control characters and NUL are refused); remove it"]
    assert budget == ParseBudget()


def test_in_an_upload_a_files_own_limits_keep_their_own_words(tmp_path):
    """The upload's shared node budget has its own message; a file's own limits (the text length, the
    nodes per file while the upload still has more) keep theirs."""
    assert parsed(tmp_path, "a: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n", ParseBudget(nodes=UPLOAD_MAX_NODES))[1] == [
        f"1: a text of {MAX_SCALAR_CHARS + 1:,} characters at line 1 (limit {MAX_SCALAR_CHARS:,}); shorten it or "
        "link to the material"]
    many = "".join(f"k{i}: 1\n" for i in range(MAX_NODES // 2 + 1))
    issues = parsed(tmp_path, many, ParseBudget(nodes=UPLOAD_MAX_NODES))[1]
    assert issues == [f"{MAX_NODES // 2}: too many YAML nodes (limit {MAX_NODES:,} per file) at line {MAX_NODES // 2}; "
                      "split the file"]


def test_in_an_upload_a_file_stops_where_the_shared_budget_ends(tmp_path):
    budget = ParseBudget(nodes=3)
    assert parsed(tmp_path, "a: 1\nb: 2\n", budget) == (None, [
        f"2: too many YAML nodes in one upload (limit {UPLOAD_MAX_NODES:,} in all its files) at line 2; upload fewer "
        "files at a time"])


def test_duplicate_keys_are_reported_from_the_slow_parser_too(tmp_path):
    """An explicit tag sends the file to the pure-Python parser, which reports duplicates the same way."""
    assert parsed(tmp_path, "a: !!str 1\na: 2\n") == ({"a": 2}, ["2: duplicate key 'a'"])


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "t.yaml"
    with open(path, "wb") as sparse:  # 100 MB that take no disk: parse_yaml looks at the size first
        sparse.truncate(100 * 1024 * 1024)
    assert parsed_path(path) == (None, [
        f"1: the file is 100.0 MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB per question file (split it)"])
