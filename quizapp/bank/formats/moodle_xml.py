"""Moodle XML to and from quizapp questions.

Reading: the file is untrusted. Any DOCTYPE or ENTITY declaration is refused before parsing
(entity-expansion "billion laughs" bombs and external entities need one), then the standard
library parses it. Question text arrives as HTML (converted to Markdown), Markdown or plain text.

Writing: text goes out with format="markdown", so Moodle renders it as we do. What Moodle has
no field for travels twice: a `<!-- quizapp: {json} -->` comment before each question keeps
everything for a direct round trip, and because comments do not survive a trip through Moodle,
tags (quizapp-difficulty-2, quizapp-skill-python.core, quizapp-reviewed-2026-11-27) and the
references as links at the end of the general feedback keep the essentials.
"""
from __future__ import annotations

import codecs
import html
import json
import re

# ElementTree only builds output and tree nodes; untrusted input is parsed by defusedxml below.
import xml.etree.ElementTree as ET  # nosec B405
from collections.abc import Mapping
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ...questiontypes import QUESTION_TYPES, QuestionType
from . import ConversionIssue, ConversionResult, ExportResult, located
from ._common import (
    STOCK_FEEDBACK,
    Answer,
    Categories,
    Ids,
    Note,
    NumericAnswer,
    Skip,
    apply_metadata,
    brief,
    choice_question,
    convert_text,
    export_metadata,
    finish,
    holds_xml_invalid_characters,
    numeric_question,
    short_question,
    tag_facts,
)

_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown",
            "wiki_like": "plain"}
_UNSUPPORTED = {
    "essay": "an essay", "matching": "a matching", "match": "a matching", "description": "a description",
    "cloze": "a cloze (embedded answers)", "multianswer": "a cloze (embedded answers)",
    "calculated": "a calculated", "calculatedsimple": "a calculated", "calculatedmulti": "a calculated",
    "randomsamatch": "a random short-answer matching", "ddwtos": "a drag-and-drop", "ddimageortext": "a drag-and-drop",
    "ddmarker": "a drag-and-drop", "gapselect": "a select-missing-words"
}
# Comments and CDATA sections are skipped, so text *about* a DOCTYPE inside CDATA is fine.
_DECLARATION = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<!(?:DOCTYPE|ENTITY)\b", re.S | re.I)
_QUESTION_START = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<question\b", re.S)
_REFERENCES = re.compile(r'\s*<p class="quizapp-references">(.*?)</p>\s*$', re.S)
_BAD_META = object()


# --- reading ---------------------------------------------------------------------------------

def _decode(data: str | bytes) -> str:
    """Bytes as their BOM or XML declaration says (UTF-8 by default); line ends normalised."""
    if isinstance(data, bytes):
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            data = data.decode("utf-16")
        else:
            declared = re.match(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", data)
            data = data.decode(declared.group(1).decode("ascii") if declared else "utf-8")
    return data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _declaration_line(text: str) -> int | None:
    for match in _DECLARATION.finditer(text):
        if not match.group(0).startswith(("<!--", "<![")):
            return _line_at(text, match.start())
    return None


def _question_lines(text: str) -> list[int]:
    """The line of every <question> element, in document order."""
    lines, line, last = [], 1, 0
    for match in _QUESTION_START.finditer(text):
        if match.group(0) == "<question":
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.append(line)
    return lines


def _read(node: ET.Element | None, default: str) -> str:
    """Our Markdown from a Moodle text field: <x format="html"><text>…</text></x>."""
    if node is None:
        return ""
    fmt = _FORMATS.get((node.get("format") or default).strip(), "html")
    return convert_text(node.findtext("text") or "", fmt)


def _fraction(answer: ET.Element) -> float:
    raw = answer.get("fraction")
    try:
        if raw is not None:
            return float(raw)
        old = answer.findtext("fraction")            # deprecated: a fraction of 1, not a percentage
        return float(old) * 100 if old is not None else 0.0
    except ValueError:
        raise Skip(f"answer weight {raw!r} is not a number") from None


def _choices(question: ET.Element, fmt: str, note: Note) -> dict:
    single = question.findtext("single")
    answers = [Answer(_read(a, fmt), _fraction(a), _read(a.find("feedback"), fmt)) for a in question.findall("answer")]
    result = choice_question(answers, single is None or single.strip() not in ("false", "0", ""), note)
    for field, when in (("correctfeedback", "correct"), ("partiallycorrectfeedback", "partially correct"),
                        ("incorrectfeedback", "incorrect")):
        if (text := _read(question.find(field), fmt)) not in STOCK_FEEDBACK:
            note(f"feedback for any {when} response ({brief(text)}) dropped (quizapp gives feedback per choice)")
    return result


def _true_false(question: ET.Element, fmt: str, note: Note) -> dict:
    answers = question.findall("answer")
    labels = [(a.findtext("text") or "").strip().lower() for a in answers]
    if sorted(labels) == ["false", "true"]:
        by_label = dict(zip(labels, answers, strict=True))
    elif len(answers) == 2:                          # old exports used translated labels, true first
        note("the answers are not labelled 'true' and 'false'; the first is taken as true")
        by_label = {"true": answers[0], "false": answers[1]}
    else:
        raise Skip("a true/false question needs exactly the answers 'true' and 'false'")
    true_right = abs(_fraction(by_label["true"]) - 100) < 0.01
    if true_right == (abs(_fraction(by_label["false"]) - 100) < 0.01):
        raise Skip("exactly one of 'true' and 'false' must have full credit")
    right, wrong = (by_label["true"], by_label["false"]) if true_right else (by_label["false"], by_label["true"])
    result: dict[str, Any] = {"type": "true_false", "answer": true_right}
    if feedback := _read(wrong.find("feedback"), fmt):
        result["feedback"] = feedback
    if _read(right.find("feedback"), fmt):
        note("feedback for the right answer dropped (quizapp shows feedback only after a wrong answer)")
    return result


def _short(question: ET.Element, fmt: str, note: Note) -> dict:
    answers = [Answer((a.findtext("text") or "").strip(), _fraction(a), _read(a.find("feedback"), fmt))
               for a in question.findall("answer")]
    result = short_question(answers, note)
    if (question.findtext("usecase") or "0").strip() == "1":
        result["case_sensitive"] = True
    return result


def _numeric(question: ET.Element, fmt: str, note: Note) -> dict:
    answers = []
    for a in question.findall("answer"):
        value = a.findtext("text")
        value = (a.text or "") if value is None else value      # very old files: the number without <text>
        answers.append(NumericAnswer(value.strip(), (a.findtext("tolerance") or "0").strip(), _fraction(a),
                                     _read(a.find("feedback"), fmt)))
    result = numeric_question(answers, note)
    units = [((u.findtext("unit_name") or "").strip(), (u.findtext("multiplier") or "1").strip())
             for u in question.findall("units/unit")]
    base = [name for name, multiplier in units if name and _is_one(multiplier)]
    if base:
        result["unit"] = base[0]
    if others := [name for name, _ in units if name and name != (base[0] if base else None)]:
        note(f"alternative units dropped ({', '.join(others)}): quizapp shows one unit and converts none")
    if units and (question.findtext("unitgradingtype") or "0").strip() not in ("0", ""):
        note("Moodle grades the unit; quizapp only shows it next to the answer field")
    return result


# qtype_ordering's grading types, as its XML writes them (a name) or older files (the number).
_ORDERING_OURS = {"RELATIVE_NEXT_EXCLUDE_LAST", "1"}
_ORDERING_ALL_ITEMS = {"ALL", "0", ""}


def _ordering(question: ET.Element, fmt: str, note: Note) -> dict:
    """ordering: the answers in the order of their fraction (Moodle stores each item's position there)."""
    answers = sorted(question.findall("answer"), key=_fraction)
    result: dict[str, Any] = {"type": "ordering", "items": [_read(a, fmt) for a in answers]}
    grading = (question.findtext("gradingtype") or "").strip()
    if grading and grading not in _ORDERING_OURS:
        note(f"Moodle grades this ordering {grading}; quizapp gives credit for each item directly followed by the "
             "one that should come next (Moodle's RELATIVE_NEXT_EXCLUDE_LAST)")
    if (question.findtext("selecttype") or "").strip() not in _ORDERING_ALL_ITEMS:
        note("Moodle showed learners a subset of the items; quizapp shows them all")
    if (feedback := _read(question.find("incorrectfeedback"), fmt)) not in STOCK_FEEDBACK:
        result["feedback"] = feedback
    for field, when in (("correctfeedback", "correct"), ("partiallycorrectfeedback", "partially correct")):
        if (text := _read(question.find(field), fmt)) not in STOCK_FEEDBACK and text != result.get("feedback"):
            note(f"feedback for any {when} response ({brief(text)}) dropped (quizapp shows one feedback after "
                 "any answer that is not right)")
    return result


def _is_one(text: str) -> bool:
    try:
        return float(text) == 1
    except ValueError:
        return False


# Moodle's question types (qtype plugin names) that quizapp reads, and their readers.
_READERS = {"multichoice": _choices, "truefalse": _true_false, "shortanswer": _short, "numerical": _numeric,
            "ordering": _ordering}


def _question(element: ET.Element, qtype: str, note: Note) -> tuple[dict, dict]:
    """A <question> as (question dict without id, quizapp facts found in tags and feedback)."""
    if qtype in _UNSUPPORTED:
        raise Skip(f"{_UNSUPPORTED[qtype]} question has no quizapp equivalent")
    if qtype not in _READERS:
        raise Skip(f"the Moodle question type {qtype!r} has no quizapp equivalent")
    if element.find(".//file") is not None:
        raise Skip("has files embedded in the XML (e.g. images); files are not supported")
    text_node = element.find("questiontext")
    fmt = ((text_node.get("format") if text_node is not None else None) or "html").strip()
    question = _READERS[qtype](element, fmt, note)
    question["prompt"] = _read(text_node, fmt)

    facts: dict[str, Any] = {}
    general = element.find("generalfeedback")
    if general is not None:
        raw = general.findtext("text") or ""
        if match := _REFERENCES.search(raw):
            facts["references"] = [html.unescape(url) for url in re.findall(r'href="([^"]*)"', match.group(1))]
            raw = raw[:match.start()]
        gfmt = _FORMATS.get((general.get("format") or fmt).strip(), "html")
        if explanation := convert_text(raw, gfmt):
            question["explanation"] = explanation
    facts.update(tag_facts([tag.findtext("text") or "" for tag in element.findall("tags/tag")], note))
    if hints := [h for h in element.findall("hint") if _read(h, fmt)]:
        note(f"{len(hints)} hint(s) dropped (quizapp has no hints)")
    return question, facts


class _LineTreeBuilder(ET.TreeBuilder):
    """A TreeBuilder that remembers the source line of every element it builds."""

    def __init__(self, lines: dict[int, int]):
        super().__init__(insert_comments=True)
        self.lines, self.parser = lines, None

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        return element


def import_moodle_xml(data: str | bytes, source: str = "input.xml",
                      category_skills: Mapping[str, str] | None = None) -> ConversionResult:
    """Read a Moodle XML file; questions we cannot represent are skipped with an issue on their line.

    `category_skills` maps category paths (or parents) to skills; other categories are reported.
    """
    result = ConversionResult([], [])
    try:
        text = _decode(data)
    except (UnicodeDecodeError, LookupError) as exc:
        result.issues.append(ConversionIssue(1, None, f"cannot decode the file ({exc})"))
        return result
    if (line := _declaration_line(text)) is not None:
        result.issues.append(ConversionIssue(line, None, "the file declares a DOCTYPE or ENTITY, which is refused "
                                                         "(entity expansion can exhaust memory); remove it and convert again"))
        return result
    element_lines: dict[int, int] = {}
    try:
        # defusedxml refuses DTDs, entities and external references even if the check above missed one
        builder = _LineTreeBuilder(element_lines)
        parser = DefusedXMLParser(target=builder, forbid_dtd=True)
        builder.parser = parser
        parser.feed(text)
        root = parser.close()
    except (ET.ParseError, DefusedXmlException) as exc:
        if isinstance(exc, DefusedXmlException):
            result.issues.append(ConversionIssue(1, None, f"refused: {exc}"))
            return result
        result.issues.append(ConversionIssue(exc.position[0], None, f"not well-formed XML: {exc}"))
        return result
    if root.tag != "quiz":
        result.issues.append(ConversionIssue(1, None, f"the root element is <{root.tag}>, not Moodle's <quiz>"))
        return result

    ids, number, meta = Ids(source), 0, None
    categories = Categories(result, category_skills)
    for element in root:
        if element.tag is ET.Comment:
            if match := re.match(r"\s*quizapp:\s*(.*?)\s*$", element.text or "", re.S):
                try:
                    meta = json.loads(match.group(1))
                except json.JSONDecodeError:
                    meta = _BAD_META
            continue
        line = element_lines[id(element)]
        if element.tag != "question":
            result.issues.append(ConversionIssue(line, None, f"<{element.tag}> is not a Moodle question; ignored"))
            continue
        qtype = (element.get("type") or "").strip()
        pending, meta = meta, None        # a quizapp comment belongs to the element right after it
        if qtype == "category":
            categories.enter(line, element.findtext("category/text") or "")
            if pending is not None:
                result.issues.append(ConversionIssue(line, None, "the quizapp comment before this category, "
                                                                 "not a question, is ignored"))
            continue
        number += 1
        title = (element.findtext("idnumber") or "").strip() or (element.findtext("name/text") or "").strip() or None
        qid = ids.preview(title, number)
        notes: list[str] = []
        try:
            question, facts = _question(element, qtype, notes.append)
            apply_metadata(question, facts, notes.append)
            if pending is _BAD_META:
                notes.append("the quizapp comment before this question is not valid JSON; ignored")
            else:
                apply_metadata(question, pending, notes.append)
            question = finish({"id": qid, **question}, notes.append)
        except Skip as skip:
            result.issues.append(ConversionIssue(line, qid, f"{skip}; skipped"))
            continue
        ids.take(title, number)
        result.issues.extend(ConversionIssue(line, qid, message) for message in notes)
        result.questions.append(categories.file(qid, question))
    categories.close()
    return result


# --- writing ---------------------------------------------------------------------------------

def text_element(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    """<tag format="…"><text>value</text></tag>, Moodle's shape for every text field."""
    node = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(node, "text").text = value.strip()
    return node


def answer_element(parent: ET.Element, fraction: str, text: str, feedback: str = "", fmt: str | None = None) -> None:
    node = ET.SubElement(parent, "answer", {"fraction": fraction, **({"format": fmt} if fmt else {})})
    ET.SubElement(node, "text").text = text
    text_element(node, "feedback", feedback or "", "markdown")


def _references_html(references: list[str]) -> str:
    links = ", ".join(f'<a href="{html.escape(url)}">{html.escape(url)}</a>' for url in references)
    return f'<p class="quizapp-references">References: {links}</p>'


def _export_question(qid: str, definition: dict, note: Note) -> ET.Element:
    """One <question>: the fields every type has, the answers of its type, then quizapp's facts as tags."""
    qt = _check_exportable(definition)
    question = ET.Element("question", type=qt.moodle_type)
    _common_fields(question, qid, definition, qt)
    qt.moodle_answers(question, definition, note)
    _tags(question, definition)
    return question


def _check_exportable(definition: dict) -> QuestionType:
    """The question's type, or Skip for what Moodle XML cannot hold: other types, parameterised
    questions, control characters."""
    qt = QUESTION_TYPES.get(definition.get("type"))
    if qt is None or qt.moodle_type is None:
        raise Skip(f"type {definition.get('type')!r} cannot be exported")
    if "params" in definition:
        raise Skip("a parameterised question has no fixed answer key for Moodle")
    if holds_xml_invalid_characters(definition):
        raise Skip("contains control characters that XML cannot hold")
    return qt


def _common_fields(question: ET.Element, qid: str, definition: dict, qt: QuestionType) -> None:
    """Name, text, general feedback (the explanation, then the references as links) and grading settings."""
    text_element(question, "name", qid)
    text_element(question, "questiontext", definition.get("prompt") or "", "markdown")
    general = (definition.get("explanation") or "").strip()
    if definition.get("references"):
        general = (general + "\n\n" if general else "") + _references_html(definition["references"])
    text_element(question, "generalfeedback", general, "markdown")
    ET.SubElement(question, "defaultgrade").text = "1"
    ET.SubElement(question, "penalty").text = qt.moodle_penalty
    ET.SubElement(question, "hidden").text = "0"
    ET.SubElement(question, "idnumber").text = qid


def _tags(question: ET.Element, definition: dict) -> None:
    """Difficulty, skills and review date as tags, which survive a trip through Moodle (comments do not)."""
    tags = ET.SubElement(question, "tags")
    facts = [f"quizapp-difficulty-{definition.get('difficulty', 3)}"]
    facts += [f"quizapp-skill-{skill}" for skill in definition.get("skills") or []]
    facts += [f"quizapp-reviewed-{definition['reviewed']}"] if definition.get("reviewed") else []
    for fact in facts:
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = fact


def export_moodle_xml(definitions: list[tuple[str, dict]],
                      locations: Mapping[str, tuple[str, int]] | None = None) -> ExportResult:
    """Write normalised definitions (as the loader produces them) as Moodle XML, with what was lost.

    An issue names the question's YAML file and line when `locations` (id → (path, line)) has it,
    else the line of the output; a question not written then has line 0.
    """
    quiz = ET.Element("quiz")
    outcomes: list[tuple[str, list[str] | str]] = []     # (id, notes) when exported, (id, reason) when not
    for qid, definition in definitions:
        notes: list[str] = []
        try:
            element = _export_question(qid, definition, notes.append)
        except Skip as skip:
            outcomes.append((qid, f"{skip}; not exported"))
            continue
        meta = json.dumps(export_metadata(definition), ensure_ascii=False).replace("--", "-\\u002d")
        quiz.append(ET.Comment(f" quizapp: {meta} "))
        quiz.append(element)
        outcomes.append((qid, notes))
    ET.indent(quiz, space="  ")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
    lines = iter(_question_lines(text))
    issues, written = [], []
    for qid, outcome in outcomes:
        if isinstance(outcome, str):
            issues.append(located(locations, qid, 0, outcome))
        else:
            line = next(lines)
            written.append(qid)
            issues.extend(located(locations, qid, line, message) for message in outcome)
    return ExportResult(text, issues, written)
