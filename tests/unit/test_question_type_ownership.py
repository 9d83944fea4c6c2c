"""A question type owns its knowledge: no module outside quizapp/questiontypes/ branches on a type's
name, so adding a type is one module, one template and its tests (docs/question-types.md)."""
import ast
import re
from pathlib import Path

import pytest

import quizapp
from quizapp.questiontypes import QUESTION_TYPES

PACKAGE = Path(quizapp.__file__).parent
OWNER = PACKAGE / "questiontypes"
NAMES = set(QUESTION_TYPES)


def _names_in(node: ast.AST) -> set[str]:
    """Type names written as constants in an expression (alone or in a tuple, list or set)."""
    if isinstance(node, ast.Constant) and node.value in NAMES:
        return {node.value}
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_names_in(e) for e in node.elts)) if node.elts else set()
    return set()


def branches_on_type_names(source: str) -> list[str]:
    """Where code compares with a type name, matches on one, looks one up, passes one as an option,
    or lists or keys a table by two or more."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            names = set().union(*(_names_in(part) for part in [node.left, *node.comparators]))
        elif isinstance(node, ast.MatchValue):
            names = _names_in(node.value)
        elif isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None and _names_in(k)]
            names = set().union(*(_names_in(k) for k in keys)) if len(keys) >= 2 else set()
        elif isinstance(node, ast.Subscript):       # per_type["numeric"]
            names = _names_in(node.slice)
        elif isinstance(node, ast.keyword):         # Fact(only="numeric")
            names = _names_in(node.value)
        elif isinstance(node, (ast.Set, ast.Tuple, ast.List)) and len(node.elts) >= 2:
            names = _names_in(node) if len(_names_in(node)) == len(node.elts) else set()
        else:
            continue
        if names:
            found.append(f"line {node.lineno}: {', '.join(sorted(names))}")
    return found


TEMPLATE_BRANCH = re.compile(r"""(==|!=|\bin)\s*\(?\s*['"](%s)['"]""" % "|".join(sorted(NAMES)))


def python_outside_the_types():
    return [p for p in sorted(PACKAGE.rglob("*.py")) if OWNER not in p.parents]


@pytest.mark.parametrize("path", python_outside_the_types(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_outside_the_types_branches_on_a_type_name(path):
    assert branches_on_type_names(path.read_text(encoding="utf-8")) == []


def test_no_template_branches_on_a_type_name():
    found = {str(p.relative_to(PACKAGE)): TEMPLATE_BRANCH.findall(p.read_text(encoding="utf-8"))
             for p in sorted((PACKAGE / "templates").rglob("*.html"))}
    assert {path: hits for path, hits in found.items() if hits} == {}


@pytest.mark.parametrize("code", [
    'if definition["type"] == "numeric": pass',
    'ok = qtype in ("single", "multiple")',
    'ok = "short" != kind',
    'GRADERS = {"single": 1, "multiple": 2}',
    'FREE = {"numeric", "short"}',
    'match qtype:\n    case "true_false":\n        pass',
    'free = per_type["numeric"] + per_type["short"]',
    'fact = Fact(valid, only="numeric")',
])
def test_the_scan_sees_each_way_of_branching(code):
    assert branches_on_type_names(code) != []


@pytest.mark.parametrize("code", [
    'question = {"type": "true_false", "answer": True}',      # a converter builds a definition
    'field = Field(render_kw={"multiple": True})',              # an HTML attribute, not a type
    'single = question.findtext("single")',                    # Moodle XML's own element
])
def test_the_scan_leaves_other_uses_of_the_words_alone(code):
    assert branches_on_type_names(code) == []


def test_the_template_scan_sees_a_branch():
    assert TEMPLATE_BRANCH.findall("{% if qtype.name == 'numeric' %}") != []


def test_every_type_has_its_template():
    templates = PACKAGE / "templates" / "quiz" / "types"
    assert [name for name, qt in QUESTION_TYPES.items() if not (templates / f"{qt.template}.html").exists()] == []
