"""Aiken import: single-choice only, so everything else about a question becomes an issue to resolve."""
import shutil
from pathlib import Path

import pytest

from quizapp.bank.formats import to_yaml
from quizapp.bank.formats._common import QUESTION_ORDER
from quizapp.bank.formats.aiken import import_aiken
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURE_BANK, category, todo

SAMPLE = Path(__file__).parents[1] / "fixtures" / "formats" / "sample.aiken.txt"


def sample():
    return import_aiken(SAMPLE.read_bytes().decode("utf-8"), str(SAMPLE))


def test_fixture_is_a_windows_file():
    assert b"\r\n" in SAMPLE.read_bytes()


def test_moodle_docs_example():
    first = sample().questions[0]
    assert first == {
        "id": "sample.aiken-1", "type": "single", "difficulty": 3,
        "prompt": "What is the correct answer to this question?",
        "choices": [{"text": "Is it this one?"}, {"text": "Maybe this answer?"}, {"text": "Possibly this one?"},
                    {"text": "Must be this one!", "correct": True}],
    }


def test_parenthesis_labels_and_questions_without_blank_lines_between():
    second, third = sample().questions[1:3]
    assert [c["text"] for c in second["choices"]][:2] == ["Moodle", "ATutor"]
    assert second["choices"][0]["correct"] is True
    assert third["prompt"] == "Which keyword defines a function in Python?\nThe question text may span lines.\n"
    assert third["choices"][0] == {"text": "def", "correct": True}


def test_lowercase_answer_letter_and_no_final_newline():
    last = sample().questions[-1]
    assert last["prompt"] == "Last question without a final newline?"
    assert last["choices"] == [{"text": "yes", "correct": True}, {"text": "no"}]


def test_malformed_questions_are_skipped_with_their_first_line():
    skipped = [(i.line, i.question, i.message) for i in sample().issues if i.message.endswith(("skipped", "ignored"))]
    assert skipped == [
        (23, "sample.aiken-4", "no ANSWER line after the choices; skipped"),
        (27, "sample.aiken-5", "ANSWER 'A, B' must be one letter: Aiken carries only single-choice questions; skipped"),
        (33, "sample.aiken-6", "ANSWER C names no choice (choices: A, B); skipped"),
        (38, None, "choice 'A. a choice before any question' has no question before it; ignored"),
        (39, None, "an ANSWER line without a question; ignored"),
    ]


def test_every_imported_question_asks_for_explanation_and_references():
    result = sample()
    for question in result.questions:
        messages = [i.message for i in result.issues if i.question == question["id"]]
        assert messages == ["no explanation in the source; add one", "no references in the source; add at least one"]


def test_ids_are_unique_file_stem_numbers():
    ids = [q["id"] for q in sample().questions]
    assert ids == ["sample.aiken-1", "sample.aiken-2", "sample.aiken-3", "sample.aiken-7"]


def test_bom_is_ignored():
    text = SAMPLE.read_bytes().decode("utf-8")
    assert import_aiken("\ufeff" + text, str(SAMPLE)) == sample()


@pytest.mark.parametrize("text, message", [
    ("Q?\nA. x\nANSWER: A", "a choice question needs at least 2 answers, found 1; skipped"),
    ("Q?\n" + "\n".join(f"{c}. {c.lower()}" for c in "ABCDEFGHI") + "\nANSWER: A",
     "a single question needs 2-8 choices, found 9; fix before importing"),
    ("Q?\nA. x\nB. x\nANSWER: A", "choice 'x' appears twice"),
    ("Q?\nA. x\nA. y\nANSWER: A", "two choices have the same letter; skipped"),
])
def test_shape_problems_are_reported(text, message):
    result = import_aiken(text, "q.txt")
    assert any(message in i.message for i in result.issues), [str(i) for i in result.issues]


def test_imported_yaml_fails_validation_only_for_what_the_instructor_must_add(tmp_path):
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    (root / "topics" / "aiken.yaml").write_text(to_yaml(sample().questions, "t.basics"), encoding="utf-8")
    messages = {i.message for i in load_bank(root).issues}
    assert messages == {"missing required key 'explanation'", "missing required key 'references'"}


# --- dialects: header lines are carried or reported, never glued into a prompt ---------------------

DIALECTS = Path(__file__).parents[1] / "fixtures" / "formats" / "dialects.aiken.txt"


def dialects():
    return import_aiken(DIALECTS.read_text(encoding="utf-8"), str(DIALECTS))


def test_header_lines_never_reach_a_prompt():
    prompts = [q["prompt"] for q in dialects().questions]
    assert prompts == ["Which keyword defines a function?\nNote: Python 3.\n", "Which loop runs at least once in C?",
                       "Define: a generator?", "Python: which is mutable?", "Is this carried?"]


def test_explanation_title_difficulty_reference_and_category_headers_are_carried():
    by_id = {q["id"]: q for q in dialects().questions}
    assert by_id["dialects.aiken-1"]["explanation"] == "def starts a function definition."
    assert by_id["dialects.aiken-3"]["explanation"] == "because"
    assert by_id["dialects.aiken-4"]["references"] == ["https://docs.python.org/3/"]
    assert by_id["my-q"]["difficulty"] == 2
    assert dialects().categories["my-q"] == "Python/Advanced"


def test_every_header_not_carried_is_reported_on_its_own_line():
    reported = [(i.line, i.question, i.message) for i in dialects().issues if "not carried" in i.message
                or "ignored" in i.message]
    assert reported == [
        (1, None, "category 'Python/Basics' (4 questions) not carried: a quizapp file has one skill; to give its "
                  "questions another, convert with --category-skill 'Python/Basics=SKILL'"),
        (2, "dialects.aiken-1", "'TYPE: MC' not carried: Aiken questions are single-choice"),
        (3, "dialects.aiken-1", "'Points: 2' not carried: quizapp does not weigh questions by points"),
        (10, "dialects.aiken-1", "'Tags: easy' not carried: quizapp has no tags"),
        (12, "dialects.aiken-2", "'Section: loops' not carried: quizapp has no field for it"),
        (26, "dialects.aiken-4", "'Difficulty: 9' not carried: quizapp difficulty is a whole number 1-5"),
        (27, "dialects.aiken-4", "'Reference: see the docs' not carried: a reference must be one http(s) URL"),
        (30, "my-q", "'Author: me' not carried: quizapp has no field for it"),
        (31, None, "category 'Python/Advanced' (1 question) not carried: a quizapp file has one skill; to give its "
                   "questions another, convert with --category-skill 'Python/Advanced=SKILL'"),
        (38, "my-q", "Solution: has no value; ignored"),
        (40, "dialects.aiken-6", "'TYPE: MA' not carried: Aiken questions are single-choice"),
        (45, "dialects.aiken-6", "'POINTS: 3' not carried: quizapp does not weigh questions by points"),
        (47, None, "'Orphan: header at the end' belongs to no question (no question text follows it); ignored"),
    ]


def test_unknown_header_before_a_question_is_reported_not_glued():
    result = import_aiken("Q1?\nA. a\nB. b\nANSWER: A\n\nSource-Id: 17\nQ2?\nA. c\nB. d\nANSWER: B\n", "q.txt")
    assert [q["prompt"] for q in result.questions] == ["Q1?", "Q2?"]
    assert any(i.line == 6 and i.question == "q-2" and "'Source-Id: 17' is read as a header line" in i.message
               for i in result.issues), [str(i) for i in result.issues]


def test_category_skills_give_mapped_categories_a_skill():
    result = import_aiken(DIALECTS.read_text(encoding="utf-8"), str(DIALECTS), {"Python/Advanced": "python.advanced"})
    assert {q["id"]: q.get("skills") for q in result.questions}["my-q"] == ["python.advanced"]
    assert "dialects.aiken-1" in result.categories and "skills" not in result.questions[0]
    assert any(i.line == 31 and i.message == "category 'Python/Advanced' (1 question): skill python.advanced"
               for i in result.issues)


# --- every kind of line, in every state the reader can be in: whole results compared ---------------

def single(qid, prompt, texts, key, difficulty=3, **facts):
    """An imported Aiken question: `key` is the letter of the correct choice."""
    choices = [{"text": text, **({"correct": True} if "ABCDEFGH"[i] == key else {})} for i, text in enumerate(texts)]
    return {"id": qid, "type": "single", "difficulty": difficulty, "prompt": prompt, "choices": choices, **facts}


NO_FIELD = "is read as a header line, not question text, and quizapp has no field for it; not carried (if it belongs " \
           "to the question, add it to the prompt)"
NO_QUESTION = "belongs to no question (no question text follows it); ignored"
POINTS = "not carried: quizapp does not weigh questions by points"

# (name, Aiken text, questions, issues as (line, question, message), categories[, category skills])
LINES = [
    # question text, choices, ANSWER and blank lines
    ("plain", "Q?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("blank lines everywhere", "\n\nQ?\n\nA. a\n\nB. b\n\nANSWER: B\n\n\n",
     [single("t-1", "Q?", ["a", "b"], "B")], [*todo(3, "t-1")], {}),
    ("paragraph in the text", "Line one\n\nLine two\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Line one\n\nLine two\n", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("no blank line between questions", "Q1?\nA. a\nB. b\nANSWER: A\nQ2?\nA) c\nB) d\nANSWER: b",
     [single("t-1", "Q1?", ["a", "b"], "A"), single("t-2", "Q2?", ["c", "d"], "B")],
     [*todo(1, "t-1"), *todo(5, "t-2")], {}),
    ("ANSWER spacing and case", "Q?\nA. a\nB. b\nanswer :   b  ",
     [single("t-1", "Q?", ["a", "b"], "B")], [*todo(1, "t-1")], {}),
    ("indented lines", "   Q?\n\tA. a\n  B. b  \n ANSWER: A ",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("BOM and CRLF", "\ufeffQ?\r\nA. a\r\nB. b\r\nANSWER: A\r\n",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("CR only", "Q?\rA. a\rB. b\rANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("a choice needs a space after its label", "Q?\nA.a\nB. b\nC. c\nANSWER: B",
     [single("t-1", "Q?\nA.a\n", ["b", "c"], "A")], [*todo(1, "t-1")], {}),
    ("a lowercase label is text", "Q?\na. x\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?\na. x\n", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("HTML is plain text", "Is <b>this</b> bold?\nA. <i>a</i>\nB. b\nANSWER: A",
     [single("t-1", "Is <b>this</b> bold?", ["<i>a</i>", "b"], "A")], [*todo(1, "t-1")], {}),
    ("text after an ANSWER starts the next question", "Q?\nA. a\nB. b\nANSWER: A\nNext question text\nA. c\nB. d\nANSWER: B",
     [single("t-1", "Q?", ["a", "b"], "A"), single("t-2", "Next question text", ["c", "d"], "B")],
     [*todo(1, "t-1"), *todo(5, "t-2")], {}),
    # lines out of place
    ("ANSWER first", "ANSWER: A\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")], [(1, None, "an ANSWER line without a question; ignored"), *todo(2, "t-1")], {}),
    ("ANSWER after text only", "Q?\nANSWER: A",
     [], [(1, "t-1", "ANSWER A names no choice (choices: none); skipped")], {}),
    ("no choices", "Q?\nANSWER: A\n",
     [], [(1, "t-1", "ANSWER A names no choice (choices: none); skipped")], {}),
    ("two ANSWER lines", "Q?\nA. a\nB. b\nANSWER: A\nANSWER: B",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [*todo(1, "t-1"), (5, None, "an ANSWER line without a question; ignored")], {}),
    ("ANSWER after a header only", "TYPE: MC\nANSWER: A",
     [], [(1, None, f"'TYPE: MC' {NO_QUESTION}"), (2, None, "an ANSWER line without a question; ignored")], {}),
    ("choice first", "A. orphan\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [(1, None, "choice 'A. orphan' has no question before it; ignored"), *todo(2, "t-1")], {}),
    ("choice after an ANSWER", "Q?\nA. a\nB. b\nANSWER: A\nC. late",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [*todo(1, "t-1"), (5, None, "choice 'C. late' has no question before it; ignored")], {}),
    ("text after the choices", "Q?\nA. a\nB. b\nMore text\nA. c\nB. d\nANSWER: A",
     [single("t-2", "More text", ["c", "d"], "A")],
     [(1, "t-1", "no ANSWER line after the choices; skipped"), *todo(4, "t-2")], {}),
    ("end of file after the choices", "Q?\nA. a\nB. b",
     [], [(1, "t-1", "no ANSWER line at the end of the file; skipped")], {}),
    ("end of file after text", "Just text",
     [], [(1, "t-1", "no ANSWER line at the end of the file; skipped")], {}),
    # questions that cannot be carried
    ("ANSWER not one letter", "Q?\nA. a\nB. b\nANSWER: AB",
     [], [(1, "t-1", "ANSWER 'AB' must be one letter: Aiken carries only single-choice questions; skipped")], {}),
    ("ANSWER names no choice", "Q?\nA. a\nB. b\nANSWER: C",
     [], [(1, "t-1", "ANSWER C names no choice (choices: A, B); skipped")], {}),
    ("two choices with one letter", "Q?\nA. a\nA. b\nANSWER: A",
     [], [(1, "t-1", "two choices have the same letter; skipped")], {}),
    ("a skipped question keeps its header issues", "Points: 2\nQ?\nA. a\nANSWER: A",
     [], [(1, "t-1", f"'Points: 2' {POINTS}"), (2, "t-1", "a choice question needs at least 2 answers, found 1; skipped")],
     {}),
    # categories
    ("categories between questions",
     "CATEGORY: A/B\nQ1?\nA. a\nB. b\nANSWER: A\nCATEGORY: $course$/top/C\nQ2?\nA. c\nB. d\nANSWER: B",
     [single("t-1", "Q1?", ["a", "b"], "A"), single("t-2", "Q2?", ["c", "d"], "B")],
     [category(1, "A/B", 1), *todo(2, "t-1"), category(6, "C", 1), *todo(7, "t-2")], {"t-1": "A/B", "t-2": "C"}),
    ("category in lowercase", "category: x\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")], [category(1, "x", 1), *todo(2, "t-1")], {"t-1": "x"}),
    ("category inside the choices", "Q?\nA. a\nB. b\nCATEGORY: X\nQ2?\nA. c\nB. d\nANSWER: A",
     [single("t-2", "Q2?", ["c", "d"], "A")],
     [(1, "t-1", "no ANSWER line after the choices; skipped"), category(4, "X", 1), *todo(5, "t-2")], {"t-2": "X"}),
    ("category after an ANSWER", "Q?\nA. a\nB. b\nANSWER: A\nCATEGORY: X\nQ2?\nA. c\nB. d\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A"), single("t-2", "Q2?", ["c", "d"], "A")],
     [*todo(1, "t-1"), category(5, "X", 1), *todo(6, "t-2")], {"t-2": "X"}),
    ("category inside the text files the question there", "Q?\nCATEGORY: X\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1"), category(2, "X", 1)], {"t-1": "X"}),
    ("headers before a category belong to the next question", "TYPE: MC\nCATEGORY: X\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [(1, "t-1", "'TYPE: MC' not carried: Aiken questions are single-choice"), category(2, "X", 1), *todo(3, "t-1")],
     {"t-1": "X"}),
    ("empty category", "CATEGORY: Empty\n\nCATEGORY: Full\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [category(1, "Empty", 0), category(3, "Full", 1), *todo(4, "t-1")], {"t-1": "Full"}),
    ("mapped category", "CATEGORY: Py\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A", skills=["py.core"])],
     [(1, None, "category 'Py' (1 question): skill py.core"), *todo(2, "t-1")], {"t-1": "Py"}, {"Py": "py.core"}),
    # headers carried
    ("title, difficulty and reference before the text",
     "Title: My Q\nDifficulty: 4\nReference: https://x.org/a\nQ?\nA. a\nB. b\nANSWER: A",
     [single("my-q", "Q?", ["a", "b"], "A", difficulty=4, references=["https://x.org/a"])],
     [*todo(4, "my-q", references=False)], {}),
    ("explanation and reference after the ANSWER",
     "Q?\nA. a\nB. b\nANSWER: A\nExplanation: why\nReference: https://x.org\nPoints: 1",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="why", references=["https://x.org"])],
     [(7, "t-1", f"'Points: 1' {POINTS}")], {}),
    ("explanation is plain text", "Solution:\nQ?\nA. a\nB. b\nANSWER: A\nExplanation: <b>x</b> &amp;",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="<b>x</b> &amp;")],
     [(1, "t-1", "Solution: has no value; ignored"), *todo(2, "t-1", explanation=False)], {}),
    ("a known header inside the text", "Q?\nFeedback: fb\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="fb")], [*todo(1, "t-1", explanation=False)], {}),
    ("two references", "Reference: https://a.org\nURL: http://b.org\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A", references=["https://a.org", "http://b.org"])],
     [*todo(3, "t-1", references=False)], {}),
    ("a blank line between the headers and the text", "Title: x\n\nQ?\nA. a\nB. b\nANSWER: A",
     [single("x", "Q?", ["a", "b"], "A")], [*todo(3, "x")], {}),
    ("headers after an ANSWER, then a blank line",
     "Q?\nA. a\nB. b\nANSWER: A\nExplanation: e\n\nQ2?\nA. c\nB. d\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="e"), single("t-2", "Q2?", ["c", "d"], "A")],
     [*todo(1, "t-1", explanation=False), *todo(7, "t-2")], {}),
    ("headers after an ANSWER, then text", "Q?\nA. a\nB. b\nANSWER: A\nExplanation: e\nNext Q?\nA. c\nB. d\nANSWER: B",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="e"), single("t-2", "Next Q?", ["c", "d"], "B")],
     [*todo(1, "t-1", explanation=False), *todo(6, "t-2")], {}),
    ("duplicate titles", "Title: T\nQ1?\nA. a\nB. b\nANSWER: A\n\nTitle: T\nQ2?\nA. a\nB. b\nANSWER: A",
     [single("t", "Q1?", ["a", "b"], "A"), single("t-2", "Q2?", ["a", "b"], "A")],
     [*todo(2, "t"), *todo(8, "t-2")], {}),
    # headers reported
    ("a header between the choices and the ANSWER", "Q?\nA. a\nB. b\nHint: think\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1"), (4, "t-1", "'Hint: think' not carried: quizapp has no hints")],
     {}),
    ("a known header inside the text is not text", "Q line one\nTags: x\nmore text\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q line one\nmore text\n", ["a", "b"], "A")],
     [*todo(1, "t-1"), (2, "t-1", "'Tags: x' not carried: quizapp has no tags")], {}),
    ("a two-word known header", "Correct feedback: yes\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [(1, "t-1", "'Correct feedback: yes' not carried: quizapp gives feedback per choice"), *todo(2, "t-1")], {}),
    ("a header without a value", "Q?\nA. a\nB. b\nANSWER: A\nExplanation:",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1"), (5, "t-1", "Explanation: has no value; ignored")], {}),
    ("a second explanation", "Q?\nA. a\nB. b\nANSWER: A\nFeedback: one\nExplanation: two",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="one")],
     [*todo(1, "t-1", explanation=False), (6, "t-1", "'Explanation: two' not carried: a second Explanation line")], {}),
    ("a second title", "Title: a\nName: b\nQ?\nA. a\nB. b\nANSWER: A",
     [single("a", "Q?", ["a", "b"], "A")], [(2, "a", "'Name: b' not carried: a second Name line"), *todo(3, "a")], {}),
    ("a difficulty not 1-5", "Difficulty: hard\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [(1, "t-1", "'Difficulty: hard' not carried: quizapp difficulty is a whole number 1-5"), *todo(2, "t-1")], {}),
    ("a second difficulty", "Difficulty: 2\nDifficulty: 4\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A", difficulty=2)],
     [(2, "t-1", "'Difficulty: 4' not carried: quizapp difficulty is a whole number 1-5"), *todo(3, "t-1")], {}),
    ("a reference not a URL", "Source: a book\nQ?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [(1, "t-1", "'Source: a book' not carried: a reference must be one http(s) URL"), *todo(2, "t-1")], {}),
    ("an unknown one-word header after the ANSWER", "Q?\nA. a\nB. b\nANSWER: A\nFoo: bar",
     [single("t-1", "Q?", ["a", "b"], "A")], [*todo(1, "t-1"), (5, "t-1", f"'Foo: bar' {NO_FIELD}")], {}),
    ("headers with no question after them", "Q?\nA. a\nB. b\nANSWER: A\n\nTYPE: MC\nPoints: 2",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [*todo(1, "t-1"), (6, None, f"'TYPE: MC' {NO_QUESTION}"), (7, None, f"'Points: 2' {NO_QUESTION}")], {}),
    # `WORD: ...` lines that are question text after all
    ("an unknown header inside the text stays text", "Q?\nNote: stays\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?\nNote: stays\n", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("an unknown header after the first text line stays text", "Q?\nPython: x\nmore\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Q?\nPython: x\nmore\n", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("a question-like header right before the choices is text", "Python: which?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Python: which?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("an unknown header before question-like text", "Known: x\nPython: which?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Python: which?", ["a", "b"], "A")], [(1, "t-1", f"'Known: x' {NO_FIELD}"), *todo(2, "t-1")], {}),
    ("a known header before question-like text", "Points: 1\nPython: which?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Python: which?", ["a", "b"], "A")], [(1, "t-1", f"'Points: 1' {POINTS}"), *todo(2, "t-1")], {}),
    ("question-like text after an ANSWER, then choices", "Q?\nA. a\nB. b\nANSWER: A\nPython: which?\nA. c\nB. d\nANSWER: B",
     [single("t-1", "Q?", ["a", "b"], "A"), single("t-2", "Python: which?", ["c", "d"], "B")],
     [*todo(1, "t-1"), *todo(5, "t-2")], {}),
    ("a known header after an ANSWER, then choices", "Q?\nA. a\nB. b\nANSWER: A\nPoints: 2\nA. c\nB. d\nANSWER: B",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [*todo(1, "t-1"), (5, "t-1", f"'Points: 2' {POINTS}"), (6, None, "choice 'A. c' has no question before it; ignored"),
      (7, None, "choice 'B. d' has no question before it; ignored"),
      (8, None, "an ANSWER line without a question; ignored")], {}),
    ("unknown headers right before the choices are the text", "Python: lists\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Python: lists", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("the last unknown headers before the choices are the text",
     "Points: 1\nPython: lists\nRuby: too\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Python: lists\nRuby: too\n", ["a", "b"], "A")],
     [(1, "t-1", f"'Points: 1' {POINTS}"), *todo(2, "t-1")], {}),
    ("a known header right before the choices leaves them no question", "Python: lists\nPoints: 1\nA. a\nB. b\nANSWER: A",
     [], [(1, None, f"'Python: lists' {NO_QUESTION}"), (2, None, f"'Points: 1' {NO_QUESTION}"),
          (3, None, "choice 'A. a' has no question before it; ignored"),
          (4, None, "choice 'B. b' has no question before it; ignored"),
          (5, None, "an ANSWER line without a question; ignored")], {}),
    ("a known header alone before the choices", "Topic: lists\nA. a\nB. b\nANSWER: A",
     [], [(1, None, f"'Topic: lists' {NO_QUESTION}"), (2, None, "choice 'A. a' has no question before it; ignored"),
          (3, None, "choice 'B. b' has no question before it; ignored"),
          (4, None, "an ANSWER line without a question; ignored")], {}),
    ("unknown headers after an ANSWER, then choices, are the next text",
     "Q?\nA. a\nB. b\nANSWER: A\nExplanation: e\nPython: lists\nA. c\nB. d\nANSWER: B",
     [single("t-1", "Q?", ["a", "b"], "A", explanation="e"), single("t-2", "Python: lists", ["c", "d"], "B")],
     [*todo(1, "t-1", explanation=False), *todo(6, "t-2")], {}),
    ("an unknown header before the ANSWER stays with its question", "Q?\nA. a\nB. b\nFoo: bar\nANSWER: A\nC. c",
     [single("t-1", "Q?", ["a", "b"], "A")],
     [*todo(1, "t-1"), (4, "t-1", f"'Foo: bar' {NO_FIELD}"), (6, None, "choice 'C. c' has no question before it; ignored")],
     {}),
    ("a question is not a header value", "Which is true: a or b?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Which is true: a or b?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("an unknown header has one word", "Consider this one: x\nA. a\nB. b\nANSWER: A",
     [single("t-1", "Consider this one: x", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
    ("a URL is not a header", "https://x.org is it?\nA. a\nB. b\nANSWER: A",
     [single("t-1", "https://x.org is it?", ["a", "b"], "A")], [*todo(1, "t-1")], {}),
]


@pytest.mark.parametrize("text, questions, issues, categories, skills",
                         [(row[1], row[2], row[3], row[4], row[5] if len(row) > 5 else None) for row in LINES],
                         ids=[row[0] for row in LINES])
def test_every_line_kind(text, questions, issues, categories, skills):
    result = import_aiken(text, "t.txt", skills)
    assert result.questions == questions
    assert [(i.line, i.question, i.message) for i in result.issues] == issues
    assert result.categories == categories
    for question in result.questions:                 # keys in the order of a hand-written question file
        assert list(question) == [key for key in QUESTION_ORDER if key in question]
