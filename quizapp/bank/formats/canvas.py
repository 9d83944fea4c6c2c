"""Canvas quiz exports (QTI 1.2, `<questestinterop>`) to quizapp questions.

Canvas exports a quiz as a zip holding `<quiz id>/<quiz id>.xml` (newer exports) or
`non_cc_assessments/<quiz id>.xml.qti` (older ones); either, a folder of them or one such file
is read. Each `<item>` names its kind in itemmetadata's `question_type`; those quizapp has a type
for are converted, every other item is reported with its file and line. Files are untrusted and
read as for QTI (packages.py).
"""
from __future__ import annotations

import math
import re

# ElementTree only walks trees parsed by defusedxml (packages.parse_untrusted_xml).
import xml.etree.ElementTree as ET  # nosec B405
from typing import Any

from . import ConversionIssue, ConversionResult
from ._common import (
    Answer,
    Ids,
    Note,
    Skip,
    brief,
    choice_question,
    convert_text,
    finish,
    short_question,
    wrong_answer_feedback,
)
from .packages import XmlRefused, local, parse_untrusted_xml

UNSUPPORTED = {
    "essay_question": "an essay question (quizapp grades every answer itself)",
    "matching_question": "a matching question (quizapp has no matching questions)",
    "multiple_dropdowns_question": "a multiple-dropdowns question (several answers in one question)",
    "fill_in_multiple_blanks_question": "a fill-in-multiple-blanks question (several answers in one question)",
    "calculated_question": "a formula question (its variables need a quizapp check; write it as parameterised)",
    "file_upload_question": "a file upload question",
    "text_only_question": "a text-only item (no question)",
}


def _strip(root: ET.Element) -> None:
    """Namespaces dropped, in place (Canvas writes ims_qtiasiv1p2 as the default namespace)."""
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = local(element.tag)


def _metadata(item: ET.Element) -> dict[str, str]:
    return {(field.findtext("fieldlabel") or "").strip(): (field.findtext("fieldentry") or "").strip()
            for field in item.iter("qtimetadatafield")}


def _material(node: ET.Element | None) -> str:
    """Markdown from a <material>'s mattext (Canvas writes HTML, escaped, with texttype text/html)."""
    if node is None:
        return ""
    parts = []
    for mattext in node.iter("mattext"):
        kind = (mattext.get("texttype") or "text/plain").lower()
        parts.append(convert_text(mattext.text or "", "html" if "html" in kind else "plain"))
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _feedbacks(item: ET.Element) -> dict[str, str]:
    return {fb.get("ident") or "": _material(fb) for fb in item.findall("itemfeedback")}


def _credited(item: ET.Element) -> list[tuple[ET.Element, float]]:
    """Each respcondition's condition and the score it sets (Canvas: 100 is full credit)."""
    out = []
    for condition in item.iter("respcondition"):
        setvar = condition.find("setvar")
        var = condition.find("conditionvar")
        if setvar is None or var is None:
            continue
        try:
            score = float((setvar.text or "0").strip())
        except ValueError:
            raise Skip(f"score {setvar.text!r} is not a number") from None
        if (setvar.get("action") or "Set").lower() == "set":
            out.append((var, score))
    return out


def _labels(item: ET.Element) -> list[tuple[str, str]]:
    return [(label.get("ident") or "", _material(label.find("material")))
            for label in item.iter("response_label")]


def _choice(item: ET.Element, feedback: dict[str, str], single: bool, note: Note) -> dict:
    labels = _labels(item)
    credited = _credited(item)
    if single:
        keys = {(v.text or "").strip() for var, score in credited if score >= 100 for v in var.iter("varequal")}
        answers = [Answer(text, 100.0 if ident in keys else 0.0, feedback.get(f"{ident}_fb", ""))
                   for ident, text in labels]
        texts = sorted(t.strip().lower() for _, t in labels)
        if texts == ["false", "true"] and len(keys) == 1:
            true_ident = next(i for i, t in labels if t.strip().lower() == "true")
            result: dict[str, Any] = {"type": "true_false", "answer": true_ident in keys}
            wrong = next(i for i, _ in labels if i not in keys)
            if text := feedback.get(f"{wrong}_fb"):
                result["feedback"] = text
            return result
        return choice_question(answers, True, note)
    keys: set[str] = set()
    for var, score in credited:
        if score >= 100:
            negated = {(v.text or "").strip() for n in var.iter("not") for v in n.iter("varequal")}
            keys |= {(v.text or "").strip() for v in var.iter("varequal")} - negated
    n_right, n_wrong = len(keys), len(labels) - len(keys)
    answers = [Answer(text, 100 / max(n_right, 1) if ident in keys else -100 / max(n_wrong, 1),
                      feedback.get(f"{ident}_fb", "")) for ident, text in labels]
    note("Canvas scores multiple answers by its own partial-credit rule; quizapp uses its own (docs/scoring.md)")
    return choice_question(answers, False, note)


def _short(item: ET.Element, feedback: dict[str, str], note: Note) -> dict:
    answers = [Answer((v.text or "").strip(), 100.0 if score >= 100 else score)
               for var, score in _credited(item) for v in var.iter("varequal")]
    return short_question(answers, note)


def _numeric(item: ET.Element, feedback: dict[str, str], note: Note) -> dict:
    """numerical: an exact answer (with Canvas's margin as vargte/varlte), or a range as its midpoint ± half."""
    ranges = []
    for var, score in _credited(item):
        if score < 100:
            continue
        exact = [float(v.text) for v in var.iter("varequal") if _number(v.text)]
        low = [float(v.text) for v in var.iter("vargte") if _number(v.text)]
        high = [float(v.text) for v in var.iter("varlte") if _number(v.text)]
        if exact:
            value = exact[0]
            tolerance = max(value - low[0], high[0] - value) if low and high else 0.0
        elif low and high and low[0] <= high[0]:
            value, tolerance = (low[0] + high[0]) / 2, (high[0] - low[0]) / 2
        else:
            raise Skip("a numeric answer without a value or a closed range has no quizapp equivalent")
        ranges.append((value, tolerance))
    if not ranges:
        raise Skip("no numeric answer has full credit")
    if len(set(ranges)) > 1:
        raise Skip(f"{len(ranges)} different correct numeric answers; a quizapp numeric question has one")
    value, tolerance = ranges[0]
    result: dict[str, Any] = {"type": "numeric", "answer": value}
    if tolerance > 0:
        result["tolerance"] = float(f"{tolerance:.12g}")
    return result


def _number(text: str | None) -> bool:
    """Whether Canvas wrote a finite number (an answer of nan or inf is no answer)."""
    try:
        return math.isfinite(float((text or "").strip()))
    except ValueError:
        return False


_READERS = {
    "multiple_choice_question": lambda item, fb, note: _choice(item, fb, True, note),
    "true_false_question": lambda item, fb, note: _choice(item, fb, True, note),
    "multiple_answers_question": lambda item, fb, note: _choice(item, fb, False, note),
    "short_answer_question": _short,
    "numerical_question": _numeric,
}


def _question(item: ET.Element, note: Note) -> dict:
    kind = _metadata(item).get("question_type", "")
    if kind in UNSUPPORTED:
        raise Skip(f"{UNSUPPORTED[kind]} has no quizapp equivalent")
    if kind not in _READERS:
        raise Skip(f"the Canvas question type {kind or '(none)'!r} has no quizapp equivalent")
    feedback = _feedbacks(item)
    question = _READERS[kind](item, feedback, note)
    presentation = item.find("presentation")
    question["prompt"] = _material(presentation.find("material") if presentation is not None else None)
    if explanation := feedback.get("general_fb"):
        question["explanation"] = explanation
    if wrong := feedback.get("general_incorrect_fb"):
        wrong_answer_feedback(question, wrong, note)
    if any(re.search(r"""\bdir\s*=\s*["']?rtl""", m.text or "", re.I) for m in item.iter("mattext")):
        note('the text direction dir="rtl" is not carried (quizapp question files have none); the right-to-left '
             "text itself is kept unchanged")
    if right := feedback.get("correct_fb"):
        note(f"feedback for the right answer ({brief(right)}) dropped (quizapp shows feedback only after a wrong "
             "answer)")
    return question


def import_canvas_files(files: dict[str, bytes], source: str = "canvas") -> ConversionResult:
    """Every item of every questestinterop file of a Canvas export; the rest reported per item."""
    result = ConversionResult([], [])
    ids = Ids(source)
    number = 0
    found = False
    read: set[str] = set()
    # A course export holds each quiz twice (non_cc_assessments/*.xml.qti and a Common Cartridge copy):
    # the .xml.qti files, Canvas's own, are read first and a quiz already read is not read again.
    for name in sorted(files, key=lambda n: (not n.endswith(".xml.qti"), n)):
        if not name.lower().endswith((".xml", ".qti")) or name.endswith(("imsmanifest.xml", "assessment_meta.xml")):
            continue
        try:
            parsed = parse_untrusted_xml(files[name])
        except XmlRefused as exc:
            result.issues.append(ConversionIssue(exc.line, None, f"{exc}; skipped", name))
            continue
        if local(parsed.root.tag) != "questestinterop":
            continue
        found = True
        _strip(parsed.root)
        quizzes = [a.get("ident") or "" for a in parsed.root.iter("assessment")]
        if quizzes and all(q in read for q in quizzes):
            continue
        read.update(quizzes)
        for item in parsed.root.iter("item"):
            number += 1
            title = (item.get("title") or "").strip() or None
            line = parsed.line(item)
            notes: list[str] = []
            qid = ids.preview(title, number)
            try:
                question = finish({"id": qid, **_question(item, notes.append)}, notes.append)
            except Skip as skip:
                result.issues.append(ConversionIssue(line, qid, f"{skip}; skipped", name))
                continue
            ids.take(title, number)
            result.issues.extend(ConversionIssue(line, qid, message, name) for message in notes)
            result.questions.append(question)
    if not found:
        result.issues.append(ConversionIssue(0, None, "no Canvas quiz (<questestinterop>) found: a Canvas export "
                                                      "holds non_cc_assessments/*.xml.qti or <quiz id>/<quiz id>.xml",
                                             source))
    return result
