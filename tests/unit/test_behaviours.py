"""Attempt behaviours (attempts/behaviours.py): each one's answers, how attempts and assessments map to
them, and that the rest of the app asks them instead of comparing mode strings."""
import ast
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from quizapp.attempts.behaviours import (
    ADAPTIVE,
    ADAPTIVE_MODE,
    ASSESSMENT,
    ASSESSMENT_MODE,
    PRACTICE,
    PRACTICE_MODE,
    Adaptive,
    DeferredFeedback,
    ImmediateFeedback,
    assessment_behaviour,
    behaviour_of,
    chosen_behaviour,
    unranked_modes,
)
from quizapp.bank.schema import ASSESSMENT_MODES
from quizapp.scoring.gaps import GAP, NO_GAP, UNCERTAIN

ADAPTIVE_PRACTICE = Adaptive(PRACTICE)
EVERY_BEHAVIOUR = [ASSESSMENT, PRACTICE, ADAPTIVE, ADAPTIVE_PRACTICE]


class TestAnswers:
    @pytest.mark.parametrize("behaviour, mode, label, shows_key, chooses_next, checked_final", [
        (ASSESSMENT, "assessment", "Assessment", False, False, False),
        (PRACTICE, "practice", "Practice", True, False, True),
        (ADAPTIVE, "assessment", "Assessment", False, True, True),
        (ADAPTIVE_PRACTICE, "practice", "Practice", True, True, True),
    ])
    def test_each_behaviour_answers(self, behaviour, mode, label, shows_key, chooses_next, checked_final):
        assert behaviour.mode == mode and behaviour.label == label
        assert behaviour.shows_key_on_check is shows_key
        assert behaviour.chooses_next_question is chooses_next
        assert behaviour.checked_answers_are_final is checked_final

    @pytest.mark.parametrize("behaviour", [ASSESSMENT, PRACTICE])
    def test_a_fixed_form_never_grows(self, behaviour):
        assert not any(behaviour.extends_on_next(position, 5) for position in range(1, 6))
        assert not any(behaviour.offers_more_questions(status) for status in (GAP, UNCERTAIN, NO_GAP))

    @pytest.mark.parametrize("behaviour", [ADAPTIVE, ADAPTIVE_PRACTICE])
    def test_an_adaptive_attempt_grows_from_its_last_slot(self, behaviour):
        assert [behaviour.extends_on_next(position, 3) for position in (1, 2, 3)] == [False, False, True]

    @pytest.mark.parametrize("behaviour", [ADAPTIVE, ADAPTIVE_PRACTICE])
    def test_an_adaptive_report_offers_more_questions_on_a_skill_not_sure_yet(self, behaviour):
        assert [behaviour.offers_more_questions(s) for s in (GAP, UNCERTAIN, NO_GAP)] == [False, True, False]

    def test_the_classes_are_moodles_behaviours(self):
        assert isinstance(ASSESSMENT, DeferredFeedback) and isinstance(PRACTICE, ImmediateFeedback)
        assert ADAPTIVE == Adaptive(ASSESSMENT) and ADAPTIVE.feedback is ASSESSMENT


class TestRanking:
    @pytest.mark.parametrize("behaviour, ranked", [
        (ASSESSMENT, True), (PRACTICE, False), (ADAPTIVE, True), (ADAPTIVE_PRACTICE, False)])
    def test_attempts_that_showed_keys_along_the_way_are_not_ranked(self, behaviour, ranked):
        assert behaviour.ranked_among_learners is ranked

    @pytest.mark.parametrize("mode", ["assessment", "practice", "something else"])
    @pytest.mark.parametrize("adaptive", [False, True])
    def test_the_percentiles_sql_leaves_out_exactly_the_unranked_stored_modes(self, mode, adaptive):
        assert (mode not in unranked_modes()) is behaviour_of(SimpleNamespace(mode=mode, adaptive=adaptive)).ranked_among_learners


class TestMapping:
    @pytest.mark.parametrize("behaviour", EVERY_BEHAVIOUR)
    def test_what_an_attempt_stores_reads_back_as_its_behaviour(self, behaviour):
        assert behaviour_of(SimpleNamespace(**behaviour.stored)) == behaviour

    @pytest.mark.parametrize("mode, adaptive, expected", [
        ("assessment", False, ASSESSMENT), ("practice", False, PRACTICE),
        ("assessment", True, ADAPTIVE), ("practice", True, ADAPTIVE_PRACTICE),
        ("something else", False, ASSESSMENT),  # any mode but practice shows keys on the report only
    ])
    def test_behaviour_of_a_stored_attempt(self, mode, adaptive, expected):
        assert behaviour_of(SimpleNamespace(mode=mode, adaptive=adaptive)) == expected

    @pytest.mark.parametrize("assessment_mode, expected", [
        ("assessment", ASSESSMENT), ("practice", PRACTICE), ("adaptive", ADAPTIVE)])
    def test_an_assessments_own_behaviour(self, assessment_mode, expected):
        assert assessment_behaviour(SimpleNamespace(mode=assessment_mode)) == expected

    def test_every_mode_a_bank_may_give_has_its_behaviour(self):
        assert set(ASSESSMENT_MODES) == {ASSESSMENT_MODE, PRACTICE_MODE, ADAPTIVE_MODE}
        assert {assessment_behaviour(SimpleNamespace(mode=m)) for m in ASSESSMENT_MODES} == {
            ASSESSMENT, PRACTICE, ADAPTIVE}

    @pytest.mark.parametrize("assessment_mode, chosen, expected", [
        ("assessment", "assessment", ASSESSMENT), ("assessment", "practice", PRACTICE),
        ("practice", "assessment", ASSESSMENT), ("practice", "practice", PRACTICE),
        ("adaptive", "assessment", ADAPTIVE), ("adaptive", "practice", ADAPTIVE_PRACTICE),
    ])
    def test_the_assessment_chooses_selection_and_the_learner_feedback(self, assessment_mode, chosen, expected):
        assert chosen_behaviour(SimpleNamespace(mode=assessment_mode), chosen) == expected


# --- nothing outside behaviours.py decides by a behaviour's name ---------------------------------

QUIZAPP = Path(__file__).resolve().parents[2] / "quizapp"
NAMES = {ASSESSMENT_MODE, PRACTICE_MODE, ADAPTIVE_MODE}
ALLOWED: set[tuple[str, str]] = set()  # no exception: every decision asks the behaviour


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _mentions_mode(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr == "mode" or isinstance(n, ast.Name) and "mode" in n.id
               for n in ast.walk(node))


def _tests(tree: ast.AST):
    """Every expression a branch depends on: conditions, boolean operands, comparisons."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            yield node.test
        elif isinstance(node, ast.BoolOp):
            yield from node.values
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node.operand
        elif isinstance(node, ast.comprehension):
            yield from node.ifs


def python_findings() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(QUIZAPP.rglob("*.py")):
        name = path.relative_to(QUIZAPP).as_posix()
        if name == "attempts/behaviours.py" or name.startswith("migrations/"):
            continue
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source)
        suspects = [n for n in ast.walk(tree) if isinstance(n, ast.Compare) and _mentions_mode(n)
                    and _strings(n) & NAMES]
        suspects += [t for t in _tests(tree) if isinstance(t, ast.Attribute) and t.attr == "adaptive"]
        for node in suspects:
            line = lines[node.lineno - 1].strip()
            if (name, line) not in ALLOWED:
                found.append((name, node.lineno, line))
    return found


TEMPLATE_BRANCH = re.compile(r"""mode\s*[!=]=|[!=]=\s*\w+\.mode\b|\.adaptive\b""")


def template_findings() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted((QUIZAPP / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if TEMPLATE_BRANCH.search(line):
                found.append((path.relative_to(QUIZAPP).as_posix(), number, line.strip()))
    return found


def test_no_module_decides_by_a_behaviours_name():
    assert python_findings() == []


def test_no_template_decides_by_mode_or_adaptive():
    assert template_findings() == []


def test_the_scan_finds_what_it_forbids(tmp_path, monkeypatch):
    module = tmp_path / "quiz" / "routes.py"
    module.parent.mkdir()
    module.write_text('def f(attempt, a):\n'
                      '    x = "practice" if attempt.mode == "practice" else "assessment"\n'
                      '    if a.mode in ("adaptive",):\n        pass\n'
                      '    return attempt.adaptive and x\n')
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("{% if attempt.mode != 'practice' %}\n{% if attempt.adaptive %}\n{{ attempt.mode }}\n")
    monkeypatch.setattr(sys.modules[__name__], "QUIZAPP", tmp_path)
    assert sorted(n for _, n, _ in python_findings()) == [2, 3, 5]
    assert [n for _, n, _ in template_findings()] == [1, 2]
