import pytest

from quizapp.questiontypes import grade
from quizapp.scoring.exceptions import InvalidResponse, UnknownQuestionType
from quizapp.scoring.grading import CORRECT, PARTIAL, WRONG, Grade, normalise_text

SINGLE = {"type": "single", "choices": [{"text": "a", "correct": False}, {"text": "b", "correct": True},
                                        {"text": "c", "correct": False}]}
MULTIPLE = {"type": "multiple", "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True},
                                            {"text": "c", "correct": False}, {"text": "d", "correct": False}]}


class TestSingle:
    def test_key_earns_full_credit(self):
        assert grade(SINGLE, {"choice": 1}).fraction == 1.0
        assert grade(SINGLE, {"choice": 1}).state == CORRECT

    def test_other_choice_earns_nothing(self):
        g = grade(SINGLE, {"choice": 0})
        assert (g.fraction, g.state) == (0.0, WRONG)

    @pytest.mark.parametrize("bad", [3, -1, "1", None, True])
    def test_nonexistent_choice_is_invalid(self, bad):
        with pytest.raises(InvalidResponse):
            grade(SINGLE, {"choice": bad})


class TestMultiple:
    @pytest.mark.parametrize("picks, expected, state", [
        ([0, 1], 1.0, CORRECT),
        ([0], 0.5, PARTIAL),
        ([0, 1, 2], 0.5, PARTIAL),      # one wrong pick of two wrong options costs 1/2
        ([0, 2], 0.0, WRONG),
        ([2, 3], 0.0, WRONG),           # clamped at zero, never negative
        ([0, 1, 2, 3], 0.0, WRONG),     # ticking everything is not a strategy
    ])
    def test_partial_credit(self, picks, expected, state):
        g = grade(MULTIPLE, {"choices": picks})
        assert g.fraction == pytest.approx(expected)
        assert g.state == state


class TestTrueFalse:
    def test_grades_against_answer(self):
        q = {"type": "true_false", "answer": False}
        assert grade(q, {"value": False}).state == CORRECT
        assert grade(q, {"value": True}).state == WRONG

    def test_rejects_non_boolean(self):
        with pytest.raises(InvalidResponse):
            grade({"type": "true_false", "answer": True}, {"value": "yes"})


class TestNumeric:
    @pytest.mark.parametrize("tolerance, value, ok", [
        (None, 0.25, True),
        (None, 0.2500001, False),
        ({"kind": "abs", "value": 0.01}, 0.259, True),
        ({"kind": "abs", "value": 0.01}, 0.261, False),
        ({"kind": "rel", "value": 1.0}, 0.2524, True),    # 1 % of 0.25 is 0.0025
        ({"kind": "rel", "value": 1.0}, 0.2526, False),
    ])
    def test_tolerance(self, tolerance, value, ok):
        q = {"type": "numeric", "answer": 0.25, "tolerance": tolerance}
        assert (grade(q, {"value": value}).state == CORRECT) is ok

    def test_float_representation_error_is_forgiven(self):
        assert grade({"type": "numeric", "answer": 0.3}, {"value": 0.1 + 0.2}).state == CORRECT

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), "1", None, True])
    def test_rejects_non_numbers(self, bad):
        with pytest.raises(InvalidResponse):
            grade({"type": "numeric", "answer": 1.0}, {"value": bad})


class TestShort:
    def test_normalises_case_and_whitespace(self):
        q = {"type": "short", "answers": ["Gradient  Descent"]}
        assert grade(q, {"text": "  gradient descent "}).state == CORRECT
        assert grade(q, {"text": "gradient ascent"}).state == WRONG

    def test_case_sensitive(self):
        q = {"type": "short", "answers": ["NaN"], "case_sensitive": True}
        assert grade(q, {"text": "NaN"}).state == CORRECT
        assert grade(q, {"text": "nan"}).state == WRONG

    def test_pattern_must_match_whole_answer(self):
        q = {"type": "short", "pattern": r"\(3, ?4\)"}
        assert grade(q, {"text": "(3,4)"}).state == CORRECT
        assert grade(q, {"text": "(3, 4) maybe"}).state == WRONG

    def test_empty_text_never_matches_empty_answer(self):
        assert grade({"type": "short", "answers": [""]}, {"text": "   "}).state == WRONG

    def test_normalise_text(self):
        assert normalise_text(" A\tB  ") == "a b"


def test_unknown_type_names_known_types():
    with pytest.raises(UnknownQuestionType, match="single"):
        grade({"type": "essay"}, {})


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

@pytest.mark.parametrize("fraction, expected", [
    (1 - 1e-9, (1.0, CORRECT)),       # within the rounding allowance of full credit: full credit
    (1 - 2e-9, (1 - 2e-9, PARTIAL)),
    (1e-9, (0.0, WRONG)),             # within the rounding allowance of nothing: nothing
    (2e-9, (2e-9, PARTIAL)),
    (1.5, (1.0, CORRECT)),
    (-0.5, (0.0, WRONG)),
])
def test_grade_from_fraction_snaps_rounding_noise_and_clamps(fraction, expected):
    g = Grade.from_fraction(fraction)
    assert (g.fraction, g.state) == expected


@pytest.mark.parametrize("definition, response, message", [
    (SINGLE, {"choice": 7}, "choice 7 does not exist"),
    (MULTIPLE, {"choices": [0, "x"]}, "choice 'x' does not exist"),
    ({"type": "true_false", "answer": True}, {"value": "yes"}, "the answer must be true or false"),
    ({"type": "numeric", "answer": 1.0}, {"value": "1"}, "the answer must be a finite number"),
    ({"type": "short", "answers": ["x"]}, {"text": 3}, "the answer must be text"),
])
def test_invalid_responses_say_what_is_wrong(definition, response, message):
    with pytest.raises(InvalidResponse) as caught:
        grade(definition, response)
    assert str(caught.value) == message


def test_unknown_type_says_which_type_and_lists_the_known_ones():
    with pytest.raises(UnknownQuestionType) as caught:
        grade({"type": "essay"}, {})
    assert caught.value.name == "essay"
    assert caught.value.known == ["multiple", "numeric", "ordering", "short", "single", "true_false"]
    assert str(caught.value) == "unknown question type 'essay'; known types: multiple, numeric, ordering, short, single, true_false"


def test_multiple_without_picks_earns_nothing():
    g = grade(MULTIPLE, {})
    assert (g.fraction, g.state) == (0.0, WRONG)


@pytest.mark.parametrize("value, ok", [(204.0, True), (203.99, True), (204.01, False), (196.0, True), (195.99, False)])
def test_relative_tolerance_is_a_percentage_of_the_answer(value, ok):
    q = {"type": "numeric", "answer": 200.0, "tolerance": {"kind": "rel", "value": 2.0}}   # 2 % of 200 is 4
    assert (grade(q, {"value": value}).state == CORRECT) is ok


def test_exact_answers_forgive_only_rounding_error_relative_to_their_size():
    assert grade({"type": "numeric", "answer": 0.0}, {"value": 1e-9}).state == CORRECT       # the allowance itself
    assert grade({"type": "numeric", "answer": 0.0}, {"value": 1.1e-9}).state == WRONG
    big = 1e6
    assert grade({"type": "numeric", "answer": big}, {"value": big * (1 + 5e-10)}).state == CORRECT
    assert grade({"type": "numeric", "answer": big}, {"value": big * (1 + 2e-9)}).state == WRONG


class TestShortPatterns:
    def test_pattern_ignores_case_unless_case_sensitive(self):
        assert grade({"type": "short", "pattern": "nan"}, {"text": "NaN"}).state == CORRECT
        sensitive = {"type": "short", "pattern": "NaN", "case_sensitive": True}
        assert grade(sensitive, {"text": "NaN"}).state == CORRECT
        assert grade(sensitive, {"text": "nan"}).state == WRONG

    def test_pattern_sees_inner_whitespace_collapsed_to_one_space(self):
        q = {"type": "short", "pattern": "gradient descent"}
        assert grade(q, {"text": "  gradient \t  descent\n"}).state == CORRECT

    def test_a_listed_answer_earns_full_credit(self):
        g = grade({"type": "short", "answers": ["ReLU"], "pattern": "sigmoid"}, {"text": "relu"})
        assert (g.fraction, g.state) == (1.0, CORRECT)
        g = grade({"type": "short", "pattern": "sig(moid)?"}, {"text": "sig"})
        assert (g.fraction, g.state) == (1.0, CORRECT)
