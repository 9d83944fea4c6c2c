"""The loader's error table: every malformed input gives path:line: q 'id': message."""
import textwrap
from pathlib import Path

import pytest
import yaml

from quizapp.bank import yaml_lines
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURES, GOOD, PARAM, write


def issues_of(root):
    return [str(i) for i in load_bank(root).issues]


def test_good_file_loads(bank_dir):
    write(bank_dir, GOOD)
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    [q] = bank.questions
    assert (q.id, q.qtype, q.difficulty, q.skills) == ("q-good", "single", 2, ("t.basics",))
    assert q.definition["choices"][1] == {"text": "b", "correct": True}


# (replace this, with this) in GOOD → (line, message fragment)
ERROR_TABLE = [
    ("        correct: true\n", "        correct: false\n", 7, "choices: no choice is marked correct"),
    ("      - text: a\n", "      - text: a\n        correct: true\n", 7, "2 choices are marked correct"),
    ("    difficulty: 2\n", "    difficulty: 7\n", 5, "difficulty: must be an integer 1-5"),
    ("    difficulty: 2\n", "    dificulty: 2\n", 5, "unknown key 'dificulty' (did you mean 'difficulty'?)"),
    ("    difficulty: 2\n", "", 3, "missing required key 'difficulty'"),
    ("    type: single\n", "    type: essay\n", 4, "type: 'essay' is not one of"),
    ("    explanation: It is b.\n", "", 3, "missing required key 'explanation'"),
    ("[https://example.org/b]", "[not a url]", 13, "references: 'not a url' is not an http(s) URL"),
    ("skill: t.basics", "skill: t.nope", 1, "skill: unknown skill 't.nope'"),
    ("    difficulty: 2\n", "    difficulty: 2\n    skills: [t.basic]\n", 6, "unknown skill 't.basic' (did you mean 't.basics'?)"),
    ("      - text: a\n", "      - text: b\n", 10, "duplicate choice text 'b'"),
    ("      - text: a\n", "      - text: yes\n", 8, "'text' must be non-empty text"),
    ("    prompt: Pick b.\n", "    prompt: Pick b.\n    prompt: Pick a.\n", 7, "duplicate key 'prompt'"),
    ("    prompt: Pick b.\n", "    prompt: &p Pick b.\n    explanation2: *p\n", 7, "anchors and aliases"),
    ("    prompt: Pick b.\n", "    prompt: !!python/object:os.system Pick b.\n", 6, "YAML syntax error"),
    ("    prompt: Pick b.\n", "    prompt: [unclosed\n", 7, "YAML syntax error"),
    ("  - id: q-good\n", "  - id: Q Good!\n", 3, "id: missing or invalid"),
    ("    difficulty: 2\n", "    difficulty: 2\n    reviewed: 2026-13-45\n", 6, "'2026-13-45' is not a valid date"),
]


@pytest.mark.parametrize("old, new, line, fragment", ERROR_TABLE)
def test_error_table(bank_dir, old, new, line, fragment):
    assert old in GOOD
    write(bank_dir, GOOD.replace(old, new, 1))
    issues = issues_of(bank_dir)
    assert any(fragment in i for i in issues), issues
    matching = [i for i in issues if fragment in i][0]
    assert matching.startswith(f"questions/topics/topic.yaml:{line}:") or f"topic.yaml:{line}:" in matching, matching


def test_message_names_file_line_and_question(bank_dir):
    write(bank_dir, GOOD.replace("        correct: true\n", ""))
    [issue] = issues_of(bank_dir)
    assert issue.endswith("topic.yaml:7: q 'q-good': choices: no choice is marked correct")


def test_every_error_is_collected_not_just_the_first(bank_dir):
    bad = GOOD.replace("    difficulty: 2\n", "    difficulty: 9\n    colour: red\n")
    write(bank_dir, bad + bad.split("questions:\n")[1].replace("q-good", "q-two").replace("Pick b.", ""))
    issues = issues_of(bank_dir)
    assert len(issues) >= 4
    assert any("q 'q-two'" in i for i in issues) and any("q 'q-good'" in i for i in issues)


def test_ids_unique_across_files(bank_dir):
    write(bank_dir, GOOD, "one.yaml")
    write(bank_dir, GOOD, "two.yaml")
    issues = issues_of(bank_dir)
    assert len(issues) == 1 and "duplicate id (also at" in issues[0] and "one.yaml:3" in issues[0]


def test_validating_one_file_still_catches_ids_taken_elsewhere(bank_dir):
    write(bank_dir, GOOD, "existing.yaml")
    new = write(bank_dir, GOOD, "new.yaml")
    issues = [str(i) for i in load_bank(bank_dir, [new]).issues]
    assert len(issues) == 1 and "new.yaml:3" in issues[0] and "existing.yaml:3" in issues[0]


@pytest.mark.parametrize("snippet, fragment", [
    ("    type: numeric\n    answer: abc\n", "answer: must be a number"),
    ("    type: numeric\n    answer: 1\n    tolerance: 5 percent\n", "tolerance: use a non-negative number"),
    ("    type: short\n", "a short question needs 'answers' or 'pattern'"),
    ("    type: short\n    pattern: '(unclosed'\n", "pattern: not a valid regular expression"),
    ("    type: true_false\n    answer: maybe\n", "answer: must be true or false"),
    ("    type: multiple\n    choices: [{text: a}, {text: b}, {text: c}]\n", "no choice is marked correct"),
    ("    type: single\n    choices: [{text: a, correct: true}]\n", "needs 2-8 choices"),
])
def test_type_specific_errors(bank_dir, snippet, fragment):
    text = ("skill: t.basics\nquestions:\n  - id: q-x\n" + snippet +
            "    difficulty: 1\n    prompt: P\n    explanation: E\n    references: [https://example.org]\n")
    write(bank_dir, text)
    issues = issues_of(bank_dir)
    assert any(fragment in i and "q 'q-x'" in i for i in issues), issues


def test_tolerance_forms(bank_dir):
    text = ("skill: t.basics\nquestions:\n"
            "  - {id: a, type: numeric, answer: 2, tolerance: 0.5, difficulty: 1, prompt: P, explanation: E, references: [https://e.org]}\n"
            "  - {id: b, type: numeric, answer: 2, tolerance: 2%, difficulty: 1, prompt: P, explanation: E, references: [https://e.org]}\n")
    write(bank_dir, text)
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    assert [q.definition["tolerance"] for q in bank.questions] == [{"kind": "abs", "value": 0.5}, {"kind": "rel", "value": 2.0}]


def test_skill_cycle_is_an_error(bank_dir):
    (bank_dir / "skills.yaml").write_text(textwrap.dedent("""\
        skills:
          - {id: t.basics, name: B, area: python, prerequisites: [t.math]}
          - {id: t.advanced, name: A, area: python, prerequisites: [t.basics]}
          - {id: t.math, name: M, area: math, prerequisites: [t.advanced]}
    """))
    issues = issues_of(bank_dir)
    assert any("prerequisites form a cycle: t.basics -> t.math -> t.advanced -> t.basics" in i for i in issues), issues


@pytest.mark.parametrize("file, text, fragment", [
    ("roles.yaml", "roles:\n  - {id: r, name: R, targets: {t.nope: 3}}\n", "role 'r': targets: unknown skill 't.nope'"),
    ("roles.yaml", "roles:\n  - {id: r, name: R, targets: {t.basics: 9}}\n", "level of 't.basics' must be 1-5"),
    ("courses.yaml", "courses:\n  - {id: c, title: T, provider: P, url: ftp://x, skills: [t.basics], level: beginner, hours: 1, cost: free}\n",
     "course 'c': url: must be an http(s) URL"),
    ("courses.yaml", "courses:\n  - {id: c, title: T, provider: P, url: https://x.org, skills: [t.basics], level: expert, hours: 1, cost: free}\n",
     "level: must be one of beginner, intermediate, advanced"),
    ("courses.yaml", "courses:\n  - {id: c, title: T, provider: P, url: https://x.org, skills: [t.basics], level: beginner, hours: 1, cost: audit}\n",
     "cost: must be one of free, free-audit, paid"),
    ("assessments.yaml", "assessments:\n  - {id: a, name: A, role: nobody, skills: all, questions: 3, mode: assessment}\n",
     "assessment 'a': role: unknown role 'nobody'"),
    ("assessments.yaml", "assessments:\n  - {id: a, name: A, role: tester, questions: 3, mode: assessment}\n",
     "give exactly one of 'skills'"),
])
def test_catalogue_errors(bank_dir, file, text, fragment):
    write(bank_dir, GOOD)
    (bank_dir / file).write_text(text)
    issues = issues_of(bank_dir)
    assert any(fragment in i and file in i for i in issues), issues


def test_invalid_utf8_and_bom(bank_dir):
    (bank_dir / "topics" / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_bank(bank_dir).ok
    (bank_dir / "topics" / "latin1.yaml").write_bytes(GOOD.replace("Pick b.", "Pick b\xe9.").replace("q-good", "q-l").encode("latin-1"))
    issues = issues_of(bank_dir)
    # the line of the bad byte (the é of "Pick b\xe9." on line 6), not line 1
    assert any("latin1.yaml:6: not valid UTF-8" in i and "line 6" in i for i in issues), issues


def test_parameterised_question_loads(bank_dir):
    write(bank_dir, PARAM)
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    assert bank.questions[0].definition["params"] == {"n": [1, 2]}


@pytest.mark.parametrize("old, new, fragment", [
    ("    type: numeric\n", "    type: single\n", "only numeric and short questions can be parameterised"),
    ("    check: {python: n * 2}\n", "", "needs `check: {python: ...}`"),
    ("Double {{n}}?", "Double {{k}}?", "slot {{k}} is not declared"),
    ("Double {{n}}?", "Double it?", "must show its parameters with {{name}}"),
    ("      n: [1, 2]\n", "      n: [1]\n", "1 combinations; use 2-200"),
    ("      n: [1, 2]\n", "      n: [1, 1]\n", "lists a value twice"),
    ("    prompt:", "    answer: 3\n    prompt:", "answer: a parameterised question has no fixed key"),
])
def test_parameterised_errors(bank_dir, old, new, fragment):
    write(bank_dir, PARAM.replace(old, new))
    issues = issues_of(bank_dir)
    assert any(fragment in i and "q 'q-p'" in i for i in issues), issues


# --- the libyaml fast path gives what the pure-Python _LineLoader gives ------------------------

REPO = Path(__file__).resolve().parents[2]
needs_libyaml = pytest.mark.skipif(yaml_lines._EventLoader is None, reason="PyYAML built without libyaml")


def _slow(text):
    loader = yaml_lines._LineLoader(text)
    try:
        return loader.get_single_data(), loader.duplicate_keys
    finally:
        loader.dispose()


def _shape(value):
    """Data, every recorded line and every coerced scalar's text, as plain values to compare."""
    if isinstance(value, yaml_lines.LineMap):
        return ("map", value.line, dict(value.key_lines), dict(value.raw), {k: _shape(v) for k, v in value.items()})
    if isinstance(value, yaml_lines.LineList):
        return ("list", value.line, list(value.item_lines), dict(value.raw), [_shape(v) for v in value])
    return (type(value).__name__, value)


def _same_as_python_loader(text: str) -> None:
    data, duplicates = yaml_lines._load_fast(text)
    expected, expected_duplicates = _slow(text)
    assert _shape(data) == _shape(expected)
    assert duplicates == expected_duplicates


@needs_libyaml
@pytest.mark.parametrize("path", sorted((REPO / "questions").rglob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_fast_path_matches_the_python_loader_on_every_bank_file(path):
    _same_as_python_loader(path.read_bytes().decode("utf-8-sig"))


@needs_libyaml
@pytest.mark.parametrize("text", [
    "", "# only a comment\n", "---\na: 1\n...\n", "a: 1\r\nb: [1, 2]\r\n", "questions:\n  -\n  - id: x\n",
    "a:\nb:\n  -\n", "a: |\n  x\n\n  y\n\n\nb: >-\n  p\n  q\n\n  r\n", "a: \"t\\x41\\u00e9\\N\\_\"\n", "a: 'it''s'\n",
    "a: plain\n  continued\n\n  para\n", "a: {b: 1, c: [x, y], 'd': \"e\"}\n", "[1, 2, {a: b}]\n",
    "a: 0x1F\nb: 0o17\nc: 1_000\nd: .inf\ne: 1e3\nf: 1:30\ng: 017\n", "a: yes\nb: No\nc: ~\nd: null\ne: True\n",
    "d: 2026-11-27\nt: 2001-12-14t21:59:43.10-05:00\n", "a: 1\na: 2\nb: {c: 1, c: 2}\n", "1: a\n1.5: b\ntrue: c\n",
    "- - - x\n", "-\n  a: 1\n-\n  - x\n", "a:\n- 1\n- 2\nb: 3\n", "a: '\u00e9\u4e2d\U0001F600'\n",
])
def test_fast_path_matches_the_python_loader_on_plain_yaml(text):
    _same_as_python_loader(text)


@needs_libyaml
@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n", "a: &x 1\n", "a: !!str 1\n", "<<: {a: 1}\n", "=: 1\n", "? [a]\n: 1\n", "~: 1\n",
    "a: 1\n---\nb: 2\n", "a:\tb\n", "\ufeffa: 1\n", "a: \x05\n", "a: [unclosed\n",
    "questions: " + "[" * 5000 + "]" * 5000 + "\n", "".join(f"{' ' * i}k{i}:\n" for i in range(45)),
])
def test_anything_unusual_is_left_to_the_python_loader(tmp_path, text):
    """Anchors, tags, merge keys, deep nesting, errors …: the fast path declines, parse_yaml's result is _LineLoader's."""
    with pytest.raises((yaml_lines._Unsupported, yaml.YAMLError)):
        yaml_lines._load_fast(text)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    issues = []
    data = yaml_lines.parse_yaml(path, issues)
    try:
        expected, duplicates = _slow(text)
    except yaml.YAMLError:
        assert data is None and issues
    else:
        assert _shape(data) == _shape(expected) and len(issues) == len(duplicates)


# --- issue #18: refuse what is wrong, at the line of the cause --------------------------------

def _issue_at(issues, line, fragment, name="topic.yaml"):
    """The one issue of `name` at `line` that contains `fragment` (fails with every issue shown)."""
    found = [i for i in issues if f"{name}:{line}:" in i and fragment in i]
    assert found, issues
    return found[0]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n# and another\n", "~\n", "---\n...\n"])
def test_empty_and_comments_only_files_are_refused_at_line_1(bank_dir, text):
    write(bank_dir, text)
    _issue_at(issues_of(bank_dir), 1, "the file is empty (or has only comments or null)")


def test_an_empty_catalogue_file_is_refused_too(bank_dir):
    write(bank_dir, GOOD)
    (bank_dir / "courses.yaml").write_text("# courses come later\n")
    _issue_at(issues_of(bank_dir), 1, "the file is empty", "courses.yaml")


# (replace this, with this) in GOOD → (line, message fragment)
COERCIONS = [
    ("      - text: a\n", "      - text: 3.10\n", 8, "3.10 is read by YAML as the number 3.1; quote it: '3.10'"),
    ("      - text: a\n", "      - text: 014\n", 8, "014 is read by YAML as the number 12; quote it: '014'"),
    ("      - text: a\n", "      - text: 1:30\n", 8, "1:30 is read by YAML as the number 90; quote it: '1:30'"),
    ("      - text: a\n", "      - text: yes\n", 8, "yes is read by YAML as true; quote it: 'yes'"),
    ("      - text: a\n", "      - text: .nan\n", 8, ".nan is read by YAML as the number nan; quote it"),
    ("      - text: a\n", "      - text: 2026-01-31\n", 8, "2026-01-31 is read by YAML as the date 2026-01-31"),
    ("      - text: a\n", "      - text: ~\n", 8, "~ is read by YAML as null (nothing)"),
    ("    prompt: Pick b.\n", "    prompt: 3.10\n", 6, "prompt: must be non-empty text (3.10 is read by YAML as the number 3.1"),
]


@pytest.mark.parametrize("old, new, line, fragment", COERCIONS)
def test_yaml_1_1_coercions_of_texts_say_quote_it_with_the_line(bank_dir, old, new, line, fragment):
    write(bank_dir, GOOD.replace(old, new, 1))
    _issue_at(issues_of(bank_dir), line, fragment)


@pytest.mark.parametrize("written", ["42", "0.5", "'3.10'", '"014"', "'1:30'", "'yes'", "-7"])
def test_texts_that_read_as_written_are_accepted(bank_dir, written):
    write(bank_dir, GOOD.replace("      - text: a\n", f"      - text: {written}\n", 1))
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    assert bank.questions[0].definition["choices"][0]["text"] == yaml.safe_load(written).__str__()


SHORT = """\
skill: t.basics
questions:
  - id: q-s
    type: short
    difficulty: 1
    prompt: Which Python version?
    answers:
      - '3.9'
      - ANSWER
    explanation: E
    references: [https://example.org]
"""


@pytest.mark.parametrize("answer, fragment", [
    ("3.10", "answers: every accepted answer must be text: 3.10 is read by YAML as the number 3.1; quote it"),
    ("014", "014 is read by YAML as the number 12; quote it: '014'"),
    ("1:30", "1:30 is read by YAML as the number 90; quote it"),
    ("no", "no is read by YAML as false; quote it: 'no'"),
])
def test_short_answers_coerced_by_yaml_are_refused_at_their_line(bank_dir, answer, fragment):
    write(bank_dir, SHORT.replace("ANSWER", answer))
    _issue_at(issues_of(bank_dir), 9, fragment)


def test_short_answers_that_read_as_written_stay_accepted(bank_dir):
    write(bank_dir, SHORT.replace("ANSWER", "42"))
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    assert bank.questions[0].definition["answers"] == ["3.9", "42"]


NUMERIC = """\
skill: t.basics
questions:
  - id: q-n
    type: numeric
    difficulty: 1
    prompt: How many?
    answer: ANSWER
    tolerance: TOLERANCE
    explanation: E
    references: [https://example.org]
"""


@pytest.mark.parametrize("answer, tolerance, line, fragment", [
    (".nan", "0.1", 7, "answer: .nan is not a finite number"),
    (".inf", "0.1", 7, "answer: .inf is not a finite number"),
    ("-.inf", "0.1", 7, "answer: -.inf is not a finite number"),
    ("1", ".inf", 8, "tolerance: .inf is not a finite number"),
    ("1", ".nan", 8, "tolerance: .nan is not a finite number"),
    ("014", "0", 7, "answer: 014 is read by YAML as 12 (octal, for the leading 0); write the number in plain decimal"),
    ("1:30", "0", 7, "answer: 1:30 is read by YAML as 90 (base 60); write the number in plain decimal"),
    ("1", "010", 8, "tolerance: 010 is read by YAML as 8 (octal"),
])
def test_numbers_must_be_finite_and_read_as_written(bank_dir, answer, tolerance, line, fragment):
    write(bank_dir, NUMERIC.replace("ANSWER", answer).replace("TOLERANCE", tolerance))
    _issue_at(issues_of(bank_dir), line, fragment)


@pytest.mark.parametrize("answer, value", [("3.10", 3.1), ("0x1F", 31.0), ("1_000", 1000.0), ("-2.5", -2.5), ("0", 0.0)])
def test_numbers_that_read_as_written_are_accepted(bank_dir, answer, value):
    write(bank_dir, NUMERIC.replace("ANSWER", answer).replace("TOLERANCE", "0.5"))
    bank = load_bank(bank_dir)
    assert bank.ok, bank.issues
    assert bank.questions[0].definition["answer"] == value


@pytest.mark.parametrize("values, fragment", [
    ("[1, .nan]", "params: 'n': .nan is not a finite number"),
    ("[1, .inf]", "params: 'n': .inf is not a finite number"),
    ("[1, 010]", "params: 'n': 010 is read by YAML as 8 (octal"),
])
def test_parameter_values_must_be_finite_and_read_as_written(bank_dir, values, fragment):
    write(bank_dir, PARAM.replace("n: [1, 2]", f"n: {values}"))
    _issue_at(issues_of(bank_dir), 7, fragment)


def test_difficulty_nan_is_refused(bank_dir):
    write(bank_dir, GOOD.replace("difficulty: 2", "difficulty: .nan"))
    _issue_at(issues_of(bank_dir), 5, "difficulty: must be an integer 1-5, not nan")


@pytest.mark.parametrize("file, text, fragment", [
    ("roles.yaml", "roles:\n  - {id: r, name: R, targets: {t.basics: {level: 2, weight: .inf}}}\n",
     "weight of 't.basics' must be a positive number"),
    ("roles.yaml", "roles:\n  - {id: r, name: R, targets: {t.basics: {level: 2, mastery_p: .nan}}}\n",
     "mastery_p of 't.basics' must be between 0 and 1"),
    ("courses.yaml", "courses:\n  - {id: c, title: T, provider: P, url: https://x.org, skills: [t.basics], "
                     "level: beginner, hours: .nan, cost: free}\n", "hours: must be a positive number"),
    ("courses.yaml", "courses:\n  - {id: c, title: T, provider: P, url: https://x.org, skills: [t.basics], "
                     "level: beginner, hours: .inf, cost: free}\n", "hours: must be a positive number"),
    ("projects.yaml", "projects:\n  - {id: p, title: T, description: D, skills: [t.basics], level: beginner, "
                      "hours: .inf}\n", "hours: must be a positive number"),
])
def test_catalogue_numbers_must_be_finite(bank_dir, file, text, fragment):
    write(bank_dir, GOOD)
    (bank_dir / file).write_text(text)
    issues = issues_of(bank_dir)
    assert any(fragment in i and f"{file}:2:" in i for i in issues), issues


def test_duplicate_ids_are_reported_even_when_the_questions_have_other_errors(bank_dir):
    broken = GOOD.replace("    difficulty: 2\n", "    difficulty: 9\n")  # the question itself is invalid
    write(bank_dir, GOOD, "one.yaml")
    write(bank_dir, broken + broken.split("questions:\n")[1], "two.yaml")  # q-good twice more, both invalid
    issues = issues_of(bank_dir)
    _issue_at(issues, 3, "q 'q-good': duplicate id (also at", "two.yaml")
    _issue_at(issues, 14, "q 'q-good': duplicate id (also at", "two.yaml")
    assert all("one.yaml:3" in i for i in issues if "duplicate id" in i), issues


def test_duplicate_ids_in_a_file_with_other_errors_in_other_questions(bank_dir):
    other = GOOD.split("questions:\n")[1].replace("q-good", "q-other").replace("    prompt: Pick b.\n", "")
    write(bank_dir, GOOD + other + GOOD.split("questions:\n")[1])
    issues = issues_of(bank_dir)
    assert any(i.endswith("topic.yaml:3)") for i in issues if "topic.yaml:24: q 'q-good': duplicate id" in i), issues
    assert any("q 'q-other': missing required key 'prompt'" in i for i in issues), issues


def test_validating_one_broken_file_still_catches_ids_taken_by_a_broken_file_elsewhere(bank_dir):
    write(bank_dir, GOOD.replace("    difficulty: 2\n", "    difficulty: 9\n"), "existing.yaml")
    new = write(bank_dir, GOOD.replace("    prompt: Pick b.\n", ""), "new.yaml")
    issues = [str(i) for i in load_bank(bank_dir, [new]).issues]
    duplicate = _issue_at(issues, 3, "q 'q-good': duplicate id (also at", "new.yaml")
    assert duplicate.endswith("existing.yaml:3)"), issues


@pytest.mark.parametrize("text, line, fragment", [
    ("skill: t.basics\nquestions:\n  - id: q-x\n    prompt: 'never closed\n    type: single\n\n", 4,
     "the quote ' that opens at line 4 is never closed"),
    ('skill: t.basics\nquestions:\n  - id: q-x\n    prompt: "never closed\n    type: single\n    a: b\n', 4,
     'the quote " that opens at line 4 is never closed'),
    ("skill: t.basics\nquestions:\n  - id: q-x\n    choices: [a, b,\n    type: single\n", 4,
     "is never closed (the file ends inside it)"),
])
def test_unterminated_quote_or_bracket_points_where_it_opens(bank_dir, text, line, fragment):
    write(bank_dir, text)
    _issue_at(issues_of(bank_dir), line, fragment)


def test_invalid_utf8_points_at_the_line_of_the_bad_byte(bank_dir):
    (bank_dir / "topics" / "bad.yaml").write_bytes(GOOD.encode().replace(b"It is b.", b"It is \xff."))
    _issue_at(issues_of(bank_dir), 12, "not valid UTF-8 (invalid start byte", "bad.yaml")
    (bank_dir / "topics" / "bad.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode().replace(b"Pick a", b"Pick \xc3"))
    (bank_dir / "topics" / "bad.yaml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode().replace(b"Not a.", b"Not \xc3("))
    _issue_at(issues_of(bank_dir), 9, "not valid UTF-8", "bad.yaml")  # a BOM does not shift the count
