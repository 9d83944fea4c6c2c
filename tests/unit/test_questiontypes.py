import pytest

from quizapp.questiontypes import QUESTION_TYPES, get_question_type
from quizapp.scoring.exceptions import InvalidResponse, UnknownQuestionType


def test_the_registry_holds_each_type_under_its_name():
    assert list(QUESTION_TYPES) == ["single", "multiple", "true_false", "numeric", "short", "ordering"]
    assert all(qt.name == name for name, qt in QUESTION_TYPES.items())


def four_choices(correct=(0,)):
    return {"choices": [{"text": t, "correct": i in correct} for i, t in enumerate("abcd")]}


@pytest.mark.parametrize("name, definition, floor", [
    ("single", four_choices(), 0.25), ("multiple", four_choices((0, 1)), 0.25), ("single", {"choices": []}, 0.0),
    ("single", {}, 0.0), ("true_false", {"answer": True}, 0.5), ("numeric", {"answer": 1.0}, 0.0),
    ("short", {"answers": ["x"]}, 0.0), ("ordering", {"items": ["a", "b", "c", "d", "e"]}, 0.2)])
def test_guessing_floor_is_the_expected_credit_of_a_blind_guess(name, definition, floor):
    assert get_question_type(name).guessing_floor(definition) == pytest.approx(floor)


def test_unknown_type_is_a_clear_error():
    with pytest.raises(UnknownQuestionType, match="known types: multiple, numeric, ordering, short, single, true_false"):
        get_question_type("essay")


@pytest.mark.parametrize("raw, value", [("0.25", 0.25), (" -3 ", -3.0), ("1e-4", 1e-4), ("0,5", 0.5),
                                        ("1 000", 1000.0), ("\u22122", -2.0)])
def test_numeric_parsing(raw, value):
    assert get_question_type("numeric").parse(raw, {})["value"] == value


@pytest.mark.parametrize("raw", ["abc", "1..2", "nan", "inf"])
def test_numeric_rejects(raw):
    with pytest.raises(InvalidResponse):
        get_question_type("numeric").parse(raw, {})


def test_blank_is_unanswered_for_every_type():
    d = {"choices": [{"text": "a", "correct": True}, {"text": "b", "correct": False}]}
    for name, qt in QUESTION_TYPES.items():
        assert qt.parse("" if name != "multiple" else [], d) is None


def test_choice_feedback_only_for_wrong_picks():
    d = {"type": "multiple", "choices": [{"text": "a", "correct": True, "feedback": "never shown"},
                                         {"text": "b", "correct": False, "feedback": "b is wrong because"}]}
    qt = get_question_type("multiple")
    assert qt.feedback(d, {"choices": [0, 1]}, None) == ["b is wrong because"]
    assert qt.key(d) == "a"


def test_review_texts():
    numeric = {"type": "numeric", "answer": 0.25, "tolerance": {"kind": "rel", "value": 1.0}, "unit": "s"}
    qt = get_question_type("numeric")
    assert qt.key(numeric) == "0.25 (± 1%) s"
    assert qt.describe(numeric, {"value": 0.3, "raw": "0.30"}) == "0.30 s"
    assert get_question_type("short").key({"pattern": "^a+$"}) == "text matching /^a+$/"
