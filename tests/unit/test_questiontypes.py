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
    assert get_question_type("short").key({"pattern": "^a+$", "example": "aaa"}) == "for example aaa"


# --- how each type's check proves its key (results as bank.checks returns them; no sandbox) ----------

def value(plain, text=None):
    """A check whose last expression had this value."""
    return {"kind": "value", "repr": repr(plain), "str": str(plain) if text is None else text, "plain": plain}


def printed(text):
    return {"kind": "stdout", "text": text}


CHOICES = {"type": "single", "choices": [{"text": '`"bcd"`', "correct": True}, {"text": "`'x'`", "correct": False}]}
MANY = {"type": "multiple", "choices": [{"text": "a", "correct": True}, {"text": "`b`", "correct": True},
                                        {"text": "c", "correct": False}]}


@pytest.mark.parametrize("definition, result, key, problem", [
    ({"type": "numeric", "answer": 0.25, "tolerance": {"kind": "abs", "value": 0.01}}, value(0.255), None, None),
    ({"type": "numeric", "answer": 0.25}, printed("0.3"), None, "check gave 0.3, the key is 0.25"),
    ({"type": "numeric", "answer": 0.25}, printed("0.3"), 0.3, None),                       # a variant's key
    ({"type": "numeric", "answer": 0.25}, printed("abc"), None, "check gave 'abc', not a number"),
    ({"type": "numeric", "answer": 1.0}, value(True), None, "check gave True, not a number"),
    ({"type": "short", "answers": ["(3, 4)"]}, value((3, 4)), None, None),
    ({"type": "short", "answers": ["x"]}, printed("y"), None, "check gave 'y', which the key does not accept"),
    ({"type": "short", "answers": ["x"]}, printed("y"), "y", None),
    ({"type": "short", "pattern": "^a+$"}, printed("aaa"), None, None),
    ({"type": "true_false", "answer": False}, value(False), None, None),
    ({"type": "true_false", "answer": True}, printed("True"), None, None),
    ({"type": "true_false", "answer": True}, value(1), None, "check gave 1, the key is True"),
    ({"type": "true_false", "answer": True}, printed("yes"), None, "check gave 'yes', the key is True"),
    (CHOICES, value("bcd"), None, None),                                   # repr 'bcd' vs "bcd": both spellings
    (CHOICES, printed('"bcd"'), None, None),
    (CHOICES, printed("bcde"), None, "check gave 'bcde', the marked choice is '\"bcd\"'"),
    ({"type": "single", "choices": [{"text": "It raises `ValueError`", "correct": True},
                                    {"text": "It returns 0", "correct": False}]},
     printed("It raises ValueError"), None, None),
    (MANY, value(["b", "a"]), None, None),
    (MANY, printed("a\n`b`\n\n"), None, None),
    (MANY, value(["a"]), None, "check gave ['a'], the marked choices are ['a', 'b']"),
    (MANY, value({"a", "b"}, "{'a', 'b'}"), None, "check gave [\"{'a', 'b'}\"], the marked choices are ['a', 'b']"),
])
def test_each_type_compares_a_checks_result_with_its_key(definition, result, key, problem):
    assert get_question_type(definition["type"]).check_problem(definition, result, key) == problem


@pytest.mark.parametrize("name, result, key", [
    ("numeric", value(2.5), 2.5), ("numeric", printed("7"), 7.0), ("numeric", printed("seven"), None),
    ("numeric", printed("inf"), None), ("numeric", value(float("-inf")), None), ("numeric", printed("nan"), None),
    ("short", printed("float64"), "float64"), ("short", value("x", "x"), "x"), ("short", printed(""), None),
])
def test_a_parameterised_check_gives_a_key_per_variant(name, result, key):
    assert get_question_type(name).variant_key(result) == key


def test_types_that_no_check_can_prove_say_so():
    from quizapp.questiontypes.base import QuestionType

    class Drawing(QuestionType):  # a type that keeps every default
        name, label, template = "drawing", "Drawing", "text"

        def validate(self, q, item, definition): ...
        def field(self): ...
        def parse(self, data, definition): ...
        def refill(self, response): ...
        def grade(self, definition, response): ...
        def describe(self, definition, response): ...
        def key(self, definition): ...

    drawing = Drawing()
    assert drawing.check_problem({}, printed("x")) == "check gave 'x'; a drawing question's key cannot be checked by code"
    assert drawing.variant_key(printed("x")) is None
    assert (drawing.guessing_floor({}), drawing.shuffled_order({}, None), drawing.picks({}, {})) == (0.0, None, None)
    assert drawing.item_info(3, {}).chance is None and drawing.import_problems({}) == []
    from quizapp.bank.formats._common import Skip
    with pytest.raises(Skip, match="GIFT has no drawing questions"):
        drawing.gift({}, print)
    with pytest.raises(Skip, match="Moodle XML has no drawing questions"):
        drawing.moodle_answers(None, {}, print)
