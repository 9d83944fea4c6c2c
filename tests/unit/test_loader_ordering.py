"""The loader's words for an ordering question (its type validates its own keys), pinned whole."""
import pytest

from quizapp.bank.definitions import QuestionDef, content_hash
from quizapp.bank.loader import load_bank
from quizapp.bank.yaml_lines import display_path

ORDERING = """\
skill: t.basics
questions:
  - id: q-o
    type: ordering
    difficulty: 2
    prompt: Order them.
    explanation: E.
    references: [https://example.org/o]
{extra}    items:{body}
"""


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "questions"
    (root / "topics").mkdir(parents=True)
    (root / "skills.yaml").write_text("skills:\n  - {id: t.basics, name: Basics, area: python}\n", encoding="utf-8")
    return root


def load(root, body: str, extra: str = ""):
    """Items written after `items:` (line 9; a list item per line starts at line 10)."""
    body = "".join("\n      " + line for line in body.split("\n")) if body.startswith("-") else " " + body
    path = root / "topics" / "order.yaml"
    path.write_text(ORDERING.format(body=body, extra=extra), encoding="utf-8")
    bank = load_bank(root)
    return bank, [str(i).removeprefix(display_path(path) + ":") for i in bank.issues], display_path(path)


def test_an_ordering_question_loads_with_its_items_in_order(root):
    bank, issues, shown = load(root, "- first\n- second\n- '3.10'\n- 42", extra="    feedback: Think it through.\n")
    assert issues == []
    definition = {"type": "ordering", "difficulty": 2, "skills": ["t.basics"], "prompt": "Order them.",
                  "explanation": "E.", "references": ["https://example.org/o"],
                  "items": ["first", "second", "3.10", "42"], "feedback": "Think it through."}
    assert bank.questions == [QuestionDef("q-o", shown, 3, "ordering", 2, ("t.basics",), definition,
                                          content_hash(definition))]


@pytest.mark.parametrize("body, expected", [
    ("abc", ["9: q 'q-o': items: must be a list of texts in their right order"]),
    ("- a\n- b", ["9: q 'q-o': items: an ordering question needs 3-8 items, found 2"]),
    ("\n".join(f"- i{n}" for n in range(9)), ["9: q 'q-o': items: an ordering question needs 3-8 items, found 9"]),
    ("- a\n- b\n- a", ["12: q 'q-o': items: duplicate item 'a'"]),
    ("- a\n- {text: b}\n- c", ["11: q 'q-o': items: every item must be non-empty text"]),
    ("- a\n- ''\n- c", ["11: q 'q-o': items: every item must be non-empty text"]),
    ("- a\n- 3.10\n- c", ["11: q 'q-o': items: every item must be non-empty text: 3.10 is read by YAML as the "
                          "number 3.1; quote it: '3.10'"]),
    ("- a\n- yes\n- c", ["11: q 'q-o': items: every item must be non-empty text: yes is read by YAML as true; "
                         "quote it: 'yes'"]),
])
def test_items_errors(root, body, expected):
    bank, issues, _ = load(root, body)
    assert issues == expected and bank.questions == []


def test_an_ordering_question_without_items_or_with_choices_is_refused(root):
    path = root / "topics" / "order.yaml"
    path.write_text(ORDERING.replace("    items:{body}\n", "    choices: [a, b, c]\n").format(extra=""),
                    encoding="utf-8")
    issues = [str(i).removeprefix(display_path(path) + ":") for i in load_bank(root).issues]
    assert issues == ["3: q 'q-o': missing required key 'items'", "9: q 'q-o': unknown key 'choices'"]


def test_an_ordering_question_cannot_be_parameterised(root):
    bank, issues, _ = load(root, "- a\n- b\n- c", extra="    params: {n: [1, 2]}\n    check: {python: n}\n")
    assert issues == ["9: q 'q-o': params: only numeric and short questions can be parameterised"]
