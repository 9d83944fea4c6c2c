"""QTI import (2.1, 2.2, 3.0 items and packages) and QTI 3.0 export: each interaction, packages with a
manifest, hostile input, right-to-left text, what is reported, XSD validity and exact round trips."""
import io
import json
import re
import shutil
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.bank.formats import to_yaml
from quizapp.bank.formats.canvas import import_canvas_files
from quizapp.bank.formats.packages import PackageError, read_source, read_zip
from quizapp.bank.formats.qti import export_qti, import_qti, import_qti_files
from quizapp.bank.loader import load_bank
from tests.helpers import FIXTURE_BANK, FIXTURES, QTI3_ASI_XSD, QTI3_MANIFEST_XSD, qti3_xsd_dir

QTI = FIXTURES / "formats" / "qti"
V2, V3 = QTI / "v2", QTI / "v3"
REAL_BANK = Path(__file__).parents[2] / "questions"
CATALOGUE = ("skills.yaml", "roles.yaml", "courses.yaml", "assessments.yaml", "projects.yaml")


def item_bytes(version: str, name: str) -> bytes:
    """A fixture item in QTI 2.1, 2.2 or 3.0. The 2.1 items are the 2.2 ones in the 2.1 namespace: for
    these interactions the two versions differ in nothing else."""
    if version == "3.0":
        return (V3 / "items" / name).read_bytes()
    data = (V2 / name).read_bytes()
    if version == "2.1":
        data = data.replace(b"imsqti_v2p2", b"imsqti_v2p1").replace(b"qtiv2p2", b"qtiv2p1").replace(b"qti_v2p2", b"qti_v2p1")
    return data


def read_one(version: str, name: str):
    result = import_qti(item_bytes(version, name), name)
    return result, (result.questions[0] if result.questions else None)


VERSIONS = ["2.1", "2.2", "3.0"]
NO_EXPLANATION = "no explanation in the source; add one"
NO_REFERENCES = "no references in the source; add at least one"


# --- import: one interaction at a time, in every version ------------------------------------------

@pytest.mark.parametrize("version", VERSIONS)
def test_single_choice_with_modal_feedback_per_choice_and_a_solution_as_explanation(version):
    result, q = read_one(version, "choice.xml")
    assert q == {"id": "py-list-append", "type": "single", "difficulty": 3, "prompt": "What does `xs.append(4)` return?",
                 "choices": [{"text": "The list with 4 at the end",
                              "feedback": "It changes the list *in place* and returns nothing."},
                             {"text": "`None`", "correct": True},
                             {"text": "The new length", "feedback": "That is what `len` gives."}],
                 "explanation": "List methods that change the list return `None`."}
    assert [i.message for i in result.issues] == [NO_REFERENCES]


@pytest.mark.parametrize("version", VERSIONS)
def test_multiple_choice_with_a_mapping_and_inline_feedback_inside_a_choice(version):
    result, q = read_one(version, "choice_multiple.xml")
    assert q["type"] == "multiple" and q["prompt"] == "Which of these types are mutable?"
    assert q["choices"] == [{"text": "list", "correct": True}, {"text": "dict", "correct": True},
                            {"text": "tuple", "feedback": "Tuples cannot change."}]
    assert [i.message for i in result.issues] == [NO_EXPLANATION, NO_REFERENCES]


@pytest.mark.parametrize("version", VERSIONS)
def test_text_entry_in_a_sentence_is_a_short_answer_with_a_blank(version):
    _, q = read_one(version, "text_entry.xml")
    assert q["type"] == "short" and q["prompt"] == "A function definition starts with the keyword _____."
    assert q["answers"] == ["def", "def:"] and "case_sensitive" not in q     # the mapping says caseSensitive="false"
    assert q["feedback"] == "Look at how the examples in the tutorial begin."


@pytest.mark.parametrize("version", VERSIONS)
def test_float_text_entry_with_an_absolute_tolerance_is_numeric(version):
    _, q = read_one(version, "numeric.xml")
    assert {k: q[k] for k in ("type", "prompt", "answer", "tolerance")} == {
        "type": "numeric", "prompt": "Give π to two decimal places.", "answer": 3.14159, "tolerance": 0.01}


@pytest.mark.parametrize("version", VERSIONS)
def test_inline_choice_is_a_single_choice_with_the_blank_in_the_prompt(version):
    _, q = read_one(version, "inline_choice.xml")
    assert q["type"] == "single" and q["prompt"] == "In Python 3, `type(None)` is _____."
    assert q["choices"] == [{"text": "NoneType", "correct": True}, {"text": "object"}, {"text": "null"}]


@pytest.mark.parametrize("version", VERSIONS)
def test_order_interaction_is_an_ordering_in_the_order_of_the_correct_response(version):
    _, q = read_one(version, "order.xml")
    assert q["type"] == "ordering" and q["items"] == ["FROM", "WHERE", "GROUP BY", "SELECT"]
    assert q["prompt"] == "Put the clauses in the order the database evaluates them."
    assert q["feedback"] == "Rows are chosen before they are grouped."


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name, line, why", [
    ("match.xml", 12, "a matching interaction (quizapp has no matching questions) has no quizapp equivalent"),
    ("essay.xml", 8, "an essay (extended text without a correct response) has no quizapp equivalent"),
])
def test_what_quizapp_has_no_type_for_is_reported_with_file_and_line(version, name, line, why):
    result = import_qti(item_bytes(version, name), name)
    assert result.questions == []
    [issue] = result.issues
    assert (issue.source, issue.line) == (name, line) and why in issue.message and issue.message.endswith("skipped")


def test_an_item_with_two_interactions_or_none_is_reported():
    two = (V2 / "choice.xml").read_text().replace(
        "</itemBody>", '<p><textEntryInteraction responseIdentifier="R2"/></p></itemBody>')
    [issue] = import_qti(two.encode(), "two.xml").issues
    assert "2 interactions (choiceInteraction, textEntryInteraction)" in issue.message
    bare = re.sub(r"<choiceInteraction.*?</choiceInteraction>", "", (V2 / "choice.xml").read_text(), flags=re.S)
    [issue] = import_qti(bare.encode(), "bare.xml").issues
    assert "no interaction" in issue.message


def test_a_canvas_export_given_as_qti_says_to_use_canvas():
    canvas = FIXTURES / "formats" / "canvas" / "quiz_export"
    result = import_qti_files(read_source(canvas), "canvas")
    assert result.questions == [] and "it is a QTI 1.2 (Canvas) package; convert it with --from canvas" in str(
        result.issues[0])
    quiz = next(canvas.glob("g*/g*.xml"))
    assert "convert it with --from canvas" in import_qti(quiz.read_bytes(), quiz.name).issues[0].message


def test_a_test_file_and_foreign_xml_are_reported_not_read():
    test = b'<qti-assessment-test xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="t" title="t"/>'
    assert "a test (its items are read through the manifest)" in import_qti(test, "test.xml").issues[0].message
    assert "is not a QTI assessment item" in import_qti(b"<quiz/>", "moodle.xml").issues[0].message


# --- right-to-left text ----------------------------------------------------------------------------

def test_arabic_and_hebrew_text_is_kept_and_the_direction_is_reported():
    result, q = read_one("3.0", "rtl.xml")
    assert q["prompt"] == "ما هي عاصمة مصر؟"
    assert [c["text"] for c in q["choices"]] == ["القاهرة", "الإسكندرية", "ירושלים"]
    assert q["choices"][1]["feedback"] == "الإسكندرية مدينة ساحلية، وليست العاصمة."
    assert q["explanation"] == "القاهرة هي عاصمة مصر منذ القرن العاشر."
    assert any('dir="rtl" is not carried' in i.message and "kept unchanged" in i.message for i in result.issues)
    assert "عاصمة" in to_yaml(result.questions, "t.basics")     # written as text, not escaped


def test_rtl_text_survives_an_export_and_import():
    _, q = read_one("3.0", "rtl.xml")
    package = export_qti([(q["id"], {**q, "references": ["https://ar.wikipedia.org/"]})])
    [back] = import_qti(package.data, "rtl.zip").questions
    assert back["prompt"] == q["prompt"] and back["choices"] == q["choices"]


# --- packages ------------------------------------------------------------------------------------

def zipped(folder: Path, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.xml")):
            if path.relative_to(folder).as_posix() not in (extra or {}):
                archive.write(path, path.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_package_is_read_in_manifest_order_with_lom_difficulty_and_skills():
    result = import_qti(zipped(V3), "package.zip")
    assert [q["id"] for q in result.questions] == ["py-list-append", "py-mutable", "py-keyword-def", "math-pi",
                                                   "py-none-type", "sql-clause-order", "rtl-capital"]
    first, pi = result.questions[0], result.questions[3]
    assert (first["difficulty"], first["skills"]) == (2, ["python.core"])      # LOM "easy", keyword python.core
    assert pi["difficulty"] == 5                                               # LOM "very difficult"
    assert "items/choice.xml:2: q 'py-list-append': keywords dropped: lists" in [str(i) for i in result.issues][0]
    skipped = [str(i) for i in result.issues if i.message.endswith("skipped")]
    assert skipped == [
        "items/match.xml:12: q 'py-match': a matching interaction (quizapp has no matching questions) has no quizapp "
        "equivalent; skipped",
        "items/essay.xml:8: q 'py-essay': an essay (extended text without a correct response) has no quizapp "
        "equivalent: quizapp grades every answer itself; skipped"]


def test_a_folder_reads_like_its_zip():
    assert import_qti_files(read_source(V3), "v3").questions == import_qti(zipped(V3), "v3.zip").questions


def test_a_package_without_a_manifest_reads_every_item_by_name():
    result = import_qti_files(read_source(V2), "v2")
    assert [q["id"] for q in result.questions] == ["py-list-append", "py-mutable", "py-none-type", "math-pi",
                                                   "sql-clause-order", "py-keyword-def"]


def test_an_xml_file_the_manifest_does_not_list_is_reported():
    result = import_qti(zipped(V3, {"items/stray.xml": (V2 / "choice.xml").read_bytes()}), "p.zip")
    assert [str(i) for i in result.issues if i.source == "items/stray.xml"] == [
        "items/stray.xml:0: not listed in the manifest; not read"]


def test_a_manifest_naming_a_missing_file_is_reported():
    manifest = (V3 / "imsmanifest.xml").read_bytes()
    result = import_qti_files({"imsmanifest.xml": manifest}, "broken")
    assert "the manifest lists 'items/choice.xml', which is not in the package; skipped" in str(result.issues[0])


# --- hostile input ---------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x">&lol2;</assessmentItem>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x SYSTEM "file:///etc/passwd">
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x"/>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["entity-expansion", "external-dtd"])
def test_declarations_are_refused_with_their_line(data):
    [issue] = import_qti(data, "evil.xml").issues
    assert issue.line == 2 and "DOCTYPE or ENTITY, which is refused" in issue.message


def test_a_refused_item_in_a_package_does_not_stop_the_others():
    result = import_qti(zipped(V3, {"items/choice.xml": BILLION_LAUGHS}), "p.zip")
    assert "py-list-append" not in [q["id"] for q in result.questions] and len(result.questions) == 6
    assert any(i.source == "items/choice.xml" and "refused" in i.message for i in result.issues)


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "a/../../evil.xml", "C:/evil.xml"])
def test_zip_path_traversal_is_refused(name):
    with pytest.raises(PackageError, match="points outside the archive"):
        read_zip("evil.zip", zipped(V3, {name: b"<x/>"}))


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    with pytest.raises(PackageError, match="zip bomb"):
        read_zip("bomb.zip", zipped(V3, {"items/huge.xml": b"\0" * (8 * 1024 * 1024)}))


def test_an_unreadable_compression_method_is_refused():
    data = bytearray(zipped(V3, {"items/odd.xml": b"<x/>"}))
    at = data.rindex(b"items/odd.xml")        # its central directory entry: method at offset 10 of the header
    header = data.rindex(b"PK\x01\x02", 0, at)
    data[header + 10:header + 12] = (99).to_bytes(2, "little")
    with pytest.raises(PackageError, match="compression method"):
        read_zip("odd.zip", bytes(data))


def test_a_broken_zip_is_a_clear_error():
    with pytest.raises(PackageError, match="not a valid zip file"):
        read_zip("broken.zip", b"PK\x03\x04 nothing else")
    assert "not a valid zip file" in import_qti(b"PK\x03\x04 nothing else", "broken.zip").issues[0].message


@pytest.mark.parametrize("value, tolerance", [("NaN", "0.01 0.01"), ("INF", "0.01 0.01"), ("1e999", "0 0"),
                                              ("3.14", "-1 -1"), ("3.14", "inf inf"), ("pi", "0 0")])
def test_numbers_that_are_not_finite_are_reported_not_written(value, tolerance):
    text = (V2 / "numeric.xml").read_text().replace("<value>3.14159</value>", f"<value>{value}</value>")
    result = import_qti(text.replace('tolerance="0.01 0.01"', f'tolerance="{tolerance}"').encode(), "odd.xml")
    assert result.questions == [] and result.issues[0].message.endswith("skipped")


def test_absurdly_deep_nesting_is_refused_before_it_is_walked():
    deep = b"<assessmentItem>\n" + b"<div>" * 5000 + b"</div>" * 5000 + b"</assessmentItem>"
    [issue] = import_qti(deep, "deep.xml").issues
    assert issue.line == 2 and "nested more than 200 deep; refused" in issue.message


def test_malformed_xml_is_an_issue_with_its_line():
    [issue] = import_qti(b"<assessmentItem>\n<itemBody>\n</assessmentItem>", "bad.xml").issues
    assert issue.line == 3 and "not well-formed" in issue.message


# --- export ----------------------------------------------------------------------------------------

def roundtrip_definitions(tmp_path: Path) -> tuple[Path, list[tuple[str, dict]]]:
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    shutil.copy(FIXTURES / "formats" / "roundtrip.yaml", root / "topics" / "roundtrip.yaml")
    bank = load_bank(root)
    assert bank.ok, bank.issues
    (root / "topics" / "roundtrip.yaml").unlink()
    return root, [(q.id, q.definition) for q in bank.questions if q.id.startswith("rt-")]


def package_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_export_is_a_package_with_a_manifest_and_one_item_file_per_question(tmp_path):
    _, definitions = roundtrip_definitions(tmp_path)
    result = export_qti(definitions)
    files = package_files(result.data)
    assert sorted(files) == ["imsmanifest.xml"] + sorted(f"items/{qid}.xml" for qid, _ in definitions)
    manifest = files["imsmanifest.xml"].decode()
    assert manifest.count('type="imsqti_item_xmlv3p0"') == len(definitions)
    single = files["items/rt-single.xml"].decode()
    assert single.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<qti-assessment-item xmlns="http://www.imsglobal.org'
                             '/xsd/imsqtiasi_v3p0"')
    assert '<qti-choice-interaction response-identifier="RESPONSE" shuffle="true" max-choices="1">' in single
    assert '<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="EXPLANATION" show-hide="hide">' in single
    multiple = files["items/rt-multiple.xml"].decode()
    assert '<qti-map-entry map-key="A" mapped-value="0.5" case-sensitive="true" />' in multiple
    assert '<qti-map-entry map-key="C" mapped-value="-0.3333333" case-sensitive="true" />' in multiple


def test_export_adds_no_whitespace_inside_html(tmp_path):
    """Only the QTI structure is indented: a code block's first line starts right after <code>."""
    _, definitions = roundtrip_definitions(tmp_path)
    single = package_files(export_qti(definitions).data)["items/rt-single.xml"].decode()
    assert '<pre><code class="language-python">d = {"a": 1}\n' in single and "</code></pre>" in single


def test_export_carries_difficulty_and_skills_in_the_manifest_lom(tmp_path):
    _, definitions = roundtrip_definitions(tmp_path)
    manifest = package_files(export_qti(definitions).data)["imsmanifest.xml"].decode()
    block = manifest.split('href="items/rt-multiple.xml"')[1].split("</resource>")[0]
    assert '<imsmd:string language="en">t.advanced</imsmd:string>' in block
    assert "<imsmd:value>difficult</imsmd:value>" in block                       # difficulty 4


def test_export_reports_what_it_cannot_carry(tmp_path):
    definitions = [("p", {"type": "numeric", "difficulty": 3, "prompt": "x?", "params": {"a": [1, 2]}}),
                   ("c", {"type": "true_false", "difficulty": 3, "prompt": "Bell \x07?", "answer": True})]
    result = export_qti(definitions)
    assert [str(i) for i in result.issues] == [
        "q 'p': a parameterised question has no fixed answer key for QTI; not exported",
        "q 'c': contains control characters that XML cannot hold; not exported"]
    assert result.written == [] and list(package_files(result.data)) == ["imsmanifest.xml"]


def xsd(name: str):
    folder = qti3_xsd_dir()
    if folder is None:
        pytest.skip("the 1EdTech QTI 3.0 XSDs are not on this machine (tests/data/README.md says where they go)")
    from lxml import etree
    return etree.XMLSchema(etree.parse(str(folder / "qtiv3p0" / name)))


def assert_valid(schema, name: str, data: bytes) -> None:
    from lxml import etree
    assert schema.validate(etree.fromstring(data)), f"{name}: {schema.error_log.last_error}"


def test_exported_items_and_manifest_validate_against_the_qti3_xsd(tmp_path):
    items, manifest = xsd(QTI3_ASI_XSD), xsd(QTI3_MANIFEST_XSD)
    _, definitions = roundtrip_definitions(tmp_path)
    for name, data in package_files(export_qti(definitions).data).items():
        assert_valid(manifest if name == "imsmanifest.xml" else items, name, data)


def test_the_qti3_fixtures_are_valid_qti3():
    items, manifest = xsd(QTI3_ASI_XSD), xsd(QTI3_MANIFEST_XSD)
    for path in sorted((V3 / "items").glob("*.xml")):
        assert_valid(items, path.name, path.read_bytes())
    assert_valid(manifest, "imsmanifest.xml", (V3 / "imsmanifest.xml").read_bytes())


def test_the_xsd_refuses_what_is_not_qti3():
    """The validation is real: an element QTI 3 does not have fails it."""
    items = xsd(QTI3_ASI_XSD)
    from lxml import etree
    bad = (V3 / "items" / "choice.xml").read_bytes().replace(b"qti-simple-choice", b"qti-simple-option")
    assert not items.validate(etree.fromstring(bad))


# --- round trips -----------------------------------------------------------------------------------

ROUNDTRIP_IDS = [q["id"] for q in yaml.safe_load((FIXTURES / "formats" / "roundtrip.yaml").read_text())["questions"]]


def reload(root: Path, questions: list[dict]):
    (root / "topics" / "converted.yaml").write_text(to_yaml(questions, "t.basics"), encoding="utf-8")
    return load_bank(root)


def test_round_trip_keeps_every_definition(tmp_path):
    root, definitions = roundtrip_definitions(tmp_path)
    result = import_qti(export_qti(definitions).data, "export.zip")
    assert result.issues == []
    bank = reload(root, result.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    got = {q.id: q.definition for q in bank.questions}
    for qid, definition in definitions:
        assert got[qid] == definition, qid
    assert sorted(ROUNDTRIP_IDS) == sorted(qid for qid, _ in definitions)


def strip_quizapp_comments(data: bytes) -> bytes:
    files = package_files(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, re.sub(rb"\s*<!-- quizapp: .*? -->", b"", content, flags=re.S))
    return buffer.getvalue()


def test_through_another_tool_the_qti_itself_keeps_keys_feedback_difficulty_and_skills(tmp_path):
    """Other tools drop our comment: the QTI structure and the manifest's LOM still carry the essentials."""
    root, definitions = roundtrip_definitions(tmp_path)
    result = import_qti(strip_quizapp_comments(export_qti(definitions).data), "other-tool.zip")
    bank = reload(root, result.questions)
    assert bank.ok, [str(i) for i in bank.issues]
    imported = {q.id: q.definition for q in bank.questions}
    for qid, definition in definitions:
        q = imported[qid]
        for key in ("type", "difficulty", "answer", "tolerance"):
            assert q.get(key) == definition.get(key), (qid, key)
        if definition.get("skills"):
            assert q["skills"] == definition["skills"]
        if "choices" in definition:
            assert [c["correct"] for c in q["choices"]] == [c["correct"] for c in definition["choices"]]
            assert [bool(c.get("feedback")) for c in q["choices"]] == [bool(c.get("feedback"))
                                                                      for c in definition["choices"]]
        for key in ("explanation", "feedback"):
            assert bool(q.get(key)) == bool(definition.get(key)), (qid, key)
    assert imported["rt-true"]["type"] == "true_false" and imported["rt-true"]["answer"] is True


def test_the_whole_real_bank_round_trips_or_each_question_says_why_not(tmp_path):
    """Every question of questions/ comes back identical, or the export names it with its reason."""
    bank = load_bank(REAL_BANK)
    assert bank.ok
    definitions = {q.id: q.definition for q in bank.questions}
    exported = export_qti([(q.id, q.definition) for q in bank.questions],
                          {q.id: (q.path, q.line) for q in bank.questions})
    not_written = {i.question: i.message for i in exported.skipped}
    assert set(not_written) | set(exported.written) == set(definitions)
    assert all(m == "a parameterised question has no fixed answer key for QTI; not exported"
               for m in not_written.values())
    result = import_qti(exported.data, "bank.zip")
    assert result.issues == [] and len(result.questions) == len(exported.written)
    root = tmp_path / "questions"
    (root / "converted").mkdir(parents=True)
    for name in CATALOGUE:
        shutil.copy(REAL_BANK / name, root / name)
    by_skill = defaultdict(list)
    for question in result.questions:
        by_skill[question["skills"][0]].append(question)
    for n, (skill, questions) in enumerate(sorted(by_skill.items())):
        (root / "converted" / f"part{n}.yaml").write_text(to_yaml(questions, skill), encoding="utf-8")
    again = load_bank(root)
    assert again.ok, [str(i) for i in again.issues[:5]]
    differing = [q.id for q in again.questions if q.definition != definitions[q.id]]
    assert differing == [] and len(again.questions) == len(exported.written)


def test_the_quizapp_comment_is_json_with_the_markdown_sources(tmp_path):
    _, definitions = roundtrip_definitions(tmp_path)
    single = package_files(export_qti(definitions).data)["items/rt-single.xml"].decode()
    comment = re.search(r"<!-- quizapp: (.*?) -->", single, re.S).group(1)
    meta = json.loads(comment)
    assert meta["id"] == "rt-single" and meta["sources"]["prompt"] == dict(definitions)["rt-single"]["prompt"]
    assert "--" not in comment


# --- damaged input never raises --------------------------------------------------------------------

DAMAGEABLE = [p.read_text(encoding="utf-8") for p in sorted(V2.glob("*.xml")) + sorted((V3 / "items").glob("*.xml"))]
CANVAS_QUIZ = next((FIXTURES / "formats" / "canvas" / "quiz_export").glob("g*/g*.xml")).read_text(encoding="utf-8")


@st.composite
def damaged(draw, texts):
    """A fixture with one slice cut out or replaced by a few characters XML cares about."""
    text = draw(st.sampled_from(texts))
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 200)))
    filler = draw(st.text(alphabet='<>&"=/ aZ0.-', max_size=8))
    return text[:start] + filler + text[end:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(DAMAGEABLE))
def test_a_damaged_qti_item_is_read_or_reported_never_raises(text):
    result = import_qti(text.encode("utf-8"), "damaged.xml")
    assert result.questions or result.issues
    to_yaml(result.questions, "t.basics")          # what the CLI writes next must not fail either


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged([CANVAS_QUIZ]))
def test_a_damaged_canvas_quiz_is_read_or_reported_never_raises(text):
    result = import_canvas_files({"quiz.xml.qti": text.encode("utf-8")}, "damaged")
    assert result.questions or result.issues
    to_yaml(result.questions, "t.basics")
