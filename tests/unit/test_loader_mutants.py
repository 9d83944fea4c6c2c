"""The loader's limits at their edges (issue #18, mutation testing): a negative tolerance and one
choice too many are refused with a message, and the values just inside the limits load.

A file with any error imports nothing, so each refusal is also checked to leave the bank empty.
"""
from pathlib import Path

import pytest

from quizapp.bank.loader import load_bank
from quizapp.questiontypes import get_question_type
from tests.helpers import GOOD, PARAM, write

CHOICE_LIMITS = {"single": (2, 8), "multiple": (3, 10)}

TAIL = "difficulty: 1, prompt: P, explanation: E, references: ['https://example.org']"


def numeric(tolerance) -> str:
    return ("skill: t.basics\nquestions:\n"
            f"  - {{id: q-num, type: numeric, answer: 2, tolerance: {tolerance}, {TAIL}}}\n")


def with_choices(qtype: str, n: int) -> str:
    choices = ", ".join(f"{{text: c{i}, correct: {'true' if i == 0 else 'false'}}}" for i in range(n))
    return f"skill: t.basics\nquestions:\n  - {{id: q-ch, type: {qtype}, choices: [{choices}], {TAIL}}}\n"


def refused(root, qid: str, *fragments: str) -> list[str]:
    bank = load_bank(root)
    issues = [str(i) for i in bank.issues]
    assert not bank.ok and not bank.questions, issues
    assert any(f"q '{qid}'" in i and all(f in i for f in fragments) for i in issues), issues
    return issues


@pytest.mark.parametrize("tolerance", ["-0.5", "-1", "-0.001", "'-2%'", "'-0%'", "true", "'%'"])
def test_a_negative_or_nonsense_tolerance_is_refused_with_a_message(bank_dir, tolerance):
    write(bank_dir, numeric(tolerance))
    [issue] = refused(bank_dir, "q-num", "tolerance:")
    assert issue.startswith("questions/topics/topic.yaml:3:") or "topic.yaml:3:" in issue, issue
    # NaN and the infinities are refused as numbers first (the loader refuses them everywhere)
    assert ("not a finite number" if tolerance in ("-.inf", ".nan") else "non-negative") in issue, issue


@pytest.mark.parametrize("tolerance", ["-.inf", ".inf", ".nan"])
def test_an_infinite_or_nan_tolerance_is_refused_as_not_finite(bank_dir, tolerance):
    write(bank_dir, numeric(tolerance))
    [issue] = refused(bank_dir, "q-num")
    assert issue.endswith(f"topics/topic.yaml:3: q 'q-num': tolerance: {tolerance} is not a finite number"), issue


@pytest.mark.parametrize("tolerance, stored", [
    ("0", {"kind": "abs", "value": 0.0}),
    ("0.25", {"kind": "abs", "value": 0.25}),
    ("3", {"kind": "abs", "value": 3.0}),
    ("'0%'", {"kind": "rel", "value": 0.0}),
    ("' 1.5 % '", {"kind": "rel", "value": 1.5}),
])
def test_a_zero_or_positive_tolerance_loads_as_given(bank_dir, tolerance, stored):
    write(bank_dir, numeric(tolerance))
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    [question] = bank.questions
    assert question.definition["tolerance"] == stored


@pytest.mark.parametrize("qtype", sorted(CHOICE_LIMITS))
def test_one_choice_too_many_is_refused_with_a_message(bank_dir, qtype):
    low, high = CHOICE_LIMITS[qtype]
    write(bank_dir, with_choices(qtype, high + 1))
    refused(bank_dir, "q-ch", "choices:", f"{low}-{high} choices", f"found {high + 1}")


@pytest.mark.parametrize("qtype", sorted(CHOICE_LIMITS))
def test_one_choice_too_few_is_refused_with_a_message(bank_dir, qtype):
    low, high = CHOICE_LIMITS[qtype]
    write(bank_dir, with_choices(qtype, low - 1))
    refused(bank_dir, "q-ch", "choices:", f"{low}-{high} choices", f"found {low - 1}")


@pytest.mark.parametrize("qtype", sorted(CHOICE_LIMITS))
def test_the_fewest_and_the_most_choices_allowed_load(bank_dir, qtype):
    for n in CHOICE_LIMITS[qtype]:
        write(bank_dir, with_choices(qtype, n))
        bank = load_bank(bank_dir)
        assert bank.ok, (n, bank.issues)
        assert len(bank.questions[0].definition["choices"]) == n


def test_the_choice_limits_are_the_documented_ones():
    """docs/question-format.md promises 2-8 choices for single and 3-10 for multiple."""
    assert {name: get_question_type(name).choice_limits for name in CHOICE_LIMITS} == CHOICE_LIMITS


# --- parameterised questions: each refusal at its own line, with its own message ----------------------

def _with_params(replacements) -> str:
    text = PARAM
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("replacements, line, message", [
    ([("    type: numeric\n", "    type: single\n")], 6,
     "params: only numeric and short questions can be parameterised"),
    ([("    check: {python: n * 2}\n", "")], 6,
     "params: a parameterised question needs `check: {python: ...}` to compute its keys"),
    ([("      n: [1, 2]\n", "")], 6, "params: must map names to lists of values"),               # params: (null)
    ([("    params:\n      n: [1, 2]\n", "    params: {}\n")], 6, "params: must map names to lists of values"),
    ([("    params:\n      n: [1, 2]\n", "    params: [1, 2]\n")], 6, "params: must map names to lists of values"),
    ([("      n: [1, 2]\n", "      N: [1, 2]\n"), ("{{n}}", "{{N}}")], 7,
     "params: 'N' is not a valid name (lowercase identifier)"),
    ([("    prompt:", "    answer: 3\n    prompt:")], 8,
     "answer: a parameterised question has no fixed key; `check` computes it"),
    ([("    type: numeric\n", "    type: short\n"), ("    prompt:", "    answers: [x]\n    prompt:")], 8,
     "answers: a parameterised question has no fixed key; `check` computes it"),
    ([("    type: numeric\n", "    type: short\n"), ("    prompt:", "    pattern: x\n    prompt:")], 8,
     "pattern: a parameterised question has no fixed key; `check` computes it"),
])
def test_a_parameterised_question_is_refused_at_the_line_at_fault(bank_dir, replacements, line, message):
    write(bank_dir, _with_params(replacements))
    bank = load_bank(bank_dir)
    assert not bank.ok and not bank.questions
    expected = f"topics/topic.yaml:{line}: q 'q-p': {message}"
    assert any(str(i).endswith(expected) for i in bank.issues), [str(i) for i in bank.issues]


# --- messages that add a hint only when there is one ------------------------------------------------

def test_an_empty_prompt_is_refused_without_an_empty_hint(bank_dir):
    write(bank_dir, GOOD.replace("prompt: Pick b.", "prompt: ''"))
    issues = [str(i) for i in load_bank(bank_dir).issues]
    assert any(i.endswith("topics/topic.yaml:6: q 'q-good': prompt: must be non-empty text") for i in issues), issues


@pytest.mark.parametrize("key, message", [
    ("explanatoin", "unknown key 'explanatoin' (did you mean 'explanation'?)"),
    ("explan", "unknown key 'explan'"),   # too far from any key (similarity 0.71 < 0.75) for a guess
    ("colour", "unknown key 'colour'"),
])
def test_an_unknown_key_is_named_with_a_guess_only_when_it_is_close(bank_dir, key, message):
    write(bank_dir, GOOD.replace("    prompt: Pick b.\n", f"    prompt: Pick b.\n    {key}: x\n"))
    issues = [str(i) for i in load_bank(bank_dir).issues]
    assert any(i.endswith(f"topics/topic.yaml:7: q 'q-good': {message}") for i in issues), issues


# --- validating chosen paths -------------------------------------------------------------------------

def test_validating_a_folder_reads_its_yaml_and_yml_files_and_nothing_else(bank_dir):
    folder = bank_dir / "topics" / "new"
    folder.mkdir()
    (folder / "b.yml").write_text(GOOD.replace("q-good", "q-yml"), encoding="utf-8")
    (folder / "a.yaml").write_text(GOOD.replace("q-good", "q-yaml"), encoding="utf-8")
    (folder / "notes.yhtml").write_text("not: [a bank file", encoding="utf-8")   # matches *.y*ml, not a YAML file
    (folder / "README.txt").write_text("not: [a bank file", encoding="utf-8")
    write(bank_dir, GOOD)                                                    # another file, not selected
    bank = load_bank(bank_dir, [folder])
    assert bank.ok, [str(i) for i in bank.issues]
    assert [q.id for q in bank.questions] == ["q-yaml", "q-yml"]
    assert [Path(f).name for f in bank.files] == ["a.yaml", "b.yml"]
    file_itself = load_bank(bank_dir, [folder / "b.yml"])
    assert [q.id for q in file_itself.questions] == ["q-yml"]


@pytest.mark.parametrize("other", [
    "questions: [unclosed\n",                                        # not YAML
    "- just\n- a list\n",                                            # not a mapping
    "skill: t.basics\n",                                             # no questions
    "skill: t.basics\nquestions:\n  - {type: single}\n  - [a, b]\n",  # a question without an id, a list
])
def test_validating_one_file_is_not_upset_by_a_broken_file_beside_it(bank_dir, other):
    """Validating chosen files reads the others only for id collisions: whatever is wrong in them is their
    own run's business, and a collision with a well-formed one is still found."""
    write(bank_dir, other, name="broken.yaml")
    write(bank_dir, GOOD.replace("q-good", "q-taken"), name="other.yaml")
    chosen = write(bank_dir, GOOD + GOOD.replace("q-good", "q-taken")[len("skill: t.basics\nquestions:\n"):],
                   name="chosen.yaml")
    bank = load_bank(bank_dir, [chosen])
    issues = [str(i) for i in bank.issues]
    assert len(issues) == 1, issues
    assert "chosen.yaml:14: q 'q-taken': duplicate id (also at " in issues[0] and "other.yaml:3)" in issues[0]
