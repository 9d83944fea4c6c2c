"""GIFT import/export: Moodle's own examples, real-file quirks, issues with lines, exact round trips.

Also covers `to_yaml`, the writer shared by every format: its output must load with the bank loader.
"""
import json
import shutil
from pathlib import Path

import pytest
import yaml

from quizapp.bank.formats import ConversionIssue, exporter, importer, to_yaml
from quizapp.bank.formats._common import QUESTION_ORDER
from quizapp.bank.formats.gift import export_gift, import_gift
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURE_BANK, category, todo

FORMATS = Path(__file__).parents[1] / "fixtures" / "formats"
DOCS = FORMATS / "moodle_docs.gift"


def bank_copy(tmp_path: Path) -> Path:
    """A copy of the fixture bank, to drop generated question files into topics/."""
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    return root


def roundtrip_definitions(tmp_path: Path) -> tuple[Path, list[tuple[str, dict]]]:
    root = bank_copy(tmp_path)
    shutil.copy(FORMATS / "roundtrip.yaml", root / "topics" / "roundtrip.yaml")
    bank = load_bank(root)
    assert bank.ok, bank.issues
    definitions = [(q.id, q.definition) for q in bank.questions if q.id.startswith("rt-")]
    (root / "topics" / "roundtrip.yaml").unlink()
    return root, definitions


def reload(root: Path, questions: list[dict], skill: str = "t.basics"):
    (root / "topics" / "converted.yaml").write_text(to_yaml(questions, skill), encoding="utf-8")
    return load_bank(root)


def docs():
    return import_gift(DOCS.read_text(encoding="utf-8"), str(DOCS))


def by_id(result):
    return {q["id"]: q for q in result.questions}


# --- import: Moodle's documentation examples --------------------------------------------------

def test_true_false_keeps_wrong_answer_feedback_and_reports_the_right_one():
    q = by_id(docs())["q1-t-f"]
    assert q == {"id": "q1-t-f", "type": "true_false", "difficulty": 3, "prompt": "1+1=2", "answer": True,
                 "feedback": "No: 1 + 1 is 2."}
    assert any(i.line == 7 and i.question == "q1-t-f" and "right answer dropped" in i.message for i in docs().issues)


def test_single_choice_with_feedback_per_answer():
    assert by_id(docs())["q2"]["choices"] == [
        {"text": "yellow", "correct": True, "feedback": "right; good!"},
        {"text": "red", "feedback": "wrong, it's yellow"},
        {"text": "blue", "feedback": "wrong, it's yellow"},
    ]


def test_missing_word_short_answer():
    q = by_id(docs())["q3"]
    assert (q["type"], q["prompt"], q["answers"]) == ("short", "Two plus _____ equals four.", ["two", "2"])


@pytest.mark.parametrize("qid", ["q5", "q6"])
def test_numeric_tolerance_and_range_both_give_midpoint_and_absolute_tolerance(qid):
    q = by_id(docs())[qid]
    assert (q["type"], q["answer"], q["tolerance"]) == ("numeric", 3.0, 2.0)


def test_weights_outside_our_rule_import_as_multiple_with_an_issue():
    result = docs()
    q = by_id(result)["grants-tomb"]
    assert q["type"] == "multiple"
    assert [c.get("correct", False) for c in q["choices"]] == [False, True, True, False]
    [issue] = [i for i in result.issues if i.question == "grants-tomb" and "weights" in i.message]
    assert issue.line == 37
    assert "-100%/+50%/+50%/-100%" in issue.message and "-50%/+50%/+50%/-50%" in issue.message


def test_weights_matching_our_rule_import_without_a_weight_issue():
    result = docs()
    q = by_id(result)["mutable-types"]
    assert q["choices"][0] == {"text": "list", "correct": True, "feedback": "Lists can grow and shrink."}
    assert q["explanation"] == "Lists and dicts change in place; tuples and strings do not."
    assert [i.message for i in result.issues if i.question == "mutable-types"] == [
        "no references in the source; add at least one"]


def test_escapes_markdown_and_multi_line_text():
    q = by_id(docs())["slicing-escapes"]
    assert q["prompt"] == 'Which slice gives `"bcd"` when `s = "abcdef"`?\nPick **one**.\n'
    assert q["choices"] == [
        {"text": "`s[1:4]`", "correct": True},
        {"text": "`s[1:3]`", "feedback": 'The end index is excluded: this gives `"bc"`.'},
        {"text": "`s{1:4}`", "feedback": "Braces do not slice."},
    ]
    assert q["explanation"] == "Slices take \\[start, end) with the end excluded; `#` starts a comment in Python."


def test_html_text_becomes_markdown():
    q = by_id(docs())["html-numeric"]
    assert q["prompt"] == "What does `len([1, 2, 3])` return?"
    assert q["explanation"] == "It counts the **items**."
    assert (q["type"], q["answer"]) == ("numeric", 3.0)


def test_moodle_wildcard_answer_becomes_a_pattern_and_any_other_answer_the_feedback():
    q = by_id(docs())["sky-colour"]
    assert q["prompt"] == "The sky on a clear day is _____."
    assert (q["answers"], q["pattern"], q["feedback"]) == (["blue"], "bl.*e", "Look up on a sunny day.")


def test_untitled_questions_get_file_stem_ids():
    ids = [q["id"] for q in docs().questions]
    assert ids[-2:] == ["moodle_docs-19", "moodle_docs-20"]
    assert len(set(ids)) == len(ids)


def test_what_cannot_be_carried_is_skipped_with_one_issue_on_its_line():
    skipped = {(i.line, i.question, i.message.split(";")[0]) for i in docs().issues if i.message.endswith("skipped")}
    assert skipped == {
        (17, "q4", "a matching question has no quizapp equivalent"),
        (26, "q7", "several numeric answers with different credit have no quizapp equivalent "
                   "(a numeric question has one answer and a tolerance)"),
        (32, "q8", "an essay question (empty answer block) has no quizapp equivalent"),
        (69, "intro", "no answer block {...}: a description (text only) has no quizapp equivalent"),
        (72, "two-blanks", "several answer blocks (a cloze question) have no quizapp equivalent"),
        (75, "partial-short", "answer 'two' carries 50% credit"),
        (78, "hometown", "wrong answer 'Bethlehem' carries 25% credit"),
        (86, "picture", "uses a file embedded in Moodle (@@PLUGINFILE@@, e.g. an image)"),
    }
    assert not {q for _, q, _ in skipped} & set(by_id(docs()))


def test_missing_explanation_and_references_are_reported_not_invented():
    result = docs()
    q2 = [str(i) for i in result.issues if i.question == "q2"]
    assert q2 == ["line 10: q 'q2': no explanation in the source; add one",
                  "line 10: q 'q2': no references in the source; add at least one"]
    assert "explanation" not in by_id(result)["q2"] and "references" not in by_id(result)["q2"]
    assert by_id(result)["q2"]["difficulty"] == 3


def test_broken_quizapp_comment_is_an_issue_on_its_own_line():
    assert ConversionIssue(92, None, "the quizapp comment is not valid JSON "
                                     "(Expecting property name enclosed in double quotes); ignored") in docs().issues


def test_categories_are_reported_per_question():
    categories = docs().categories
    assert categories["q1-t-f"] == categories["q6"] == "Python/Basics"
    assert categories["grants-tomb"] == categories["moodle_docs-20"] == "Python/Advanced"
    assert set(categories) == set(by_id(docs()))


def test_bom_and_windows_line_endings_change_nothing():
    text = DOCS.read_text(encoding="utf-8")
    windows = import_gift("\ufeff" + text.replace("\n", "\r\n"), str(DOCS))
    assert windows == docs()


def test_issue_text_names_line_and_question():
    assert str(ConversionIssue(17, "q4", "skipped")) == "line 17: q 'q4': skipped"
    assert str(ConversionIssue(3, None, "refused")) == "line 3: refused"
    assert str(ConversionIssue(0, "q9", "not exported")) == "q 'q9': not exported"


# --- import: details ------------------------------------------------------------------------------

@pytest.mark.parametrize("block, expected", [
    ("{#3.14:0.01}", {"answer": 3.14, "tolerance": 0.01}),
    ("{#-5..-1}", {"answer": -3.0, "tolerance": 2.0}),
    ("{#=42}", {"answer": 42.0}),
    ("{#2e3:0}", {"answer": 2000.0}),
    ("{#=42 ~#Count again.}", {"answer": 42.0, "feedback": "Count again."}),
])
def test_numeric_forms(block, expected):
    [q] = import_gift(f"::n::How many? {block}").questions
    assert {k: q[k] for k in ("answer", "tolerance", "feedback") if k in q} == expected


@pytest.mark.parametrize("bounds", ["a..5", "1..inf", "nan..1", "1e308..1.7e308", "-inf..inf"])
def test_a_range_of_anything_but_two_finite_numbers_is_skipped(bounds):
    """float() reads inf and nan, and a midpoint can overflow: each is skipped like a range of words."""
    result = import_gift(f"::n::How many? {{#{bounds}}}")
    assert not result.questions
    assert [i.message for i in result.issues] == [f"the range {bounds!r} is not two numbers; skipped"]


@pytest.mark.parametrize("block, expected", [
    ("{T}", ("true_false", True)), ("{TRUE}", ("true_false", True)),
    ("{F}", ("true_false", False)), ("{FALSE#Wrong.}", ("true_false", False)),
    ("{t}", ("short", None)),        # Moodle compares T/F case-sensitively: {t} accepts the text "t"
])
def test_true_false_markers_as_moodle_reads_them(block, expected):
    [q] = import_gift(f"Python is dynamically typed. {block}").questions
    assert (q["type"], q.get("answer")) == expected


def test_escape_rules_follow_moodle():
    [q] = import_gift(r"::e::[markdown]A \\n is not a newline\n but this is; \x stays, \\\{ is a backslash-brace.{T}").questions
    assert q["prompt"] == "A \\n is not a newline\n but this is; \\x stays, \\{ is a backslash-brace.\n"


def test_quizapp_comment_values_are_validated():
    text = ('// quizapp: {"difficulty": 9, "skills": "t.basics", "pattern": "(", "unit": "s", "color": 1}\n'
            "::m::Say yes. {=yes}")
    result = import_gift(text)
    [q] = result.questions
    assert q["difficulty"] == 3 and "skills" not in q and "pattern" not in q
    messages = [i.message for i in result.issues]
    assert "quizapp difficulty 9 is not 1-5; using 3" in messages
    assert "quizapp skills must be a non-empty list of texts; ignored" in messages
    assert "quizapp pattern '(' is not a regular expression; ignored" in messages
    assert "quizapp unit applies only to numeric questions; ignored" in messages
    assert "unknown quizapp key 'color' ignored" in messages
    assert all(i.line == 2 for i in result.issues)


def test_reserved_placeholder_characters_are_refused():
    result = import_gift("::x::Strange \ufdd0 text {T}")
    assert not result.questions and "noncharacters" in result.issues[0].message


def test_unbalanced_braces_are_an_issue():
    result = import_gift("::b::Sets use { braces. {T}")
    assert not result.questions
    assert result.issues[0].message.startswith("unbalanced braces")


def test_duplicate_titles_get_unique_ids():
    result = import_gift("::Same::One? {T}\n\n::Same::Two? {F}")
    assert [q["id"] for q in result.questions] == ["same", "same-2"]


# --- export -----------------------------------------------------------------------------------

def fixture_definitions():
    return [(q.id, q.definition) for q in load_bank(FIXTURE_BANK).questions]


def test_export_writes_moodle_gift_with_a_quizapp_comment():
    text = export_gift(fixture_definitions()).text
    assert (
        '// quizapp: {"difficulty": 2, "skills": ["t.basics"], "references": '
        '["https://docs.python.org/3/tutorial/introduction.html#text"], "check": {"python": "\\"abcdef\\"[1:4]"}}\n'
        "::t-single::[markdown]What does `\"abcdef\"[1\\:4]` evaluate to?{\n"
        "\t=`\"bcd\"`\n"
        "\t~`\"bcde\"`#The end index is excluded.\n"
        "\t~`\"abcd\"`#Indexing starts at 0.\n"
        "\t####Slices include the start and exclude the end.\n"
        "}\n"
    ) in text


def test_export_weights_follow_our_partial_credit_rule():
    text = export_gift(fixture_definitions()).text
    block = text[text.index("::t-multiple::"):]
    assert block.split("}\n")[0].splitlines()[1:5] == ["\t~%50%list", "\t~%-50%tuple#Tuples cannot change after creation.",
                                                       "\t~%50%dict", "\t~%-50%str#Strings are immutable."]
    definition = {"type": "multiple", "difficulty": 3, "prompt": "P", "explanation": "", "choices": [
        {"text": t, "correct": c} for t, c in (("a", True), ("b", True), ("c", True), ("d", False))]}
    text = export_gift([("m", definition)]).text
    assert "\t~%33.33333%a" in text and "\t~%-100%d" in text


def test_export_relative_tolerance_is_absolute_for_moodle():
    text = export_gift(fixture_definitions()).text
    assert "\t=9.8696:0.098696\n" in text
    assert '"tolerance": "1%"' in text


def test_export_reports_what_moodle_will_not_do_with_the_output_line():
    definitions = [
        ("p", {"type": "numeric", "difficulty": 3, "prompt": "{{n}} + 1?", "params": {"n": [1, 2]}}),
        ("s", {"type": "short", "difficulty": 3, "prompt": "Regex only", "pattern": "^a+$"}),
        ("arrow", {"type": "short", "difficulty": 3, "prompt": "Type hint?", "answers": ["x -> int"]}),
        ("u", {"type": "numeric", "difficulty": 3, "prompt": "Time?", "answer": 2.0, "unit": "ms"}),
        ("c", {"type": "short", "difficulty": 3, "prompt": "Name?", "answers": ["A"], "case_sensitive": True,
               "pattern": "^A$"}),
    ]
    result = export_gift(definitions)
    text, issues = result.text, result.issues
    lines = text.splitlines()
    assert [str(i) for i in issues if not i.line] == [
        "q 'p': a parameterised question has no fixed answer key for Moodle; not exported",
        "q 's': only a regular expression accepts answers, and Moodle short answers need literal ones; not exported",
        "q 'arrow': an answer or the feedback contains '->', which Moodle's GIFT reader takes for a matching "
        "question; use Moodle XML; not exported",
    ]
    located = {(i.question, i.message.split(":")[0]) for i in issues if i.line}
    assert located == {("u", "GIFT has no units"), ("c", "Moodle has no regular-expression answers"),
                       ("c", "Moodle's GIFT reader makes short answers case-insensitive (kept in the quizapp comment)")}
    for issue in issues:
        if issue.line:
            assert lines[issue.line - 1].startswith(f"::{issue.question}::")


def test_export_escapes_answers_moodle_would_misread():
    definition = {"type": "short", "difficulty": 3, "prompt": "Unpack?", "answers": ["*", "%5%"], "feedback": "No."}
    text = export_gift([("x", definition)]).text
    assert "\t=\\\\*\n" in text          # \* in Moodle is a literal star, not a wildcard
    assert "\t=%100%%5%\n" in text       # a leading %5% would be read as a weight
    assert "\t=%0%*#No.\n" in text       # our feedback is Moodle's "any other answer"
    [q] = import_gift(text).questions
    assert (q["answers"], q["feedback"]) == (["*", "%5%"], "No.")


def test_cli_registry_names_the_functions():
    assert importer("gift") is import_gift and exporter("gift") is export_gift
    assert importer("aiken").__name__ == "import_aiken"
    assert exporter("moodle-xml").__name__ == "export_moodle_xml"


# --- round trip: YAML → GIFT → YAML gives the same definitions -----------------------------------

ROUNDTRIP_IDS = [q["id"] for q in yaml.safe_load((FORMATS / "roundtrip.yaml").read_text())["questions"]]


@pytest.mark.parametrize("qid", ROUNDTRIP_IDS)
def test_round_trip_keeps_every_definition(tmp_path, qid):
    root, definitions = roundtrip_definitions(tmp_path)
    text = export_gift(definitions).text
    result = import_gift(text, "export.gift")
    assert result.issues == []
    bank = reload(root, result.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    assert {q.id: q.definition for q in bank.questions}[qid] == dict(definitions)[qid]


def test_round_trip_covers_every_supported_type(tmp_path):
    _, definitions = roundtrip_definitions(tmp_path)
    assert {d["type"] for _, d in definitions} == {"single", "multiple", "true_false", "numeric", "short"}
    text = export_gift(definitions).text
    imported = by_id(import_gift(text))
    for qid, definition in definitions:
        q = imported[qid]
        assert (q["type"], q["prompt"], q["difficulty"], q["explanation"], q["references"]) == (
            definition["type"], definition["prompt"], definition["difficulty"], definition["explanation"],
            definition["references"])


def test_without_the_quizapp_comment_moodle_facts_survive_and_the_rest_is_reported(tmp_path):
    _, definitions = roundtrip_definitions(tmp_path)
    text = export_gift(definitions).text
    plain = "\n".join(line for line in text.splitlines() if not line.startswith("// quizapp:"))
    result = import_gift(plain)
    q = by_id(result)["rt-single"]
    original = dict(definitions)["rt-single"]
    choices = [{k: v for k, v in c.items() if v is not False} for c in original["choices"]]
    assert (q["prompt"], q["choices"], q["explanation"]) == (original["prompt"], choices, original["explanation"])
    assert q["difficulty"] == 3 and "references" not in q
    assert "no references in the source; add at least one" in [i.message for i in result.issues
                                                                 if i.question == "rt-single"]


def test_single_line_block_text_loses_only_its_trailing_newline():
    """Moodle trims text, so `prompt: |` with one line comes back as a plain one-line prompt."""
    definition = {"type": "true_false", "difficulty": 2, "prompt": "Is 1 < 2?\n", "answer": True,
                  "explanation": "Yes.\n", "references": ["https://example.org/"]}
    [q] = import_gift(export_gift([("t", definition)]).text).questions
    assert (q["prompt"], q["explanation"]) == ("Is 1 < 2?", "Yes.")


# --- to_yaml ------------------------------------------------------------------------------------

def test_to_yaml_output_loads_into_the_bank_without_issues(tmp_path):
    data = (FORMATS / "windows_complete.gift").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    result = import_gift(data.decode("utf-8"), "windows_complete.gift")
    assert result.issues == []
    bank = reload(bank_copy(tmp_path), result.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    loaded = {q.id: q for q in bank.questions}
    assert loaded["imp-mutable"].definition["explanation"] == "Lists and dicts change in place.\n\nTuples and strings do not.\n"
    assert loaded["imp-yield"].definition["case_sensitive"] is True
    assert loaded["imp-len"].skills == ("t.basics",) and loaded["imp-float"].skills == ("t.basics",)


def test_to_yaml_leaves_a_todo_where_the_instructor_must_write(tmp_path):
    result = import_gift("::todo::Is 2 prime? {T}")
    text = to_yaml(result.questions, "t.basics")
    assert "    # explanation: missing in the source; write one before importing\n" in text
    assert "    # references: missing in the source; add at least one http(s) URL\n" in text
    bank = reload(bank_copy(tmp_path), result.questions)
    assert sorted(i.message for i in bank.issues) == ["missing required key 'explanation'",
                                                      "missing required key 'references'"]


def test_to_yaml_uses_block_scalars_for_multi_line_text():
    question = {"id": "b", "type": "short", "difficulty": 3, "prompt": "Line one:\n\n    indented code\n",
                "answers": ["yes"], "explanation": "  starts with spaces\nno newline at the end"}
    text = to_yaml([question], "t.basics")
    assert "    prompt: |\n      Line one:\n\n          indented code\n" in text
    assert "    explanation: |2-\n        starts with spaces\n      no newline at the end\n" in text
    assert yaml.safe_load(text) == {"skill": "t.basics", "questions": [question]}


@pytest.mark.parametrize("value", [
    "yes", "no", "on", "null", "~", "2026-01-01", "1e-07", "- dash", "key: value", "# hash", "'quoted'", '"dq"',
    "trailing space ", " leading", "tab\there", "a\n\n\n", "\n\nleading newlines", "   \nspaces line", "\u2028sep",
    "carriage\rreturn", "bell\x07", "ünïcödé π", "[flow]", "{map}", "|pipe", ">fold", "%percent", "@at", "`tick`",
])
def test_to_yaml_writes_any_text_faithfully(value):
    question = {"id": "t", "type": "short", "difficulty": 3, "prompt": value, "answers": [value],
                "feedback": value, "explanation": value, "references": ["https://example.org/a?b=1#c"]}
    assert yaml.safe_load(to_yaml([question], "t.basics"))["questions"] == [question]


def test_to_yaml_numbers_stay_numbers():
    question = {"id": "n", "type": "numeric", "difficulty": 3, "prompt": "p", "answer": 1e-07, "tolerance": "1%"}
    text = to_yaml([question, {**question, "id": "m", "answer": 6.02214076e23, "tolerance": 0.5}], "t.math")
    assert "answer: 0.0000001\n" in text and "answer: 6.02214076e+23\n" in text
    assert "tolerance: 1%\n" in text
    loaded = yaml.safe_load(text)["questions"]
    assert [q["answer"] for q in loaded] == [1e-07, 6.02214076e23]


def test_to_yaml_empty():
    assert to_yaml([], "t.basics") == "skill: t.basics\nquestions: []\n"


def test_metadata_comment_is_one_json_line():
    text = export_gift([("x", {"type": "true_false", "difficulty": 4, "prompt": "Multi\nline", "answer": False,
                                  "check": {"python": "print(1)\nprint(2)"}, "explanation": ""})]).text
    comment = next(line for line in text.splitlines() if line.startswith("// quizapp:"))
    assert json.loads(comment[len("// quizapp:"):]) == {"difficulty": 4, "check": {"python": "print(1)\nprint(2)"}}


@pytest.mark.parametrize("marked, prompt", [
    ("[plain]Is <b>this</b> bold?", "Is <b>this</b> bold?"),                    # plain text is kept as written
    ("[moodle]Line one\nline two?", "Line one\\\nline two?\n"),                  # Moodle turns line breaks into <br>
    ("Line one\nline two?", "Line one\\\nline two?\n"),                          # [moodle] is GIFT's default
    ("[html]<p>One.</p><p>Two &amp; <i>three</i>?</p>", "One.\n\nTwo & *three*?\n"),
    ("[markdown]Keep  **two**\\n\\n    spaces", "Keep  **two**\n\n    spaces\n"),   # escaped line breaks
])
def test_format_markers(marked, prompt):
    [q] = import_gift(f"::f::{marked}{{T}}").questions
    assert q["prompt"] == prompt


def test_quizapp_comment_without_a_question_is_reported():
    result = import_gift('// quizapp: {"difficulty": 2}\n\n::q::Is it? {T}')
    assert ConversionIssue(1, None, "a quizapp comment with no question after it") in result.issues
    assert result.questions[0]["difficulty"] == 3


# --- nothing dropped silently ------------------------------------------------------------------

ODDITIES = Path(__file__).parents[1] / "fixtures" / "formats" / "oddities.gift"


def oddities(skills=None):
    return import_gift(ODDITIES.read_text(encoding="utf-8"), str(ODDITIES), skills)


def test_category_lines_are_reported_with_their_question_count():
    messages = {i.line: i.message for i in oddities().issues if i.message.startswith("category ")}
    assert messages == {
        3: "category 'Python/Basics' (2 questions) not carried: a quizapp file has one skill; to give its questions "
           "another, convert with --category-skill 'Python/Basics=SKILL'",
        13: "category 'Python/Advanced' (3 questions) not carried: a quizapp file has one skill; to give its "
            "questions another, convert with --category-skill 'Python/Advanced=SKILL'"}


def test_category_skills_map_a_category_or_its_parent():
    result = oddities({"Python": "python.core", "Python/Advanced": "python.advanced"})
    assert {q["id"]: q.get("skills") for q in result.questions} == {
        "bad-meta": ["python.core"], "py-fn": ["python.core"], "weights": ["python.advanced"],
        "tf": ["python.advanced"], "num": ["python.advanced"]}
    assert [i.message for i in result.issues if i.message.startswith("category ")] == [
        "category 'Python/Basics' (2 questions): skill python.core",
        "category 'Python/Advanced' (3 questions): skill python.advanced"]


def test_question_glued_to_a_category_line_is_reported_not_dropped():
    [issue] = [i for i in oddities().issues if i.line == 14]
    assert "follows the $CATEGORY line in the same block" in issue.message and issue.message.endswith("skipped")


def test_quizapp_comment_before_a_category_is_reported():
    assert ConversionIssue(2, None, "a quizapp comment before a $CATEGORY line, not a question; ignored") \
        in oddities().issues


def test_moodle_id_and_tags_in_the_comment_before_a_question():
    result = oddities()
    question = by_id(result)["py-fn"]
    assert question["difficulty"] == 1
    assert ConversionIssue(11, "py-fn", "Moodle tags dropped: easy") in result.issues


# --- every kind of block and comment line: whole results compared ----------------------------------

def tf(qid, prompt, answer, difficulty=3, **facts):
    return {"id": qid, "type": "true_false", "difficulty": difficulty, "prompt": prompt, "answer": answer, **facts}


NOT_JSON = "the quizapp comment is not valid JSON (Expecting property name enclosed in double quotes); ignored"
ESSAY = "an essay question (empty answer block) has no quizapp equivalent; skipped"
NONCHARACTERS = "contains Unicode noncharacters (U+FDD0-U+FDD6), which the reader reserves; skipped"
GLUED = ("follows the $CATEGORY line in the same block, so Moodle reads it as part of the category name; put a blank "
         "line before the question; skipped")
RIGHT_FEEDBACK = "feedback for the right answer dropped (quizapp shows feedback only after a wrong answer)"

# (name, GIFT text, questions, issues as (line, question, message), categories[, category skills])
BLOCKS = [
    # titles and ids
    ("titled", "::t::Q? {T}", [tf("t", "Q?", True)], [*todo(1, "t")], {}),
    ("untitled", "Q? {T}", [tf("t-1", "Q?", True)], [*todo(1, "t-1")], {}),
    ("title not closed", "::title Q? {T}", [tf("t-1", "title Q?", True)], [*todo(1, "t-1")], {}),
    ("escaped title", "::a\\:b::Q? {T}", [tf("a-b", "Q?", True)], [*todo(1, "a-b")], {}),
    ("empty title", ":: ::Q? {T}", [tf("t-1", "Q?", True)], [*todo(1, "t-1")], {}),
    ("duplicate titles", "::Same::A? {T}\n\n::Same::B? {F}\n\nC? {T}",
     [tf("same", "A?", True), tf("same-2", "B?", False), tf("t-3", "C?", True)],
     [*todo(1, "same"), *todo(3, "same-2"), *todo(5, "t-3")], {}),
    ("a skipped question does not take its id", "::Same::A? {}\n\n::Same::B? {T}",
     [tf("same", "B?", True)], [(1, "same", ESSAY), *todo(3, "same")], {}),
    # the body
    ("indented", "   ::t::Q? {T}", [tf("t", "Q?", True)], [*todo(1, "t")], {}),
    ("several lines", "::t::Line one\nline two {\n=yes\n~no\n}",
     [{"id": "t", "type": "single", "difficulty": 3, "prompt": "Line one\\\nline two\n",
       "choices": [{"text": "yes", "correct": True}, {"text": "no"}]}], [*todo(1, "t")], {}),
    ("a comment line inside the body", "::t::Q?\n// c\n{T}", [tf("t", "Q?", True)], [*todo(1, "t")], {}),
    ("format marker", "::t::[html]<p>Q</p>{T}", [tf("t", "Q", True)], [*todo(1, "t")], {}),
    ("BOM and CRLF", "\ufeff::t::Q? {T}\r\n\r\n::u::R? {F}",
     [tf("t", "Q?", True), tf("u", "R?", False)], [*todo(1, "t"), *todo(3, "u")], {}),
    ("noncharacters", "::x::Odd \ufdd3 {T}", [], [(1, "t-1", NONCHARACTERS)], {}),
    ("noncharacters take a number", "Odd \ufdd3 {T}\n\nNext? {T}",
     [tf("t-2", "Next?", True)], [(1, "t-1", NONCHARACTERS), *todo(3, "t-2")], {}),
    ("skipped", "::t::Q? {}", [], [(1, "t", ESSAY)], {}),
    ("a skipped question's other issues are dropped", "::t::Q? {T#wrong#right}\n\n::u::{T}",
     [tf("t", "Q?", True, feedback="wrong")],
     [(1, "t", RIGHT_FEEDBACK), *todo(1, "t"), (3, "u", "the question has no text; skipped")], {}),
    ("numeric answers with different credit", "::n::N? {#=5:1 =%50%7}",
     [], [(1, "n", "several numeric answers with different credit have no quizapp equivalent (a numeric question has "
                   "one answer and a tolerance); skipped")], {}),
    # comments
    ("comments", "// a comment\n::t::Q? {T}\n// trailing comment", [tf("t", "Q?", True)], [*todo(2, "t")], {}),
    ("comments only", "// just a comment\n// another", [], [], {}),
    ("quizapp comment", '// quizapp: {"difficulty": 2, "skills": ["a.b"], "references": ["https://x.org"]}\n'
                        "::t::Q? {T####Why.}",
     [tf("t", "Q?", True, difficulty=2, skills=["a.b"], explanation="Why.", references=["https://x.org"])], [], {}),
    ("quizapp comment not JSON", "// quizapp: {bad\n::t::Q? {T}",
     [tf("t", "Q?", True)], [(1, None, NOT_JSON), *todo(2, "t")], {}),
    ("quizapp comment not an object", "// quizapp: [1]\n::t::Q? {T}",
     [tf("t", "Q?", True)], [(2, "t", "the quizapp comment must hold a JSON object; ignored"), *todo(2, "t")], {}),
    ("the last quizapp comment wins", '// quizapp: {"difficulty": 2}\n// quizapp: {"difficulty": 4}\n::t::Q? {T}',
     [tf("t", "Q?", True, difficulty=4)], [*todo(3, "t")], {}),
    ("quizapp comment after the body", '::t::Q? {T}\n// quizapp: {"difficulty": 2}',
     [tf("t", "Q?", True, difficulty=2)], [*todo(1, "t")], {}),
    ("quizapp comment alone", '// quizapp: {"difficulty": 2}',
     [], [(1, None, "a quizapp comment with no question after it")], {}),
    ("broken quizapp comment alone", "// quizapp: {",
     [], [(1, None, NOT_JSON), (1, None, "a quizapp comment with no question after it")], {}),
    ("quizapp comment on a skipped question", '// quizapp: {"zz": 1}\n::t::Q? {}', [], [(2, "t", ESSAY)], {}),
    ("Moodle id and tags", "// [id:my-id] [tag:easy] [tag:quizapp-difficulty-2]\n::title::Q? {T}",
     [tf("my-id", "Q?", True, difficulty=2)], [(2, "my-id", "Moodle tags dropped: easy"), *todo(2, "my-id")], {}),
    ("Moodle comments on several lines: the first id, every tag",
     "// [id:first]\n// [id:second] [tag:a]\n// [tag:b]\nQ? {T}",
     [tf("first", "Q?", True)], [(4, "first", "Moodle tags dropped: a, b"), *todo(4, "first")], {}),
    ("Moodle comment after the body", "Q? {T}\n// [id:late] [tag:x]", [tf("t-1", "Q?", True)], [*todo(1, "t-1")], {}),
    ("escaped brackets in a Moodle comment", "// [id:a\\]b] [tag:c\\]d]\nQ? {T}",
     [tf("a-b", "Q?", True)], [(2, "a-b", "Moodle tags dropped: c]d"), *todo(2, "a-b")], {}),
    ("quizapp tags", "// [tag:quizapp-skill-x.y] [tag:quizapp-skill-z] [tag:quizapp-reviewed-2026-01-01] [tag: ]\nQ? {T}",
     [tf("t-1", "Q?", True, skills=["x.y", "z"], reviewed="2026-01-01")], [*todo(2, "t-1")], {}),
    ("an invalid quizapp tag", "// [tag:quizapp-difficulty-9] [tag:other]\nQ? {T}",
     [tf("t-1", "Q?", True)],
     [(2, "t-1", "Moodle tags dropped: other"), (2, "t-1", "quizapp difficulty 9 is not 1-5; using 3"), *todo(2, "t-1")], {}),
    ("the quizapp comment wins over tags", '// [tag:quizapp-difficulty-1]\n// quizapp: {"difficulty": 5}\nQ? {T}',
     [tf("t-1", "Q?", True, difficulty=5)], [*todo(3, "t-1")], {}),
    ("the id in a Moodle comment wins over the title", "// [id:idn]\n::title::Q? {T}",
     [tf("idn", "Q?", True)], [*todo(2, "idn")], {}),
    ("the order of a question's issues", '// [tag:foo]\n// quizapp: {"zz": 1}\n::t::Q? {T#w#r}',
     [tf("t", "Q?", True, feedback="w")],
     [(3, "t", RIGHT_FEEDBACK), (3, "t", "Moodle tags dropped: foo"), (3, "t", "unknown quizapp key 'zz' ignored"),
      *todo(3, "t")], {}),
    # categories
    ("category", "$CATEGORY: $course$/top/A/B\n\nQ? {T}",
     [tf("t-1", "Q?", True)], [category(1, "A/B", 1), *todo(3, "t-1")], {"t-1": "A/B"}),
    ("escaped category", "$CATEGORY: A\\:B\n\nQ? {T}",
     [tf("t-1", "Q?", True)], [category(1, "A:B", 1), *todo(3, "t-1")], {"t-1": "A:B"}),
    ("indented category", "  $CATEGORY: A\n\nQ? {T}",
     [tf("t-1", "Q?", True)], [category(1, "A", 1), *todo(3, "t-1")], {"t-1": "A"}),
    ("quizapp comment before a category", '// quizapp: {"difficulty": 2}\n$CATEGORY: A\n\nQ? {T}',
     [tf("t-1", "Q?", True)],
     [(1, None, "a quizapp comment before a $CATEGORY line, not a question; ignored"), category(2, "A", 1),
      *todo(4, "t-1")], {"t-1": "A"}),
    ("Moodle comment before a category", "// [id:x] [tag:y]\n$CATEGORY: A\n\nQ? {T}",
     [tf("t-1", "Q?", True)], [category(2, "A", 1), *todo(4, "t-1")], {"t-1": "A"}),
    ("a question glued to a category", "$CATEGORY: A\n::t::Q? {T}\nmore",
     [], [category(1, "A", 0), (2, None, f"'::t::Q? {{T}} more' {GLUED}")], {}),
    ("an escaped question glued to a category", "$CATEGORY: A\nQ\\: {T}",
     [], [category(1, "A", 0), (2, None, f"'Q: {{T}}' {GLUED}")], {}),
    ("a question glued to a category after a comment", "$CATEGORY: A\n// c\nQ {T}",
     [], [category(1, "A", 0), (3, None, f"'Q {{T}}' {GLUED}")], {}),
    ("noncharacters in a category", "$CATEGORY: \ufdd0\n\nQ? {T}",
     [tf("t-2", "Q?", True)], [(1, "t-1", NONCHARACTERS), *todo(3, "t-2")], {}),
    ("mapped category", "$CATEGORY: A/B\n\nQ? {T}\n\n$CATEGORY: C\n\nR? {F}",
     [tf("t-1", "Q?", True, skills=["a.s"]), tf("t-2", "R?", False)],
     [(1, None, "category 'A/B' (1 question): skill a.s"), *todo(3, "t-1"), category(5, "C", 1), *todo(7, "t-2")],
     {"t-1": "A/B", "t-2": "C"}, {"A": "a.s"}),
]


@pytest.mark.parametrize("text, questions, issues, categories, skills",
                         [(row[1], row[2], row[3], row[4], row[5] if len(row) > 5 else None) for row in BLOCKS],
                         ids=[row[0] for row in BLOCKS])
def test_every_block_and_comment(text, questions, issues, categories, skills):
    result = import_gift(text, "t.gift", skills)
    assert result.questions == questions
    assert [(i.line, i.question, i.message) for i in result.issues] == issues
    assert result.categories == categories
    for question in result.questions:                 # keys in the order of a hand-written question file
        assert list(question) == [key for key in QUESTION_ORDER if key in question]
