"""What each question type shows a learner and a reviewer, pinned exactly: its answer field, a saved
answer refilled, the review's texts and options, feedback, what item statistics read, the messages of a
refused answer and the few format lines the other tests leave open. Before these tests only the app
tests reached most of these methods, so mutation testing (docs/mutation.md) could not see them."""
import itertools
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import Form

from quizapp.bank.checking import FileChecker, ItemChecker
from quizapp.bank.yaml_lines import LineList, LineMap
from quizapp.questiontypes import get_question_type
from quizapp.questiontypes.base import KeyText
from quizapp.scoring.exceptions import InvalidResponse
from quizapp.scoring.grading import CORRECT, PARTIAL, WRONG, Grade
from quizapp.scoring.itemstats import ItemInfo

SINGLE, MULTIPLE, TRUE_FALSE = (get_question_type(n) for n in ("single", "multiple", "true_false"))
NUMERIC, SHORT, ORDERING = (get_question_type(n) for n in ("numeric", "short", "ordering"))

# Option texts in inline code that start with an X: the review strips the code marks, and only the marks.
TRANSPOSE = {"type": "single", "choices": [
    {"text": "`X.inv()`", "correct": False, "feedback": "That is the **inverse**."},
    {"text": "`X.T`", "correct": True},
    {"text": "`X[::-1]`", "correct": False}]}
LIST_METHODS = {"type": "multiple", "choices": [
    {"text": "`append`", "correct": True},
    {"text": "`add`", "correct": False, "feedback": "`add` is a **set** method."},
    {"text": "`extend`", "correct": True},
    {"text": "`push`", "correct": False}]}
IS_TRUE = {"type": "true_false", "answer": True}
IS_FALSE = {"type": "true_false", "answer": False, "feedback": "Think again."}
GRAVITY = {"type": "numeric", "answer": 9.81, "feedback": "Use SI units."}
ACTIVATION = {"type": "short", "answers": ["ReLU", "relu6"], "pattern": "leaky.*"}
STEPS = {"type": "ordering", "items": ["forward pass", "compute the loss", "backward pass", "optimizer step"]}

NO_CHOICE = "That choice does not exist; pick one of the options shown."
NO_POSITION = "That position does not exist; pick one from the lists shown."


def posted(qtype, *values):
    """The type's field bound in a form under a name whose default label is not any type's label
    ("Response"), after a post of these values: (field, what validate() said)."""
    class AnswerForm(Form):
        response = qtype.field()

    form = AnswerForm(MultiDict([("response", v) for v in values]))
    return form.response, form.validate()


def refused(call, *args):
    """The message of the InvalidResponse a call raises."""
    with pytest.raises(InvalidResponse) as caught:
        call(*args)
    return str(caught.value)


def printed(text):
    """A check that printed this text (bank.checks' result)."""
    return {"kind": "stdout", "text": text}


# --- the answer field ------------------------------------------------------------------------

@pytest.mark.parametrize("qtype, values, label, data", [
    (SINGLE, ["7"], "Answer", "7"),
    (TRUE_FALSE, ["maybe"], "Answer", "maybe"),
    (MULTIPLE, ["0", "9"], "Answer", ["0", "9"]),
    (ORDERING, ["0:1", "5:9"], "Your answer", ["0:1", "5:9"]),
    (NUMERIC, ["12,5"], "Your answer (a number)", "12,5"),
    (SHORT, ["anything at all"], "Your answer", "anything at all"),
])
def test_the_field_reads_any_value_under_the_types_label(qtype, values, label, data):
    """One answer form serves every question of a type, so the field checks no value against options
    (validate_choice=False): parse() does, with a message for the learner."""
    field, valid = posted(qtype, *values)
    assert (valid, field.data, field.errors, field.label.text) == (True, data, [], label)
    assert qtype.answer_label == label


@pytest.mark.parametrize("qtype, limit, message", [
    (NUMERIC, 64, "Field cannot be longer than 64 characters."),
    (SHORT, 500, "Keep the answer under 500 characters."),
])
def test_a_typed_answer_is_limited_in_length(qtype, limit, message):
    field, valid = posted(qtype, "1" * limit)
    assert (valid, field.errors) == (True, [])
    field, valid = posted(qtype, "1" * (limit + 1))
    assert (valid, field.errors) == (False, [message])


# --- reading the post ------------------------------------------------------------------------

@pytest.mark.parametrize("qtype, data", [
    (SINGLE, "abc"), (SINGLE, "-1"), (SINGLE, "3"),          # three options: 0, 1 and 2
    (MULTIPLE, ["0", "x"]), (MULTIPLE, ["4"]),               # four options
])
def test_a_choice_that_does_not_exist_is_refused_with_a_message(qtype, data):
    definition = TRANSPOSE if qtype is SINGLE else LIST_METHODS
    assert refused(qtype.parse, data, definition) == NO_CHOICE


def test_the_last_choice_is_one_that_exists():
    assert SINGLE.parse("2", TRANSPOSE) == {"choice": 2}
    assert MULTIPLE.parse(["3", "0"], LIST_METHODS) == {"choices": [0, 3]}


def test_true_or_false_reads_the_two_radio_values_and_refuses_others():
    assert TRUE_FALSE.parse("true", IS_TRUE) == {"value": True}
    assert TRUE_FALSE.parse("false", IS_TRUE) == {"value": False}
    assert refused(TRUE_FALSE.parse, "yes", IS_TRUE) == "Choose True or False."


@pytest.mark.parametrize("raw, value", [("1_000", 1000.0), ("1000_", 1000.0), ("_5", 5.0)])
def test_numeric_drops_every_underscore(raw, value):
    """float() accepts an underscore only between digits; a learner's stray one is no reason to refuse."""
    assert NUMERIC.parse(raw, GRAVITY) == {"value": value, "raw": raw}


def test_numeric_keeps_what_was_typed_up_to_64_characters():
    """The review shows the number as the learner wrote it (0,5 stays 0,5), as long as the field allows."""
    typed = "1" + "0" * 69
    assert NUMERIC.parse(f"  {typed} ", GRAVITY) == {"value": 1e69, "raw": typed[:64]}


@pytest.mark.parametrize("raw, message", [
    ("x" * 45, f"“{'x' * 40}” is not a number. Write it like 0.25, -3 or 1e-4."),   # quoted up to 40 characters
    (" ten ", "“ten” is not a number. Write it like 0.25, -3 or 1e-4."),
    ("nan", "Enter a finite number."),
    ("1e999", "Enter a finite number."),
])
def test_numeric_refuses_with_a_message(raw, message):
    assert refused(NUMERIC.parse, raw, GRAVITY) == message


def test_a_short_answer_may_be_500_characters_long():
    assert SHORT.parse(" " + "a" * 500 + " ", ACTIVATION) == {"text": "a" * 500}
    assert refused(SHORT.parse, "a" * 501, ACTIVATION) == "Keep the answer under 500 characters."


def test_an_ordering_place_past_the_last_shown_item_is_refused():
    """Shown places run 0 to n - 1: place n names no item."""
    assert refused(ORDERING.parse, ["0:1", "1:2", "2:3", "4:4"], STEPS) == NO_POSITION


# --- showing a saved answer again --------------------------------------------------------------

@pytest.mark.parametrize("qtype, response, data", [
    (SINGLE, None, None), (SINGLE, {"choice": 2}, "2"),
    (MULTIPLE, None, []), (MULTIPLE, {"choices": [0, 2]}, ["0", "2"]),
    (TRUE_FALSE, None, None), (TRUE_FALSE, {"value": True}, "true"), (TRUE_FALSE, {"value": False}, "false"),
    (NUMERIC, None, ""), (NUMERIC, {"value": 0.5, "raw": "0,5"}, "0,5"),
    (NUMERIC, {"value": 0.1}, "0.1"),                         # saved before `raw` was kept: the number
    (SHORT, None, ""), (SHORT, {"text": "ReLU"}, "ReLU"),
])
def test_refill_gives_the_field_what_was_answered(qtype, response, data):
    assert qtype.refill(response) == data


# --- the review's texts ----------------------------------------------------------------------

@pytest.mark.parametrize("qtype, definition, response, text", [
    (SINGLE, TRANSPOSE, None, "(no answer)"),
    (SINGLE, TRANSPOSE, {"choice": 2}, "X[::-1]"),
    (MULTIPLE, LIST_METHODS, None, "(no answer)"),
    (MULTIPLE, LIST_METHODS, {"choices": [0, 1]}, "append; add"),
    (TRUE_FALSE, IS_TRUE, None, "(no answer)"),
    (TRUE_FALSE, IS_TRUE, {"value": True}, "True"),
    (TRUE_FALSE, IS_TRUE, {"value": False}, "False"),
    (NUMERIC, GRAVITY, None, "(no answer)"),
    (NUMERIC, GRAVITY, {"value": 9.8, "raw": "9,80"}, "9,80"),
    (NUMERIC, GRAVITY, {"value": 1e-05}, "1e-05"),
    (NUMERIC, {**GRAVITY, "unit": "m/s²"}, {"value": 9.8}, "9.8 m/s²"),
    (SHORT, ACTIVATION, None, "(no answer)"),
    (SHORT, ACTIVATION, {"text": "tanh"}, "tanh"),
    (ORDERING, STEPS, None, "(no answer)"),
])
def test_describe_gives_the_response_as_plain_text(qtype, definition, response, text):
    assert qtype.describe(definition, response) == text


@pytest.mark.parametrize("qtype, definition, text", [
    (SINGLE, TRANSPOSE, "X.T"),
    (MULTIPLE, LIST_METHODS, "append; extend"),
    (TRUE_FALSE, IS_TRUE, "True"),
    (TRUE_FALSE, IS_FALSE, "False"),
    (NUMERIC, GRAVITY, "9.81"),
    (NUMERIC, {**GRAVITY, "tolerance": {"kind": "abs", "value": 0.0}}, "9.81"),    # no "± 0"
    (NUMERIC, {**GRAVITY, "tolerance": {"kind": "abs", "value": 0.05}}, "9.81 (± 0.05)"),
    (NUMERIC, {**GRAVITY, "tolerance": {"kind": "rel", "value": 2.0}, "unit": "m/s²"}, "9.81 (± 2%) m/s²"),
    (SHORT, ACTIVATION, "ReLU or relu6"),                     # the listed answers before the pattern
    (SHORT, {"type": "short", "pattern": "leaky.*", "example": "leaky_relu"}, "for example leaky_relu"),
    (SHORT, {"type": "short", "pattern": "leaky.*"}, "any answer matching the pattern described in the explanation"),
])
def test_key_gives_the_right_answer_as_plain_text(qtype, definition, text):
    assert qtype.key(definition) == text


@pytest.mark.parametrize("qtype, definition, key", [
    (NUMERIC, GRAVITY, KeyText("9.81")),
    (SHORT, ACTIVATION, KeyText("ReLU or relu6")),   # the answers; the pattern only widens them
    (SHORT, {**ACTIVATION, "answers": []}, KeyText(words="any answer matching the pattern described in the explanation")),
    (SHORT, {"type": "short", "pattern": "leaky.*", "example": "leaky_relu"}, KeyText("leaky_relu", example=True)),
    # A learner's parameterised question is resolved for their variant (bank.params.resolve): its key is theirs.
    (NUMERIC, {**GRAVITY, "params": {"g": [9, 10]}, "answer": 10.0}, KeyText("10")),
    (SHORT, {"type": "short", "params": {"n": [1, 2]}, "answers": ["(2, 3)"]}, KeyText("(2, 3)")),
    # Only a preview of the question itself, no variant drawn, has none to show.
    (NUMERIC, {"type": "numeric", "params": {"g": [9, 10]}}, KeyText(words="computed for each variant by its check")),
    (SHORT, {"type": "short", "params": {"n": [1, 2]}}, KeyText(words="computed for each variant by its check")),
])
def test_key_text_is_what_a_learner_could_have_written(qtype, definition, key):
    assert qtype.key_text(definition) == key


@pytest.mark.parametrize("definition, problems", [
    ({"type": "short", "pattern": "leaky.*"}, 1),
    ({"type": "short", "pattern": "leaky.*", "example": "leaky_relu"}, 0),
    (ACTIVATION, 0),
    ({"type": "short", "params": {"n": [1, 2]}}, 0),
])
def test_a_pattern_alone_without_an_example_is_a_key_problem(definition, problems):
    assert len(SHORT.key_problems(definition)) == problems


@pytest.mark.parametrize("qtype, definition, response, grade, text", [
    (MULTIPLE, LIST_METHODS, {"choices": [0, 1]}, Grade(0.0, WRONG), "You picked 1 of the 2 right options and 1 wrong one."),
    (MULTIPLE, LIST_METHODS, {"choices": [0]}, Grade(0.5, PARTIAL), "You picked 1 of the 2 right options and no wrong one."),
    (MULTIPLE, LIST_METHODS, {"choices": [0, 1, 2, 3]}, Grade(0.0, WRONG),
     "You picked 2 of the 2 right options and 2 wrong ones."),
    (MULTIPLE, LIST_METHODS, {"choices": [0, 2]}, Grade(1.0, CORRECT), ""),
    (MULTIPLE, LIST_METHODS, None, None, ""),
    (ORDERING, STEPS, {"order": [0, 1, 3, 2]}, Grade(1 / 3, PARTIAL),
     "1 of the 3 neighbouring pairs is together and in the right order."),
    (ORDERING, STEPS, {"order": [1, 2, 3, 0]}, Grade(2 / 3, PARTIAL),
     "2 of the 3 neighbouring pairs are together and in the right order."),
    (ORDERING, STEPS, {"order": [3, 2, 1, 0]}, Grade(0.0, WRONG),
     "0 of the 3 neighbouring pairs are together and in the right order."),
    (ORDERING, STEPS, {"order": [0, 1, 2, 3]}, Grade(1.0, CORRECT), ""),
    (SINGLE, TRANSPOSE, {"choice": 0}, Grade(0.0, WRONG), ""),      # all or nothing: the verdict says it all
    (SHORT, ACTIVATION, {"text": "tanh"}, Grade(0.0, WRONG), ""),
])
def test_result_text_says_which_part_was_right(qtype, definition, response, grade, text):
    assert qtype.result_text(definition, response, grade) == text


@pytest.mark.parametrize("picks", [p for n in range(5) for p in itertools.combinations(range(4), n)])
def test_the_words_of_a_multiple_choice_result_count_what_its_grade_counts(picks):
    response = {"choices": list(picks)}
    grade = MULTIPLE.grade(LIST_METHODS, response)
    text = MULTIPLE.result_text(LIST_METHODS, response, grade)
    right, wrong = len(set(picks) & {0, 2}), len(set(picks) - {0, 2})
    assert (text == "") == (grade.state == CORRECT)
    assert grade.state == CORRECT or text.startswith(f"You picked {right} of the 2 right options and {wrong or 'no'} wrong")


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_the_words_of_an_ordering_result_count_what_its_grade_counts(order):
    grade = ORDERING.grade(STEPS, {"order": list(order)})
    text = ORDERING.result_text(STEPS, {"order": list(order)}, grade)
    assert (text == "") == (grade.state == CORRECT)
    assert grade.state == CORRECT or text.startswith(f"{round(grade.fraction * 3)} of the 3 neighbouring pairs")


# --- the options ------------------------------------------------------------------------------

@pytest.mark.parametrize("order, values", [([2, 0, 1], ["2", "0", "1"]), (None, ["0", "1", "2"])])
def test_choice_options_are_values_and_label_html_in_the_order_shown(order, values):
    """A value is the option's index in the file; no order (a preview) is the file's order."""
    labels = {"0": "<code>X.inv()</code>", "1": "<code>X.T</code>", "2": "<code>X[::-1]</code>"}
    assert SINGLE.choices(TRANSPOSE, order) == [(v, Markup(labels[v])) for v in values]


@pytest.mark.parametrize("order", [None, [1, 0]])
def test_true_or_false_always_offers_true_then_false(order):
    assert TRUE_FALSE.choices(IS_TRUE, order) == [("true", Markup("True")), ("false", Markup("False"))]


def test_ordering_options_without_a_shown_order_are_the_items_in_the_files_order():
    assert ORDERING.choices(STEPS, None) == [
        ("0", Markup("forward pass")), ("1", Markup("compute the loss")), ("2", Markup("backward pass")),
        ("3", Markup("optimizer step"))]


def option(html, correct, picked, feedback_html=""):
    return {"html": html, "correct": correct, "picked": picked, "feedback_html": feedback_html}


def test_the_review_lists_the_options_in_the_order_shown_with_the_pick():
    assert SINGLE.review_options(TRANSPOSE, {"choice": 0}, [2, 0, 1]) == [
        option("<code>X[::-1]</code>", False, False),
        option("<code>X.inv()</code>", False, True, "That is the <strong>inverse</strong>."),
        option("<code>X.T</code>", True, False)]


def test_the_review_of_an_unanswered_question_lists_the_options_in_the_files_order_none_picked():
    assert MULTIPLE.review_options(LIST_METHODS, None, None) == [
        option("<code>append</code>", True, False),
        option("<code>add</code>", False, False, "<code>add</code> is a <strong>set</strong> method."),
        option("<code>extend</code>", True, False),
        option("<code>push</code>", False, False)]


def test_the_review_marks_every_option_picked():
    assert [o["picked"] for o in MULTIPLE.review_options(LIST_METHODS, {"choices": [0, 3]}, [3, 2, 1, 0])] == [
        True, False, False, True]


# --- feedback ---------------------------------------------------------------------------------

@pytest.mark.parametrize("response, lines", [
    ({"choice": 0}, ["That is the **inverse**."]),   # a wrong pick with feedback
    ({"choice": 2}, []),                             # a wrong pick without
    ({"choice": 1}, []),                             # the key
    (None, []),
])
def test_a_choice_question_gives_the_feedback_of_the_wrong_option_picked(response, lines):
    assert SINGLE.feedback(TRANSPOSE, response, Grade.from_fraction(0.0)) == lines


@pytest.mark.parametrize("qtype, definition, grade, lines", [
    (NUMERIC, GRAVITY, Grade(0.0, WRONG), ["Use SI units."]),
    (NUMERIC, GRAVITY, Grade(1.0, CORRECT), []),
    (NUMERIC, GRAVITY, None, []),                                 # not answered: no grade
    (ORDERING, {**STEPS, "feedback": "Loss before gradients."}, Grade(0.5, PARTIAL), ["Loss before gradients."]),
    (TRUE_FALSE, IS_FALSE, Grade(0.0, WRONG), ["Think again."]),
    (SHORT, ACTIVATION, Grade(0.0, WRONG), []),                   # no feedback written
])
def test_other_types_give_their_one_feedback_line_after_an_answer_that_is_not_right(qtype, definition, grade, lines):
    assert qtype.feedback(definition, {}, grade) == lines


# --- what item statistics read ------------------------------------------------------------------

@pytest.mark.parametrize("qtype, definition, info", [
    (SINGLE, TRANSPOSE, ItemInfo(7, 3, (1,), 1 / 3, distractors=True, one_key=True)),
    (MULTIPLE, LIST_METHODS, ItemInfo(7, 4, (0, 2), 0.25, distractors=True, one_key=False)),
    (TRUE_FALSE, IS_TRUE, ItemInfo(7, 2, (0,), 0.5)),      # option 0 is True, option 1 False
    (TRUE_FALSE, IS_FALSE, ItemInfo(7, 2, (1,), 0.5)),
    (NUMERIC, GRAVITY, ItemInfo(7, 0, (), None)),
    (SHORT, ACTIVATION, ItemInfo(7, 0, (), None)),
    (ORDERING, STEPS, ItemInfo(7, 0, (), 0.25)),
])
def test_item_info(qtype, definition, info):
    """Option counts, keys and the guessing floor item statistics flag distractors and keys with."""
    assert qtype.item_info(7, definition) == info


@pytest.mark.parametrize("qtype, definition, response, picks", [
    (SINGLE, TRANSPOSE, None, None), (SINGLE, TRANSPOSE, {"choice": 2}, (2,)),
    (MULTIPLE, LIST_METHODS, None, None), (MULTIPLE, LIST_METHODS, {"choices": [0, 3]}, (0, 3)),
    (TRUE_FALSE, IS_TRUE, None, None), (TRUE_FALSE, IS_TRUE, {"value": True}, (0,)),
    (TRUE_FALSE, IS_TRUE, {"value": False}, (1,)),
])
def test_picks_are_the_option_indices_statistics_count(qtype, definition, response, picks):
    assert qtype.picks(definition, response) == picks


# --- checks ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("definition, result, problem", [
    ({"type": "single", "choices": [{"text": "It raises `ValueError`", "correct": True}]},
     printed("It raises `ValueError`"), None),            # code marks inside the printed line are formatting too
    ({"type": "single", "choices": [{"text": "a", "correct": True}]},
     printed("Xa"), "check gave 'Xa', the marked choice is 'a'"),    # only code marks are stripped, no letters
    (IS_FALSE, printed("False"), None),
])
def test_a_check_proves_the_key(definition, result, problem):
    assert get_question_type(definition["type"]).check_problem(definition, result) == problem


# --- the question file ------------------------------------------------------------------------

def validate_ordering(*items):
    """Ordering.validate on `items:` as the YAML reader gives them (the key on line 9, an item per line
    from 10): ([(line, message)], the items it keeps)."""
    listed = LineList(items)
    listed.line, listed.item_lines = 9, list(range(10, 10 + len(items)))
    question = LineMap(items=listed)
    question.line, question.key_lines = 3, {"items": 9}
    issues, definition = [], {}
    ORDERING.validate(question, ItemChecker(FileChecker("t.yaml", issues), "q", "q-o"), definition)
    return [(issue.line, issue.message) for issue in issues], definition["items"]


def test_an_ordering_question_may_have_eight_items():
    items = [f"step {n}" for n in range(1, 9)]
    assert validate_ordering(*items) == ([], items)


def test_every_item_of_an_ordering_question_is_checked_after_a_bad_one():
    assert validate_ordering("a", "", "b", "b") == (
        [(11, "items: every item must be non-empty text"), (13, "items: duplicate item 'b'")], ["a", "b", "b"])


# --- formats --------------------------------------------------------------------------------------

def test_an_imported_ordering_question_needs_three_to_eight_different_items():
    assert ORDERING.import_problems({"items": [f"step {n}" for n in range(1, 9)]}) == []
    assert ORDERING.import_problems({"items": ["a", "b", "a"]}) == ["item 'a' appears twice"]
    assert ORDERING.import_problems({"items": ["a", "b"]}) == ["an ordering question needs 3-8 items, found 2"]
    single = get_question_type("single")
    assert single.import_problems({"choices": [{"text": "x"}]}) == ["a single question needs 2-8 choices, found 1"]


def test_gift_writes_no_empty_tolerance_or_feedback():
    assert NUMERIC.gift({"answer": 0.25}, print) == ("{#", ["\t=0.25"])
    assert TRUE_FALSE.gift(IS_TRUE, print) == ("{", ["\tTRUE"])


def test_moodle_ordering_answers():
    """Every item shown vertically, graded per neighbouring pair; no feedback written: empty texts."""
    question = ET.Element("question")
    ORDERING.moodle_answers(question, {"items": ["a", " b ", "c"]}, print)
    empty = "<text />"
    assert ET.tostring(question, encoding="unicode") == (
        "<question><layouttype>VERTICAL</layouttype><selecttype>ALL</selecttype><selectcount>0</selectcount>"
        "<gradingtype>RELATIVE_NEXT_EXCLUDE_LAST</gradingtype><showgrading>SHOW</showgrading>"
        "<numberingstyle>none</numberingstyle>"
        f'<partiallycorrectfeedback format="markdown">{empty}</partiallycorrectfeedback>'
        f'<incorrectfeedback format="markdown">{empty}</incorrectfeedback>'
        + "".join(f'<answer fraction="{n}.0000000" format="markdown"><text>{text}</text>'
                  f'<feedback format="markdown">{empty}</feedback></answer>' for n, text in ((1, "a"), (2, "b"), (3, "c")))
        + "</question>")


@pytest.mark.parametrize(("data", "selected", "text"), [
    (["2", 0], frozenset({"2", "0"}), ""),   # several values (checkboxes, an ordering's places)
    (None, frozenset(), ""),                # nothing saved
    ("", frozenset(), ""),                  # an empty post
    ("3.5", frozenset({"3.5"}), "3.5"),     # one value: a choice or a typed answer
    (1, frozenset({"1"}), "1"),
])
def test_the_answer_view_shows_what_was_saved_or_posted(data, selected, text):
    qtype = get_question_type("numeric")
    view = qtype.view({"type": "numeric", "answer": 1}, None, data, ["too long"])
    assert (view.selected, view.text) == (selected, text)
    assert (view.label, view.max_length, view.errors) == (qtype.answer_label, qtype.max_length, ["too long"])
    assert (view.label, view.max_length) == ("Your answer (a number)", 64)
