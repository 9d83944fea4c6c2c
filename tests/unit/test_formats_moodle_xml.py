"""Moodle XML import/export: a realistic Moodle export, untrusted-input refusal, HTML, exact round trips."""
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from quizapp.bank.formats import to_yaml
from quizapp.bank.formats._html import html_to_markdown
from quizapp.bank.formats.moodle_xml import export_moodle_xml, import_moodle_xml
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURE_BANK

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
EXPORT = FORMATS / "moodle_export.xml"


def moodle_export():
    return import_moodle_xml(EXPORT.read_bytes(), str(EXPORT))


def by_id(result):
    return {q["id"]: q for q in result.questions}


def bank_copy(tmp_path: Path) -> Path:
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    return root


def roundtrip_definitions(tmp_path: Path) -> tuple[Path, list[tuple[str, dict]]]:
    root = bank_copy(tmp_path)
    shutil.copy(FORMATS / "roundtrip.yaml", root / "topics" / "roundtrip.yaml")
    bank = load_bank(root)
    assert bank.ok, bank.issues
    (root / "topics" / "roundtrip.yaml").unlink()
    return root, [(q.id, q.definition) for q in bank.questions if q.id.startswith("rt-")]


def reload(root: Path, questions: list[dict]):
    (root / "topics" / "converted.yaml").write_text(to_yaml(questions, "t.basics"), encoding="utf-8")
    return load_bank(root)


# --- import: a Moodle export ------------------------------------------------------------------

def test_html_multichoice_with_cdata_entities_and_code():
    q = by_id(moodle_export())["py-slice-1"]           # the id comes from <idnumber>
    assert q == {
        "id": "py-slice-1", "type": "single", "difficulty": 3,
        "prompt": 'What does `"abcdef"[1:4]` evaluate to?\n\n```python\ns = "abcdef"\nprint(s[1:4])\n```\n',
        "choices": [{"text": '`"bcd"`', "correct": True},
                    {"text": '`"bcde"`', "feedback": "The end index is *excluded*."},
                    {"text": '`"abcd"`', "feedback": "Indexing starts at 0."}],
        "explanation": "Slices include the start and **exclude** the end. See "
                       "[the tutorial](https://docs.python.org/3/tutorial/introduction.html#text).",
    }


def test_multiple_answer_with_weights_our_rule_represents():
    result = moodle_export()
    q = by_id(result)["mutable-types"]                  # the id comes from <name>
    assert q["prompt"] == "Which of these types are **mutable**?\n\n- Pick all that apply.\n- Wrong picks cost marks.\n"
    assert [c.get("correct", False) for c in q["choices"]] == [True, True, True, False]
    messages = [i.message for i in result.issues if i.question == "mutable-types"]
    assert not any("weights" in m for m in messages)
    assert "feedback for any correct response ('Well done!') dropped (quizapp gives feedback per choice)" in messages


def test_true_false_takes_the_feedback_of_the_wrong_answer():
    result = moodle_export()
    q = by_id(result)["float-equality"]
    assert (q["answer"], q["feedback"]) == (False, "Binary floating point cannot represent 0.1 exactly.")
    assert q["prompt"] == "In Python, 0.1 + 0.2 == 0.3 is True.\\\nThink about binary fractions.\n"   # <br> → hard break
    assert any("right answer dropped" in i.message for i in result.issues if i.question == "float-equality")


def test_short_answer_with_usecase_wildcard_and_catch_all_feedback():
    result = moodle_export()
    q = by_id(result)["generator-keyword"]
    assert q == {"id": "generator-keyword", "type": "short", "difficulty": 3,
                 "prompt": "Which keyword makes a function a **generator**?", "answers": ["yield"],
                 "pattern": "yield.*from", "case_sensitive": True,
                 "feedback": "Think of the keyword that hands out values one at a time.",
                 "explanation": "A function containing `yield` is a generator function."}
    assert "feedback for the wrong answer 'return' dropped (quizapp has one feedback for every wrong answer)" in [
        i.message for i in result.issues if i.question == "generator-keyword"]


def test_numerical_with_units_math_and_a_table():
    result = moodle_export()
    q = by_id(result)["latency"]
    assert (q["answer"], q["tolerance"], q["unit"], q["feedback"]) == (250.0, 0.5, "ms", "Multiply by 1000.")
    assert q["prompt"] == ("A request takes $0.25$ seconds. How long is that in milliseconds?\n\n"
                           "| unit | factor |\n| --- | --- |\n| s | 1000 |\n")
    assert q["explanation"] == "$$0.25 \\times 1000 = 250$$"
    assert "alternative units dropped (s): quizapp shows one unit and converts none" in [
        i.message for i in result.issues if i.question == "latency"]


def test_tags_and_hints_we_cannot_carry_are_reported():
    messages = [i.message for i in moodle_export().issues if i.question == "py-slice-1"]
    assert "Moodle tags dropped: python, week1" in messages
    assert "1 hint(s) dropped (quizapp has no hints)" in messages


def test_unsupported_questions_are_skipped_on_the_line_of_their_question_element():
    lines = EXPORT.read_text(encoding="utf-8").splitlines()
    skipped = [(i.line, i.question, i.message) for i in moodle_export().issues if i.message.endswith("skipped")]
    assert [(line, qid) for line, qid, _ in skipped] == [
        (228, "grants-birth-year"), (240, "animals"), (254, "reflection"), (264, "intro"), (274, "cloze"),
        (284, "which-animal"), (298, "drag-words"), (308, "hometown")]
    for line, _, _ in skipped:
        assert lines[line - 1].lstrip().startswith("<question type=")
    reasons = [message.split(";")[0] for _, _, message in skipped]
    assert reasons == [
        "several numeric answers with different credit have no quizapp equivalent "
        "(a numeric question has one answer and a tolerance)",
        "a matching question has no quizapp equivalent", "an essay question has no quizapp equivalent",
        "a description question has no quizapp equivalent",
        "a cloze (embedded answers) question has no quizapp equivalent",
        "has files embedded in the XML (e.g. images)", "a drag-and-drop question has no quizapp equivalent",
        "wrong answer 'Bethlehem' carries 25% credit"]


def test_imported_questions_carry_their_own_lines():
    lines = {i.question: i.line for i in moodle_export().issues}
    assert (lines["py-slice-1"], lines["mutable-types"], lines["float-equality"]) == (15, 72, 122)


def test_categories_are_reported_per_question():
    assert moodle_export().categories == {
        "py-slice-1": "Python/Basics", "mutable-types": "Python/Basics", "float-equality": "Python/Numbers",
        "generator-keyword": "Python/Numbers", "latency": "Python/Numbers"}


def test_str_and_bytes_and_windows_line_endings_read_the_same():
    text = EXPORT.read_text(encoding="utf-8")
    windows = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    assert import_moodle_xml(text, str(EXPORT)) == moodle_export() == import_moodle_xml(windows, str(EXPORT))


def test_declared_encoding_is_honoured():
    text = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<quiz><question type="truefalse"><name><text>Café'
            '</text></name><questiontext format="plain_text"><text>Le café est chaud.</text></questiontext>'
            '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
            "</question></quiz>")
    [q] = import_moodle_xml(text.encode("latin-1")).questions
    assert (q["id"], q["prompt"]) == ("cafe", "Le café est chaud.")


# --- untrusted input ---------------------------------------------------------------------------

def test_entity_bomb_is_refused_with_an_issue():
    result = import_moodle_xml((FORMATS / "entity_bomb.xml").read_bytes(), "entity_bomb.xml")
    assert result.questions == []
    [issue] = result.issues
    assert issue.line == 3 and issue.question is None
    assert "declares a DOCTYPE or ENTITY, which is refused" in issue.message


@pytest.mark.parametrize("text, line", [
    ('<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n<quiz/>', 1),
    ('<?xml version="1.0"?>\n\n<!doctype quiz>\n<quiz/>', 3),
    ('<quiz>\n<!ENTITY x "y">\n</quiz>', 2),
    # a CDATA opener inside a comment must not hide the declaration that follows the comment
    ('<!-- <![CDATA[ -->\n<!DOCTYPE q [<!ENTITY a "b">]>\n<quiz>]]></quiz>', 2),
])
def test_any_doctype_or_entity_is_refused(text, line):
    result = import_moodle_xml(text)
    assert [(i.line, "DOCTYPE or ENTITY" in i.message) for i in result.issues] == [(line, True)]
    assert result.questions == []


def test_doctype_as_text_inside_cdata_is_not_a_declaration():
    assert not any("DOCTYPE" in i.message for i in moodle_export().issues)


def test_malformed_xml_is_an_issue_with_its_line():
    result = import_moodle_xml("<quiz>\n<question type='truefalse'>\n<name>&nbsp;</name>\n</question>\n</quiz>")
    [issue] = result.issues
    assert issue.line == 3 and issue.message.startswith("not well-formed XML: undefined entity")


def test_wrong_root_is_an_issue():
    [issue] = import_moodle_xml("<questions/>").issues
    assert str(issue) == "line 1: the root element is <questions>, not Moodle's <quiz>"


def test_undecodable_bytes_are_an_issue():
    [issue] = import_moodle_xml(b"<quiz>\xff\xfe</quiz>").issues
    assert issue.message.startswith("cannot decode the file")


# --- HTML → Markdown ------------------------------------------------------------------------------

@pytest.mark.parametrize("html, markdown", [
    ("<p>One</p><p>Two&nbsp;words</p>", "One\n\nTwo words"),
    ("<p>a<br>b<br></p>", "a\\\nb"),
    ("<ol start='3'><li>three</li><li>four<ul><li>nested</li></ul></li></ol>", "3. three\n4. four\n   - nested"),
    ("<pre>if a &lt; b:\n\n\n    pass</pre>", "```\nif a < b:\n\n\n    pass\n```"),
    ("<p>Use <code>x &amp;&amp; y</code> or <kbd>Ctrl</kbd></p>", "Use `x && y` or `Ctrl`"),
    ("<a href='https://x.org/a b'>docs</a> <a href='https://x.org'>https://x.org</a> <a href='javascript:alert(1)'>no</a>",
     "[docs](https://x.org/a%20b) <https://x.org> no"),
    ("<b>bold </b>and <em>it</em>", "**bold** and *it*"),
    ("<script>alert(1)</script><style>p{}</style>kept", "kept"),
    ("<blockquote><p>quoted</p></blockquote>", "> quoted"),
    ("<h1>Title</h1><h5>small</h5>", "### Title\n\n##### small"),
    ("&amp;lt; is literal", "&amp;lt; is literal"),
    ("Inline \\( x^2 \\) and display \\[ \\frac{a}{b} \\]", "Inline $x^2$ and display $$\\frac{a}{b}$$"),
    ("<pre><code class='language-python'>print(\\(1\\))</code></pre>", "```python\nprint(\\(1\\))\n```"),
    ("<span style='color:red'><font size=2>plain</font></span>", "plain"),
])
def test_html_becomes_markdown(html, markdown):
    assert html_to_markdown(html) == (markdown, [])


def test_html_media_is_listed_for_the_caller_to_refuse():
    assert html_to_markdown("<p>See <img src='x.png'> and <video></video></p>")[1] == ["<img>", "<video>"]


# --- export ----------------------------------------------------------------------------------

def fixture_definitions():
    return [(q.id, q.definition) for q in load_bank(FIXTURE_BANK).questions]


def test_export_is_moodle_xml_with_markdown_text_tags_and_references():
    result = export_moodle_xml(fixture_definitions())
    text, issues = result.text, result.issues
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    quiz = ET.fromstring(text)
    single = next(q for q in quiz.iter("question") if q.findtext("idnumber") == "t-single")
    assert single.get("type") == "multichoice" and single.findtext("single") == "true"
    assert single.find("questiontext").get("format") == "markdown"
    assert single.findtext("questiontext/text") == 'What does `"abcdef"[1:4]` evaluate to?'
    assert [(a.get("fraction"), a.findtext("text")) for a in single.findall("answer")] == [
        ("100", '`"bcd"`'), ("0", '`"bcde"`'), ("0", '`"abcd"`')]
    assert [t.findtext("text") for t in single.findall("tags/tag")] == ["quizapp-difficulty-2", "quizapp-skill-t.basics"]
    assert single.findtext("generalfeedback/text") == (
        "Slices include the start and exclude the end.\n\n<p class=\"quizapp-references\">References: "
        '<a href="https://docs.python.org/3/tutorial/introduction.html#text">'
        "https://docs.python.org/3/tutorial/introduction.html#text</a></p>")
    multiple = next(q for q in quiz.iter("question") if q.findtext("idnumber") == "t-multiple")
    assert [a.get("fraction") for a in multiple.findall("answer")] == ["50", "-50", "50", "-50"]
    [issue] = issues
    assert (issue.question, issue.message) == ("t-short", "Moodle has no regular-expression answers: it accepts the "
                                               "listed answers only (the pattern is kept in the quizapp comment)")
    following = "\n".join(text.splitlines()[issue.line - 1:issue.line + 3])
    assert following.lstrip().startswith('<question type="shortanswer">') and "<text>t-short</text>" in following


def test_export_comment_carries_everything_as_json():
    text = export_moodle_xml(fixture_definitions()).text
    comments = re.findall(r"<!-- quizapp: (.*?) -->", text)
    assert json.loads(comments[0])["check"] == {"python": '"abcdef"[1:4]'}
    assert json.loads(comments[-1])["tolerance"] == "1%"


def test_export_numeric_short_and_true_false_shapes():
    quiz = ET.fromstring(export_moodle_xml(fixture_definitions()).text)
    questions = {q.findtext("idnumber"): q for q in quiz.iter("question")}
    pct = questions["t-numeric-pct"]
    assert (pct.findtext("answer/text"), pct.findtext("answer/tolerance")) == ("9.8696", "0.098696")
    tf = questions["t-true-false"]
    assert [(a.findtext("text"), a.get("fraction"), a.findtext("feedback/text")) for a in tf.findall("answer")] == [
        ("true", "0", "Binary floating point cannot represent 0.1 exactly."), ("false", "100", "")]
    short = questions["t-short"]
    assert (short.findtext("usecase"), [a.findtext("text") for a in short.findall("answer")]) == ("0", ["yield"])


def test_export_skips_what_moodle_cannot_hold():
    definitions = [
        ("p", {"type": "short", "difficulty": 3, "prompt": "{{n}}?", "params": {"n": [1, 2]}}),
        ("r", {"type": "short", "difficulty": 3, "prompt": "Regex only", "pattern": "^a+$"}),
        ("c", {"type": "true_false", "difficulty": 3, "prompt": "Bell \x07?", "answer": True}),
        ("ok", {"type": "short", "difficulty": 3, "prompt": "x -> int?", "answers": ["x -> int"]}),
    ]
    result = export_moodle_xml(definitions)
    text, issues = result.text, result.issues
    assert [str(i) for i in issues] == [
        "q 'p': a parameterised question has no fixed answer key for Moodle; not exported",
        "q 'r': only a regular expression accepts answers, and Moodle short answers need literal ones; not exported",
        "q 'c': contains control characters that XML cannot hold; not exported",
    ]
    assert [q.findtext("idnumber") for q in ET.fromstring(text).iter("question")] == ["ok"]


# --- round trip: YAML → Moodle XML → YAML gives the same definitions ------------------------------

ROUNDTRIP_IDS = [q["id"] for q in yaml.safe_load((FORMATS / "roundtrip.yaml").read_text())["questions"]]


@pytest.mark.parametrize("qid", ROUNDTRIP_IDS)
def test_round_trip_keeps_every_definition(tmp_path, qid):
    root, definitions = roundtrip_definitions(tmp_path)
    text = export_moodle_xml(definitions).text
    result = import_moodle_xml(text, "export.xml")
    assert result.issues == []
    bank = reload(root, result.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    assert {q.id: q.definition for q in bank.questions}[qid] == dict(definitions)[qid]


def test_through_moodle_tags_and_feedback_links_keep_the_essentials(tmp_path):
    """Moodle drops XML comments on import and export; tags and the references paragraph survive."""
    root, definitions = roundtrip_definitions(tmp_path)
    text = export_moodle_xml(definitions).text
    through_moodle = re.sub(r"\s*<!-- quizapp: .*? -->", "", text)
    assert "quizapp:" not in through_moodle
    result = import_moodle_xml(through_moodle)
    imported = by_id(result)
    for qid, definition in definitions:
        q = imported[qid]
        for key in ("type", "difficulty", "skills", "explanation", "references", "reviewed", "answer", "unit",
                    "feedback"):
            assert q.get(key) == definition.get(key), (qid, key)
        assert q.get("case_sensitive", False) == definition.get("case_sensitive", False)
    assert "check" not in imported["rt-single"] and "requires" not in imported["rt-single"]
    assert "pattern" not in imported["rt-short"]
    assert imported["rt-numeric-relative"]["tolerance"] == pytest.approx(6.02214076e21)
    assert imported["rt-numeric"]["tolerance"] == 0.001
    assert result.issues == []
    assert reload(root, result.questions).ok


def test_moodle_shaped_windows_file_loads_into_the_bank(tmp_path):
    data = (FORMATS / "windows_complete.xml").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    result = import_moodle_xml(data, "windows_complete.xml")
    assert [str(i) for i in result.issues] == [
        "line 5: category 'Default for Python 101/quizapp' (5 questions) not carried: a quizapp file has one skill; "
        "to give its questions another, convert with --category-skill 'Default for Python 101/quizapp=SKILL'"]
    assert set(result.categories.values()) == {"Default for Python 101/quizapp"}
    bank = reload(bank_copy(tmp_path), result.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    loaded = {q.id: q for q in bank.questions}
    assert loaded["xml-mutable"].definition["references"] == [
        "https://docs.python.org/3/reference/datamodel.html", "https://docs.python.org/3/library/stdtypes.html?a=1&b=2"]
    assert (loaded["xml-slice"].difficulty, loaded["xml-slice"].definition["reviewed"]) == (2, "2026-03-01")
    assert loaded["xml-ms"].skills == ("t.math",) and loaded["xml-ms"].definition["unit"] == "ms"


def test_a_quizapp_comment_applies_to_the_next_question_only():
    question = ('<question type="truefalse"><name><text>{}</text></name><questiontext format="plain_text">'
                "<text>Is it?</text></questiontext><answer fraction=\"100\"><text>true</text></answer>"
                '<answer fraction="0"><text>false</text></answer></question>')
    text = ("<quiz>\n<!-- quizapp: {\"difficulty\": 5} -->\n" + question.format("a") + "\n" + question.format("b")
            + "\n<!-- quizapp: {\"difficulty\": 2 -->\n" + question.format("c") + "\n</quiz>")
    result = import_moodle_xml(text)
    assert [q["difficulty"] for q in result.questions] == [5, 3, 3]
    assert ("c", 6, "the quizapp comment before this question is not valid JSON; ignored") in [
        (i.question, i.line, i.message) for i in result.issues]


# --- nothing dropped silently ------------------------------------------------------------------

def oddities(skills=None):
    return import_moodle_xml((FORMATS / "oddities.xml").read_bytes(), "oddities.xml", skills)


def test_category_elements_and_stray_elements_are_reported_on_their_lines():
    reported = [(i.line, i.message) for i in oddities().issues if i.question is None]
    assert reported == [
        (4, "category 'Python/Basics' (2 questions) not carried: a quizapp file has one skill; to give its questions "
            "another, convert with --category-skill 'Python/Basics=SKILL'"),
        (4, "the quizapp comment before this category, not a question, is ignored"),
        (7, "<notaquestion> is not a Moodle question; ignored"),
        (25, "category 'Python/Advanced' (1 question) not carried: a quizapp file has one skill; to give its "
             "questions another, convert with --category-skill 'Python/Advanced=SKILL'"),
    ]


def test_category_skills_give_questions_a_skill_unless_they_carry_their_own():
    result = oddities({"Python/Basics": "python.core"})
    assert {q["id"]: q.get("skills") for q in result.questions} == {
        "bad-meta": ["python.core"], "tagged": ["python.core"], "units": None}
    data = (FORMATS / "oddities.xml").read_bytes().replace(b"<text>easy</text>", b"<text>quizapp-skill-x.y</text>")
    result = import_moodle_xml(data, "oddities.xml", {"Python/Basics": "python.core"})
    assert {q["id"]: q.get("skills") for q in result.questions}["tagged"] == ["x.y"]
    assert "category 'Python/Basics' (2 questions): skill python.core (1 kept their own quizapp skills)" \
        in [i.message for i in result.issues]


# --- export: every type and every optional field, the whole text compared -------------------------

EVERY_TYPE = FORMATS / "export_every_type.xml"
EXPORTED = [
    ("single", {"type": "single", "difficulty": 2, "skills": ["t.a", "t.b"], "prompt": "Pick one",
                "explanation": "Because.", "references": ["https://x.org/a?b=1&c=2"], "reviewed": "2026-01-02",
                "choices": [{"text": " a ", "correct": True, "feedback": "Yes."}, {"text": "b", "correct": False},
                            {"text": "c"}]}),
    ("multiple", {"type": "multiple", "difficulty": 3, "prompt": "Pick some",
                  "choices": [{"text": "a", "correct": True}, {"text": "b", "correct": True},
                              {"text": "c", "correct": True}, {"text": "d", "correct": False, "feedback": "No."}]}),
    ("true-false-true", {"type": "true_false", "difficulty": 1, "prompt": "True?", "answer": True,
                         "feedback": "It is true."}),
    ("true-false-false", {"type": "true_false", "difficulty": 1, "prompt": "False?", "answer": False,
                          "feedback": "It is false."}),
    ("true-false-bare", {"type": "true_false", "prompt": "Bare?", "answer": True}),
    ("short", {"type": "short", "difficulty": 4, "prompt": "Name it", "answers": ["yield", "a*b"], "pattern": "^y",
               "case_sensitive": True, "feedback": "Think."}),
    ("short-plain", {"type": "short", "difficulty": 2, "prompt": "Name it", "answers": ["x"], "case_sensitive": False}),
    ("numeric-absolute", {"type": "numeric", "difficulty": 3, "prompt": "N?", "answer": 10.0,
                          "tolerance": {"kind": "abs", "value": 0.5}, "feedback": "Count.", "unit": "ms"}),
    ("numeric-relative", {"type": "numeric", "difficulty": 5, "prompt": "Pi?", "answer": 3.14,
                          "tolerance": {"kind": "rel", "value": 1.0}}),
    ("numeric-exact", {"type": "numeric", "difficulty": 5, "prompt": "Big?", "answer": 1e20}),
    ("references-only", {"type": "true_false", "difficulty": 2, "prompt": "R?", "answer": False, "explanation": "",
                         "references": ["https://a.org/<x>", "https://b.org"]}),
    ("no-prompt", {"type": "true_false", "answer": True}),
]


def test_export_writes_every_type_and_field():
    result = export_moodle_xml(EXPORTED)
    assert result.text == EVERY_TYPE.read_text(encoding="utf-8")
    assert result.written == [qid for qid, _ in EXPORTED]
    assert [(i.line, i.question, i.message) for i in result.issues] == [
        (204, "short", "Moodle has no regular-expression answers: it accepts the listed answers only "
                       "(the pattern is kept in the quizapp comment)")]
    assert result.text.splitlines()[203] == '  <question type="shortanswer">'


@pytest.mark.parametrize("definition, reason", [
    ({"type": "essay", "prompt": "Write"}, "type 'essay' cannot be exported"),
    ({"prompt": "?"}, "type None cannot be exported"),
    ({"type": "numeric", "prompt": "{{n}}", "params": {"n": [1]}, "answer": 1},
     "a parameterised question has no fixed answer key for Moodle"),
    ({"type": "essay", "params": {"n": [1]}}, "type 'essay' cannot be exported"),
    ({"type": "single", "prompt": "P", "choices": [{"text": "a\x01", "correct": True}, {"text": "b"}]},
     "contains control characters that XML cannot hold"),
    ({"type": "true_false", "prompt": "P", "answer": True, "check": {"python": "x\x0b"}},
     "contains control characters that XML cannot hold"),
    ({"type": "short", "prompt": "P", "pattern": "^a$"},
     "only a regular expression accepts answers, and Moodle short answers need literal ones"),
], ids=["unknown type", "no type", "parameterised", "type before parameters", "control character in a choice",
        "control character in a check", "pattern only"])
def test_export_skips_with_the_reason(definition, reason):
    result = export_moodle_xml([("x", definition)])
    assert (result.text, result.written) == ('<?xml version="1.0" encoding="UTF-8"?>\n<quiz />\n', [])
    assert [(i.line, i.question, i.message) for i in result.issues] == [(0, "x", f"{reason}; not exported")]


# --- ordering (Moodle's qtype_ordering) -----------------------------------------------------------

ORDERING = {"type": "ordering", "difficulty": 2, "skills": ["t.basics"],
            "prompt": "Put the steps of one PyTorch training iteration in order.",
            "explanation": "Gradients accumulate, so they are zeroed before the backward pass fills them.",
            "references": ["https://pytorch.org/tutorials/beginner/basics/optimization_tutorial.html"],
            "items": ["`optimizer.zero_grad()`", "forward pass", "`loss.backward()`", "`optimizer.step()`"],
            "feedback": "The step uses the gradients the backward pass computed."}


def test_an_ordering_question_goes_to_moodle_and_back(tmp_path):
    result = export_moodle_xml([("rt-order", ORDERING)])
    assert (result.issues, result.written) == ([], ["rt-order"])
    question = ET.fromstring(result.text).find("question")
    assert question.get("type") == "ordering"
    assert [question.findtext(tag) for tag in ("gradingtype", "selecttype", "layouttype")] == [
        "RELATIVE_NEXT_EXCLUDE_LAST", "ALL", "VERTICAL"]
    assert [(a.get("fraction"), a.findtext("text")) for a in question.findall("answer")] == [
        (f"{place}.0000000", text) for place, text in enumerate(ORDERING["items"], start=1)]
    back = import_moodle_xml(result.text, "export.xml")
    assert back.issues == []
    bank = reload(bank_copy(tmp_path), back.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    assert {q.id: q.definition for q in bank.questions}["rt-order"] == ORDERING


MOODLE_ORDERING = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="ordering">
    <name><text>Planets</text></name>
    <questiontext format="html"><text><![CDATA[<p>Order the planets from the Sun outwards.</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>1</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>planets</idnumber>
    <layouttype>HORIZONTAL</layouttype>
    <selecttype>RANDOM</selecttype>
    <selectcount>3</selectcount>
    <gradingtype>ABSOLUTE_POSITION</gradingtype>
    <showgrading>SHOW</showgrading>
    <numberingstyle>none</numberingstyle>
    <correctfeedback format="html"><text>Your answer is correct.</text></correctfeedback>
    <partiallycorrectfeedback format="html"><text>Your answer is partially correct.</text></partiallycorrectfeedback>
    <incorrectfeedback format="html"><text><![CDATA[<p>Mercury is closest.</p>]]></text></incorrectfeedback>
    <answer fraction="3.0000000" format="moodle_auto_format"><text>Earth</text></answer>
    <answer fraction="1.0000000" format="moodle_auto_format"><text>Mercury</text></answer>
    <answer fraction="4.0000000" format="moodle_auto_format"><text>Mars</text></answer>
    <answer fraction="2.0000000" format="moodle_auto_format"><text>Venus</text></answer>
  </question>
</quiz>
"""


def test_a_moodle_ordering_question_is_read_in_the_order_of_its_positions_with_what_differs_reported():
    result = import_moodle_xml(MOODLE_ORDERING, "planets.xml")
    [question] = result.questions
    assert (question["type"], question["items"], question["feedback"]) == (
        "ordering", ["Mercury", "Venus", "Earth", "Mars"], "Mercury is closest.")
    assert question["prompt"] == "Order the planets from the Sun outwards."
    messages = [(i.line, i.message) for i in result.issues]
    assert (3, "Moodle grades this ordering ABSOLUTE_POSITION; quizapp gives credit for each item directly followed "
               "by the one that should come next (Moodle's RELATIVE_NEXT_EXCLUDE_LAST)") in messages
    assert (3, "Moodle showed learners a subset of the items; quizapp shows them all") in messages


def test_gift_cannot_carry_an_ordering_question_and_says_so():
    from quizapp.bank.formats.gift import export_gift
    result = export_gift([("rt-order", ORDERING)])
    assert result.written == []
    assert [i.message for i in result.issues] == ["GIFT has no ordering questions; use Moodle XML; not exported"]
