"""Executable answer keys: run in a subprocess, compared per type, variants for params."""
import pytest

from quizapp.bank.checks import compare, run_check, run_snippet, unmet_requirement
from quizapp.bank.loader import QuestionDef
from quizapp.bank.params import param_sets, resolve


def qdef(definition, qid="q1"):
    return QuestionDef(qid, "questions/x.yaml", 7, definition["type"], 3, ("t.basics",), definition, "h")


def test_expression_value_and_printed_output():
    value, printed, one_line_print = run_snippet("1 + 1", [{}]) + run_snippet("x = 2\nprint(x * 3)", [{}]) + \
        run_snippet("print('hi')", [{}])
    assert value["kind"] == "value" and value["plain"] == 2 and value["repr"] == "2"
    assert printed == {"kind": "stdout", "text": "6"}
    assert one_line_print == {"kind": "stdout", "text": "hi"}  # value None, so the output is the key


def test_errors_and_missing_modules_are_reported():
    [error] = run_snippet("1 / 0", [{}])
    assert error["kind"] == "error" and "ZeroDivisionError" in error["error"]
    [missing] = run_snippet("import no_such_module_here", [{}])
    assert missing == {"kind": "missing", "module": "no_such_module_here"}


def test_timeout_is_an_error():
    [result] = run_snippet("while True: pass", [{}], timeout=1)
    assert result["kind"] == "error" and "timed out" in result["error"]


def test_memory_limit_stops_a_runaway_check():
    [result] = run_snippet("b = bytearray(12 * 1024 ** 3)", [{}])
    assert result["kind"] == "error" and "MemoryError" in result["error"]


SINGLE = {"type": "single", "choices": [{"text": '`"bcd"`', "correct": True}, {"text": "`'x'`", "correct": False}]}


@pytest.mark.parametrize("definition, code, ok", [
    ({"type": "numeric", "answer": 0.25, "tolerance": {"kind": "abs", "value": 0.01}}, "1 / 4", True),
    ({"type": "numeric", "answer": 0.25}, "print(0.3)", False),
    ({"type": "short", "answers": ["(3, 4)"]}, "(3, 4)", True),
    ({"type": "short", "answers": ["float64"]}, "import numpy as np; print(np.arange(3.0).dtype)", True),
    ({"type": "true_false", "answer": False}, "0.1 + 0.2 == 0.3", True),
    ({"type": "true_false", "answer": True}, "0.1 + 0.2 == 0.3", False),
    (SINGLE, '"abcdef"[1:4]', True),        # repr matches the marked choice
    (SINGLE, 'print("abcdef"[1:5])', False),
    ({"type": "single", "choices": [{"text": "It raises `ValueError`", "correct": True},
                                    {"text": "It returns 0", "correct": False}]}, 'print("It raises ValueError")', True),
    ({"type": "multiple", "choices": [{"text": "a", "correct": True}, {"text": "`b`", "correct": True},
                                      {"text": "c", "correct": False}]}, "['b', 'a']", True),
])
def test_compare_per_type(definition, code, ok):
    [result] = run_snippet(code, [{}])
    assert (compare(definition, result) is None) is ok


def test_failed_check_names_file_line_and_id():
    outcome = run_check(qdef({"type": "numeric", "answer": 5.0, "check": {"python": "2 + 2"}}, "sum-q"))
    assert outcome.status == "failed"
    assert str(outcome) == "questions/x.yaml:7: q 'sum-q': check gave 4, the key is 5"


def test_unmet_requires_skips():
    assert unmet_requirement("numpy>=1.0") is None
    assert "not installed" in unmet_requirement("surely-not-a-real-package>=1")
    assert "needs numpy>=999" in unmet_requirement("numpy>=999")
    outcome = run_check(qdef({"type": "numeric", "answer": 1.0, "requires": "numpy>=999", "check": {"python": "1"}}))
    assert outcome.status == "skipped"


PARAM_Q = {"type": "numeric", "params": {"n": [2, 3], "m": [10, 20]}, "prompt": "{{n}} × {{m}}?",
           "explanation": "It is {{n}} times {{m}}.", "check": {"python": "print({{n}} * m)"}}


def test_param_sets_are_the_cartesian_product():
    assert param_sets(PARAM_Q) == [{"n": 2, "m": 10}, {"n": 2, "m": 20}, {"n": 3, "m": 10}, {"n": 3, "m": 20}]
    assert param_sets({"type": "numeric"}) == [{}]


def test_check_computes_a_key_per_variant_and_resolve_fills_them():
    outcome = run_check(qdef(PARAM_Q))
    assert outcome.status == "verified"
    assert [v["key"] for v in outcome.variants] == [20, 40, 30, 60]
    definition = {**PARAM_Q, "variants": list(outcome.variants)}
    seen = resolve(definition, 3)
    assert seen["prompt"] == "3 × 20?" and seen["explanation"] == "It is 3 times 20." and seen["answer"] == 60.0
    assert resolve(definition, None) is definition


def test_a_variant_keeps_the_questions_tolerance_and_unit(tmp_path):
    """A parameterised numeric question is graded with its tolerance (the loader once dropped it with the
    unit, so 0.667 for 2/3 was wrong), and a short one's variant key is its one accepted answer."""
    from quizapp.bank.loader import load_bank
    from quizapp.questiontypes import grade
    from tests.helpers import PARAM, write

    root = tmp_path / "questions"
    (root / "topics").mkdir(parents=True)
    (root / "skills.yaml").write_text("skills:\n  - {id: t.basics, name: Basics, area: python}\n", encoding="utf-8")
    write(root, PARAM.replace("    check: {python: n * 2}\n", "    check: {python: n * 2 / 3}\n    tolerance: 1%\n"
                                                                 "    unit: s\n"))
    [question] = load_bank(root).questions
    assert (question.definition["tolerance"], question.definition["unit"]) == ({"kind": "rel", "value": 1.0}, "s")
    definition = {**question.definition, "variants": [{"params": {"n": 1}, "key": 2 / 3}]}
    assert grade(resolve(definition, 0), {"value": 0.667}).fraction == 1.0
    assert grade(resolve(definition, 0), {"value": 0.68}).fraction == 0.0
    short = {"type": "short", "prompt": "p", "variants": [{"params": {}, "key": "0.5"}]}
    assert resolve(short, 0)["answers"] == ["0.5"] and "answer" not in resolve(short, 0)
