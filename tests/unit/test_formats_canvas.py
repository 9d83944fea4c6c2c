"""Canvas quiz exports (QTI 1.2): every Canvas question type quizapp has, what it has not reported per item
with file and line, both packagings Canvas uses, and hostile input."""
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from quizapp.bank.formats import to_yaml
from quizapp.bank.formats.canvas import import_canvas_files
from quizapp.bank.formats.packages import PackageError, read_source, read_zip
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURE_BANK, FIXTURES

EXPORT = FIXTURES / "formats" / "canvas" / "quiz_export"
QUIZ = "g5e2f1c9a7b3d4e6f8091a2b3c4d5e6f7"
QUIZ_FILE = f"{QUIZ}/{QUIZ}.xml"


def canvas_export():
    return import_canvas_files(read_source(EXPORT), "quiz_export")


def by_id(result):
    return {q["id"]: q for q in result.questions}


def messages(result, qid):
    return [i.message for i in result.issues if i.question == qid]


def test_multiple_choice_keeps_per_answer_feedback_and_the_neutral_feedback_as_explanation():
    result = canvas_export()
    q = by_id(result)["list.append-returns"]
    assert q == {"id": "list.append-returns", "type": "single", "difficulty": 3,
                 "prompt": "What does `xs.append(4)` return when `xs = [1, 2, 3]`?",
                 "choices": [{"text": "[1, 2, 3, 4]", "feedback": "That is the list *after* the call."},
                             {"text": "None", "correct": True},
                             {"text": "4", "feedback": "That is the new length."}],
                 "explanation": "Methods that change a list in place return `None`."}
    assert messages(result, "list.append-returns") == [
        "feedback for any wrong answer ('Look again at what the method returns.') dropped: every wrong choice has "
        "its own",
        "feedback for the right answer ('Right.') dropped (quizapp shows feedback only after a wrong answer)",
        "no references in the source; add at least one"]


def test_true_false_takes_the_feedback_of_the_wrong_answer():
    q = by_id(canvas_export())["tuples-are-immutable"]
    assert (q["type"], q["answer"], q["feedback"]) == ("true_false", False,
                                                      "Tuples are immutable; build a new one instead.")


def test_multiple_answers_reads_the_keys_from_the_and_not_condition():
    result = canvas_export()
    q = by_id(result)["mutable-types"]
    assert q["type"] == "multiple"
    assert [(c["text"], c.get("correct", False)) for c in q["choices"]] == [
        ("list", True), ("tuple", False), ("dict", True), ("str", False)]
    assert "Canvas scores multiple answers by its own partial-credit rule" in messages(result, "mutable-types")[0]


def test_short_answer_accepts_every_full_credit_answer_and_keeps_the_incorrect_feedback():
    q = by_id(canvas_export())["keyword-for-functions"]
    assert (q["type"], q["answers"], q["feedback"]) == ("short", ["def", "DEF"],
                                                       "See the tutorial's section on defining functions.")


def test_numerical_answers_with_a_margin_and_as_a_range():
    questions = by_id(canvas_export())
    assert (questions["pi-to-two-places"]["answer"], questions["pi-to-two-places"]["tolerance"]) == (3.14, 0.01)
    assert (questions["boiling-point-range"]["answer"], questions["boiling-point-range"]["tolerance"]) == (100.0, 1.0)


@pytest.mark.parametrize("qid, line, why", [
    ("explain-the-gil", 429, "an essay question (quizapp grades every answer itself)"),
    ("match-literals", 471, "a matching question (quizapp has no matching questions)"),
    ("dropdowns", 513, "a multiple-dropdowns question (several answers in one question)"),
    ("blanks", 555, "a fill-in-multiple-blanks question (several answers in one question)"),
])
def test_types_quizapp_lacks_are_reported_with_file_and_line(qid, line, why):
    result = canvas_export()
    [issue] = [i for i in result.issues if i.question == qid]
    assert (issue.source, issue.line) == (QUIZ_FILE, line)
    assert issue.message == f"{why} has no quizapp equivalent; skipped"
    assert qid not in by_id(result)


def test_right_to_left_text_is_kept_and_its_direction_reported():
    result = canvas_export()
    q = by_id(result)["quiz_export-11"]
    assert q["prompt"] == "ما هي عاصمة مصر؟" and q["choices"][0] == {"text": "القاهرة", "correct": True}
    assert any('dir="rtl" is not carried' in m for m in messages(result, "quiz_export-11"))


def test_the_converted_questions_load_into_a_bank(tmp_path):
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    questions = [{"explanation": "Added by the instructor.", **q, "references": ["https://docs.python.org/3/"]}
                 for q in canvas_export().questions]
    (root / "topics" / "canvas.yaml").write_text(to_yaml(questions, "t.basics"), encoding="utf-8")
    bank = load_bank(root)
    assert bank.ok, [str(i) for i in bank.issues]
    assert len([q for q in bank.questions if Path(q.path).name == "canvas.yaml"]) == 7


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_course_export_with_both_copies_of_a_quiz_reads_it_once_from_non_cc_assessments():
    files = read_source(EXPORT)
    files[f"non_cc_assessments/{QUIZ}.xml.qti"] = files[QUIZ_FILE]
    result = import_canvas_files(read_zip("quiz_export.imscc", zipped(files)), "quiz_export.imscc")
    assert [q["id"] for q in result.questions] == [q["id"] for q in canvas_export().questions]
    assert {i.source for i in result.issues if i.source} == {f"non_cc_assessments/{QUIZ}.xml.qti"}


def test_a_package_without_a_canvas_quiz_says_so():
    result = import_canvas_files({"notes.xml": b"<notes/>"}, "other.zip")
    assert result.questions == [] and "no Canvas quiz (<questestinterop>) found" in result.issues[0].message


def test_hostile_files_are_refused():
    bomb = b'<!DOCTYPE q [<!ENTITY a "aaaa">]>\n<questestinterop>&a;</questestinterop>'
    result = import_canvas_files({"quiz.xml.qti": bomb}, "evil")
    assert "DOCTYPE or ENTITY, which is refused" in result.issues[0].message
    with pytest.raises(PackageError, match="points outside the archive"):
        read_zip("evil.zip", zipped({"../../quiz.xml.qti": b"<questestinterop/>"}))


def test_a_folder_reads_like_its_zip(tmp_path):
    archive = tmp_path / "quiz_export.zip"
    archive.write_bytes(zipped(read_source(EXPORT)))
    assert import_canvas_files(read_source(archive), str(archive)).questions == canvas_export().questions
    assert Path(EXPORT / QUIZ_FILE).exists()
