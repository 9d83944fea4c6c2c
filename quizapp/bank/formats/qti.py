"""IMS/1EdTech QTI 2.1, 2.2 and 3.0 items and packages to and from quizapp questions.

Reading: a package (zip or folder with imsmanifest.xml, whose item resources give the order and
the LOM metadata), a folder or zip without a manifest, or one item file. QTI 3.0 spells elements
and attributes in kebab case with a qti- prefix (qti-choice-interaction, max-choices); QTI 2.x in
camel case (choiceInteraction, maxChoices). Both are read by normalising names to camel case
first. An item with one interaction quizapp has a type for becomes a question; anything else is
reported with its file and line. All input is untrusted (packages.py).

Writing: a QTI 3.0 package, one item file per question plus imsmanifest.xml. Text is rendered
from our Markdown to XHTML for other tools; a `<!-- quizapp: {json} -->` comment in each item
keeps the Markdown source and what QTI has no place for, so a round trip is exact. Difficulty
and skills also go into the manifest's LOM metadata (educational/difficulty, general/keyword),
which other tools read. docs/question-format.md lists what is carried where.
"""
from __future__ import annotations

import io
import json
import math
import re

# ElementTree builds output and walks trees parsed by defusedxml (packages.parse_untrusted_xml).
import xml.etree.ElementTree as ET  # nosec B405
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt

from ...questiontypes import QUESTION_TYPES
from . import ConversionIssue, ConversionResult, ExportResult, format_number, located
from ._common import (
    Answer,
    Ids,
    Note,
    Skip,
    apply_metadata,
    brief,
    choice_question,
    convert_text,
    export_metadata,
    finish,
    holds_xml_invalid_characters,
    wrong_answer_feedback,
)
from .packages import PackageError, ParsedXml, XmlRefused, camel, local, parse_untrusted_xml, read_zip

QTI3_NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
QTI3_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
CP_NS = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CP_XSD = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqtiv3p0_imscpv1p2_v1p0.xsd"
LOM_NS = "http://ltsc.ieee.org/xsd/LOM"
LOM_XSD = "https://purl.imsglobal.org/spec/md/v1p3/schema/xsd/imsmd_loose_v1p3p2.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ITEM_ROOTS = {"assessmentItem"}
NOT_ITEMS = {"assessmentTest": "a test (its items are read through the manifest)",
             "assessmentSection": "a section", "assessmentStimulus": "a shared stimulus",
             "manifest": "a manifest",
             "questestinterop": "a QTI 1.2 quiz (as Canvas exports it; convert it with --from canvas)"}
ONE_RESPONSE = "single"      # QTI's cardinality of a response with one value (not quizapp's type name)
# LOM's difficulty vocabulary has five values, like quizapp's levels 1-5.
LOM_DIFFICULTY = ("very easy", "easy", "medium", "difficult", "very difficult")
SUPPORTED = ("choiceInteraction", "textEntryInteraction", "extendedTextInteraction", "inlineChoiceInteraction",
             "orderInteraction")
UNSUPPORTED = {
    "matchInteraction": "a matching interaction (quizapp has no matching questions)",
    "associateInteraction": "an associate interaction", "gapMatchInteraction": "a gap-match interaction",
    "hottextInteraction": "a hot-text interaction", "hotspotInteraction": "a hotspot interaction",
    "graphicOrderInteraction": "a graphic order interaction", "selectPointInteraction": "a select-point interaction",
    "graphicAssociateInteraction": "a graphic associate interaction",
    "graphicGapMatchInteraction": "a graphic gap-match interaction",
    "positionObjectInteraction": "a position-object interaction", "sliderInteraction": "a slider interaction",
    "uploadInteraction": "a file upload interaction", "drawingInteraction": "a drawing interaction",
    "mediaInteraction": "a media interaction", "customInteraction": "a custom interaction",
    "portableCustomInteraction": "a portable custom interaction (PCI)",
    "endAttemptInteraction": "an end-attempt interaction",
}
_FEEDBACK_TAGS = {"feedbackInline", "feedbackBlock", "modalFeedback"}
_SKIPPED_IN_TEXT = _FEEDBACK_TAGS | {"rubricBlock", "templateBlock", "templateInline"}
_QUIZAPP_COMMENT = re.compile(r"\s*quizapp:\s*(.*?)\s*$", re.S)
_WRONG_FEEDBACK = re.compile(r"^(incorrect|wrong|false|fb_?incorrect|feedback_?incorrect)$", re.I)
_RIGHT_FEEDBACK = re.compile(r"^(correct|right|true|fb_?correct|feedback_?correct)$", re.I)
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


# --- reading -----------------------------------------------------------------------------------

@dataclass
class ItemFile:
    """One item document of a package and what its manifest says of it."""

    name: str
    data: bytes
    difficulty: int | None = None
    keywords: list[str] = field(default_factory=list)


def _normalise(root: ET.Element) -> None:
    """QTI 3 kebab-case names → QTI 2 camel case, namespaces dropped, in place (HTML names are unchanged)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = camel(local(element.tag))
        if element.attrib:
            element.attrib = {camel(local(k)) if not k.startswith("{http://www.w3.org/XML") else k: v
                              for k, v in element.attrib.items()}


def _manifest_items(files: dict[str, bytes], issues: list[ConversionIssue]) -> list[ItemFile]:
    """Item files in manifest order with their LOM metadata; without a manifest, every XML file by name."""
    manifest_name = next((n for n in sorted(files, key=len) if PurePosixPath(n).name == "imsmanifest.xml"), None)
    if manifest_name is None:
        return [ItemFile(n, d) for n, d in sorted(files.items()) if n.lower().endswith((".xml", ".qti"))]
    base = PurePosixPath(manifest_name).parent
    try:
        parsed = parse_untrusted_xml(files[manifest_name])
    except XmlRefused as exc:
        issues.append(ConversionIssue(exc.line, None, str(exc), manifest_name))
        return []
    _normalise(parsed.root)
    items: list[ItemFile] = []
    for resource in parsed.root.iter("resource"):
        kind, href = resource.get("type") or "", resource.get("href") or ""
        if "item" not in kind.lower() or "test" in kind.lower():
            continue
        path = _in_package(base, href)
        if path not in files:
            issues.append(ConversionIssue(parsed.line(resource), None, f"the manifest lists {href!r}, which is not in "
                                                                       "the package; skipped", manifest_name))
            continue
        item = ItemFile(path, files[path])
        for difficulty in resource.iter("difficulty"):
            value = (difficulty.findtext("value") or "").strip().lower()
            if value in LOM_DIFFICULTY:
                item.difficulty = LOM_DIFFICULTY.index(value) + 1
        for keyword in resource.iter("keyword"):
            item.keywords += [(s.text or "").strip() for s in keyword.iter("string") if (s.text or "").strip()]
        items.append(item)
    if not items:
        qti12 = any("v1p2" in (r.get("type") or "") for r in parsed.root.iter("resource"))
        hint = ": it is a QTI 1.2 (Canvas) package; convert it with --from canvas" if qti12 else ""
        issues.append(ConversionIssue(1, None, f"the manifest lists no QTI 2 or 3 assessment item{hint}", manifest_name))
    listed = {_in_package(base, node.get("href") or "") for node in parsed.root.iter()
              if node.tag in ("file", "resource")}
    for name in sorted(files):
        if name.lower().endswith(".xml") and name != manifest_name and name not in listed:
            issues.append(ConversionIssue(0, None, "not listed in the manifest; not read", name))
    return items


def _in_package(base: PurePosixPath, href: str) -> str:
    return str(PurePosixPath(str(base / href) if str(base) != "." else href))


def read_items(files: dict[str, bytes]) -> tuple[list[ItemFile], list[ConversionIssue]]:
    """The item files of a package (or a lone item), in order, and what went wrong finding them."""
    issues: list[ConversionIssue] = []
    return _manifest_items(files, issues), issues


def _text(element: ET.Element | None, skip: frozenset[str] | set[str] = frozenset()) -> str:
    """Markdown from an element's content, without the elements named in `skip` (their tail text stays)."""
    if element is None:
        return ""
    html = _inner_html(element, set(skip) | _SKIPPED_IN_TEXT)
    return convert_text(html, "html")


def _inner_html(element: ET.Element, skip: set[str]) -> str:
    parts = [_escape(element.text or "")]
    for child in element:
        if not isinstance(child.tag, str):
            parts.append(_escape(child.tail or ""))
            continue
        if child.tag not in skip:
            parts.append(_outer_html(child, skip))
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _outer_html(element: ET.Element, skip: set[str]) -> str:
    tag = element.tag
    if tag in {"prompt"}:
        tag = "p"
    attrs = "".join(f' {k}="{_escape(v)}"' for k, v in element.attrib.items()
                    if k in ("href", "class", "lang", "dir", "src", "alt"))
    return f"<{tag}{attrs}>{_inner_html(element, skip)}</{tag}>"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _has_rtl(element: ET.Element) -> bool:
    return any((e.get("dir") or "").lower() == "rtl" for e in element.iter() if isinstance(e.tag, str))


def _declaration(item: ET.Element, identifier: str | None) -> ET.Element | None:
    return next((d for d in item.iter("responseDeclaration") if d.get("identifier") == identifier), None)


def _correct_values(declaration: ET.Element | None) -> list[str]:
    if declaration is None:
        return []
    correct = declaration.find("correctResponse")
    return [] if correct is None else [(v.text or "").strip() for v in correct.findall("value")]


def _mapping(declaration: ET.Element | None) -> dict[str, tuple[float, bool]]:
    """mapKey → (mappedValue, caseSensitive) of a response declaration's mapping."""
    if declaration is None or (mapping := declaration.find("mapping")) is None:
        return {}
    out = {}
    for entry in mapping.findall("mapEntry"):
        try:
            value = float(entry.get("mappedValue") or 0)
        except ValueError:
            raise Skip(f"mapped value {entry.get('mappedValue')!r} is not a number") from None
        out[entry.get("mapKey") or ""] = (value, (entry.get("caseSensitive") or "true").lower() != "false")
    return out


@dataclass
class _Feedback:
    """Feedback texts of an item by the outcome value they show for."""

    keyed: dict[str, str] = field(default_factory=dict)       # identifier → text (choices, CORRECT, INCORRECT…)
    general: list[str] = field(default_factory=list)           # shown whatever the answer: the explanation


def _feedback(item: ET.Element, choice_ids: set[str]) -> _Feedback:
    """Modal feedback, feedback blocks and inline feedback keyed by a choice or outcome value."""
    out = _Feedback()
    for element in item.iter():
        if element.tag not in _FEEDBACK_TAGS:
            continue
        text = _text(element)
        if not text:
            continue
        identifier = element.get("identifier") or ""
        if element.tag == "feedbackInline" and identifier not in choice_ids:
            parent_choice = next((c for c in item.iter() if element in list(c) and c.get("identifier")), None)
            identifier = parent_choice.get("identifier") if parent_choice is not None else identifier
        if (identifier in choice_ids or _WRONG_FEEDBACK.match(identifier) or _RIGHT_FEEDBACK.match(identifier)):
            if (element.get("showHide") or "show").lower() == "hide" and identifier not in choice_ids:
                out.general.append(text)
            else:
                out.keyed[identifier] = (out.keyed.get(identifier, "") + "\n\n" + text).strip()
        else:
            out.general.append(text)
    return out


def _choice_feedback(feedback: _Feedback, identifier: str) -> str:
    return feedback.keyed.get(identifier, "")


def _right_wrong(feedback: _Feedback, question: dict, note: Note) -> None:
    """CORRECT/INCORRECT feedback: quizapp has one feedback after a wrong answer, and none after a right one."""
    right = next((t for k, t in feedback.keyed.items() if _RIGHT_FEEDBACK.match(k)), "")
    wrong = next((t for k, t in feedback.keyed.items() if _WRONG_FEEDBACK.match(k)), "")
    if wrong:
        wrong_answer_feedback(question, wrong, note)
    if right:
        note(f"feedback for the right answer ({brief(right)}) dropped (quizapp shows feedback only after a wrong "
             "answer)")


def _choices(item, interaction, feedback: _Feedback, note: Note) -> dict:
    """choiceInteraction → single (one key), multiple, or true_false (two choices True and False)."""
    choices = interaction.findall("simpleChoice")
    declaration = _declaration(item, interaction.get("responseIdentifier"))
    keys = set(_correct_values(declaration))
    mapping = _mapping(declaration)
    if not keys and mapping:
        keys = {k for k, (v, _) in mapping.items() if v > 0}
    ids = [c.get("identifier") or "" for c in choices]
    if unknown := keys - set(ids):
        raise Skip(f"the correct response names {', '.join(sorted(unknown))}, which is not a choice")
    texts = [_text(c) for c in choices]
    cardinality = (declaration.get("cardinality") if declaration is not None else "") or ""
    single = cardinality == ONE_RESPONSE or interaction.get("maxChoices") == "1"
    if single and len(choices) == 2 and sorted(t.strip().lower() for t in texts) == ["false", "true"] and len(keys) == 1:
        true_id = ids[[t.strip().lower() for t in texts].index("true")]
        result: dict[str, Any] = {"type": "true_false", "answer": true_id in keys}
        wrong_id = next(i for i in ids if i not in keys)
        if text := _choice_feedback(feedback, wrong_id):
            result["feedback"] = text
        if _choice_feedback(feedback, next(iter(keys))):
            note("feedback for the right answer dropped (quizapp shows feedback only after a wrong answer)")
        return result
    if single:
        answers = [Answer(t, 100.0 if i in keys else 0.0, _choice_feedback(feedback, i)) for i, t in zip(ids, texts,
                                                                                                         strict=True)]
    else:
        n_right, n_wrong = len(keys), len(ids) - len(keys)
        if mapping:
            weights = [mapping.get(i, (0.0, True))[0] for i in ids]
            total = sum(w for w in weights if w > 0) or 1.0
            answers = [Answer(t, 100 * w / total, _choice_feedback(feedback, i))
                       for i, t, w in zip(ids, texts, weights, strict=True)]
        else:
            answers = [Answer(t, 100 / max(n_right, 1) if i in keys else -100 / max(n_wrong, 1),
                              _choice_feedback(feedback, i)) for i, t in zip(ids, texts, strict=True)]
    if not keys:
        raise Skip("no choice is marked correct (no correctResponse)")
    if interaction.get("shuffle", "true").lower() == "false" and interaction.get("orientation") == "fixed":
        note("the choices' fixed order is not kept (quizapp shuffles choices)")
    return choice_question(answers, single, note)


def _tolerance(item: ET.Element) -> tuple[float, str] | None:
    """The tolerance of an `equal` comparison in response processing, if the item has one."""
    for equal in item.iter("equal"):
        mode = (equal.get("toleranceMode") or "exact").lower()
        if mode == "exact":
            return None
        values = (equal.get("tolerance") or "0").split()
        try:
            low = float(values[0])
        except (ValueError, IndexError):
            raise Skip(f"tolerance {equal.get('tolerance')!r} is not a number") from None
        if len(values) > 1 and values[1] != values[0]:
            raise Skip("an asymmetric tolerance has no quizapp equivalent")
        if not math.isfinite(low) or low < 0:
            raise Skip(f"tolerance {equal.get('tolerance')!r} is not a finite number of at least 0")
        return low, mode
    return None


def _numeric_entry(item, correct: list[str], mapping: dict) -> dict:
    """A float or integer text entry → numeric: one correct value, the tolerance of an `equal` test."""
    if not correct and mapping:
        best = max(v for v, _ in mapping.values())
        correct = [k for k, (v, _) in mapping.items() if v == best and v > 0]
    if len(correct) != 1:
        raise Skip("a numeric response needs exactly one correct value" if correct else
                   "no correct value (no correctResponse)")
    try:
        value = float(correct[0])
    except ValueError:
        raise Skip(f"the correct value {correct[0]!r} is not a number") from None
    if not math.isfinite(value):
        raise Skip(f"the correct value {correct[0]!r} is not a finite number")
    result: dict[str, Any] = {"type": "numeric", "answer": value}
    if tolerance := _tolerance(item):
        amount, mode = tolerance     # an explicit 0 is kept: the item asked for a tolerance test
        result["tolerance"] = amount if mode == "absolute" else f"{format_number(amount)}%"
    return result


def _text_entry(item, interaction, feedback: _Feedback, note: Note) -> dict:
    """text entry (and extended text with a key) → numeric for a float/integer response, else short."""
    declaration = _declaration(item, interaction.get("responseIdentifier"))
    if declaration is None:
        raise Skip("the interaction has no response declaration")
    base_type = (declaration.get("baseType") or "string").lower()
    correct = [v for v in _correct_values(declaration) if v]
    mapping = _mapping(declaration)
    if base_type in ("float", "integer"):
        return _numeric_entry(item, correct, mapping)
    if base_type != "string":
        raise Skip(f"a text entry whose response is a {base_type} has no quizapp equivalent")
    top = max((v for v, _ in mapping.values()), default=0.0)
    accepted = list(dict.fromkeys(correct + [k for k, (v, _) in mapping.items() if v > 0 and v == top and k]))
    if partial := [k for k, (v, _) in mapping.items() if 0 < v < top]:
        note(f"partial credit for {', '.join(map(brief, partial))} dropped (quizapp short answers are right or wrong)")
    pattern = next((m.get("pattern") for m in item.iter("patternMatch") if m.get("pattern")), None)
    if not accepted and pattern:
        return {"type": "short", "pattern": pattern}
    if not accepted:
        if interaction.tag == "extendedTextInteraction":
            raise Skip("an essay (extended text without a correct response) has no quizapp equivalent: quizapp "
                       "grades every answer itself")
        raise Skip("no correct answer (no correctResponse or mapping)")
    result = {"type": "short", "answers": accepted}
    sensitivity = {mapping[k][1] for k in accepted if k in mapping}
    if not mapping or sensitivity == {True}:
        result["case_sensitive"] = True
    elif sensitivity == {True, False}:
        note("some answers are case-sensitive and others not; quizapp has one setting, so none are")
    if interaction.tag == "extendedTextInteraction":
        note("an extended (multi-line) text answer becomes a one-line short answer")
    return result


def _inline_choice(item, interaction, feedback: _Feedback, note: Note) -> dict:
    """inlineChoiceInteraction → single; the prompt keeps a blank (_____) where the drop-down was."""
    declaration = _declaration(item, interaction.get("responseIdentifier"))
    keys = set(_correct_values(declaration))
    choices = interaction.findall("inlineChoice")
    ids = [c.get("identifier") or "" for c in choices]
    if len(keys) != 1 or not keys <= set(ids):
        raise Skip("an inline choice needs exactly one correct choice")
    answers = [Answer(_text(c), 100.0 if i in keys else 0.0, _choice_feedback(feedback, i))
               for i, c in zip(ids, choices, strict=True)]
    return choice_question(answers, True, note)


def _order(item, interaction, feedback: _Feedback, note: Note) -> dict:
    """orderInteraction → ordering: the items in the order of the correct response."""
    declaration = _declaration(item, interaction.get("responseIdentifier"))
    order = _correct_values(declaration)
    choices = {c.get("identifier") or "": c for c in interaction.findall("simpleChoice")}
    if sorted(order) != sorted(choices) or not order:
        raise Skip("the correct order must name every choice once")
    if interaction.get("maxChoices") not in (None, "0", str(len(order))):
        note("learners ordered only some of the items in the source; quizapp orders them all")
    return {"type": "ordering", "items": [_text(choices[i]) for i in order]}


_READERS = {"choiceInteraction": _choices, "textEntryInteraction": _text_entry,
            "extendedTextInteraction": _text_entry, "inlineChoiceInteraction": _inline_choice,
            "orderInteraction": _order}


def _quizapp_comment(item: ET.Element) -> tuple[dict | None, bool]:
    """The quizapp comment's JSON object, and whether one was there but unreadable."""
    for child in item:
        if child.tag is ET.Comment and (match := _QUIZAPP_COMMENT.match(child.text or "")):
            try:
                meta = json.loads(match.group(1))
            except json.JSONDecodeError:
                return None, True
            return (meta, False) if isinstance(meta, dict) else (None, True)
    return None, False


def _prompt(body: ET.Element, interaction: ET.Element) -> str:
    """The item body as Markdown without the interaction; an inline interaction leaves a blank."""
    if interaction.tag == "inlineChoiceInteraction" or interaction.tag == "textEntryInteraction":
        marker = "⟦blank⟧"
        parent = next(p for p in body.iter() if interaction in list(p))
        if (parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip()
                and not (interaction.tail or "").strip()):       # alone in its paragraph: no blank to show
            parent.tag = "templateBlock"
            text = _text(body)
            parent.tag = "p"
            return text
        index = list(parent).index(interaction)
        parent.remove(interaction)
        blank = ET.Element("span")
        blank.text, blank.tail = marker, interaction.tail
        parent.insert(index, blank)
        text = _text(body).replace(marker, "_____")
        parent.remove(blank)
        interaction.tail = blank.tail
        parent.insert(index, interaction)
        return text
    parts = [_text(body, {interaction.tag})]
    if (prompt := interaction.find("prompt")) is not None:
        parts.append(_text(prompt))
    return "\n\n".join(p.strip() for p in parts if p.strip())


def _with_sources(question: dict, sources: dict, note: Note) -> None:
    """Our own export's Markdown, when its shape still matches what was read from the XHTML."""
    def same_length(key):
        return key not in sources or len(sources[key]) == len(question.get(key, ()))
    if not (same_length("choices") and same_length("items")):
        note("the quizapp comment does not match the item's choices (edited elsewhere?); its text sources are ignored")
        return
    for key in ("prompt", "explanation", "feedback"):
        if isinstance(sources.get(key), str) and key in question:
            question[key] = sources[key]
    for index, choice in enumerate(sources.get("choices") or []):
        if isinstance(choice, dict):
            for key in ("text", "feedback"):
                if isinstance(choice.get(key), str) and key in question["choices"][index]:
                    question["choices"][index][key] = choice[key]
    if isinstance(sources.get("items"), list):
        question["items"] = list(sources["items"])
    if isinstance(sources.get("answers"), list) and question.get("answers"):
        question["answers"] = list(sources["answers"])


def read_item(parsed: ParsedXml, note: Note, qid_hint: list[str]) -> dict:
    """One assessment item as a question dict (no id); Skip when quizapp cannot represent it."""
    item = parsed.root
    body = item.find("itemBody")
    if body is None:
        raise Skip("the item has no item body")
    interactions = [e for e in body.iter() if isinstance(e.tag, str) and e.tag.endswith("Interaction")]
    if not interactions:
        raise Skip("the item has no interaction (a text or stimulus only)")
    if len(interactions) > 1:
        names = ", ".join(sorted({e.tag for e in interactions}))
        raise Skip(f"the item has {len(interactions)} interactions ({names}); a quizapp question has one answer")
    interaction = interactions[0]
    if interaction.tag in UNSUPPORTED:
        raise Skip(f"{UNSUPPORTED[interaction.tag]} has no quizapp equivalent")
    if interaction.tag not in _READERS:
        raise Skip(f"the interaction {interaction.tag!r} has no quizapp equivalent")
    if (item.get("adaptive") or "false").lower() == "true":
        note("the item is adaptive (several attempts with changing feedback); quizapp reads it as one attempt")
    if item.find("templateDeclaration") is not None:
        raise Skip("a template (cloned) item has no fixed content; quizapp parameterised questions need a check")
    choice_ids = {c.get("identifier") or "" for c in interaction.iter() if c.tag in ("simpleChoice", "inlineChoice")}
    references = _take_references(item)
    feedback = _feedback(item, choice_ids)
    question = _READERS[interaction.tag](item, interaction, feedback, note)
    question["prompt"] = _prompt(body, interaction)
    _right_wrong(feedback, question, note)
    if references:
        question["references"] = references
    if feedback.general:
        question["explanation"] = "\n\n".join(t.strip() for t in feedback.general) + "\n"
        if "\n" not in question["explanation"].strip():
            question["explanation"] = question["explanation"].strip()
    if _has_rtl(item):
        note("the text direction dir=\"rtl\" is not carried (quizapp question files have none); the right-to-left "
             "text itself is kept unchanged")
    _apply_comment(item, question, note, qid_hint)
    return question


def _apply_comment(item: ET.Element, question: dict, note: Note, qid_hint: list[str]) -> None:
    """Our own export's comment: the id, the Markdown sources and the facts QTI has no place for."""
    meta, broken = _quizapp_comment(item)
    if broken:
        note("the quizapp comment in this item is not a JSON object; ignored")
    if meta:
        if isinstance(meta.get("id"), str):
            qid_hint.append(meta.pop("id"))
        sources = meta.pop("sources", None)
        example = meta.pop("example", None)
        if isinstance(example, str) and example.strip() and "example" in QUESTION_TYPES[question["type"]].optional_keys:
            question["example"] = example
        wanted = meta.pop("type", None)
        if wanted and wanted != question["type"] and wanted in QUESTION_TYPES:
            note(f"the quizapp comment says {wanted}, the item reads as {question['type']}; kept {question['type']}")
        if isinstance(sources, dict):
            _with_sources(question, sources, note)
        apply_metadata(question, meta, note)


def _take_references(item: ET.Element) -> list[str]:
    """The links of our references paragraph (class quizapp-references), removed from the feedback it ends."""
    references: list[str] = []
    for parent in list(item.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and "quizapp-references" in (child.get("class") or "").split():
                references += [a.get("href") for a in child.iter("a") if a.get("href")]
                parent.remove(child)
    return references


def _title(item: ET.Element) -> str | None:
    return (item.get("identifier") or "").strip() or (item.get("title") or "").strip() or None


def import_qti_files(files: dict[str, bytes], source: str = "package") -> ConversionResult:
    """Every item of a package (its files: path → bytes); what quizapp cannot hold is reported per item."""
    result = ConversionResult([], [])
    items, issues = read_items(files)
    result.issues.extend(issues)
    ids = Ids(source)
    for number, item_file in enumerate(items, start=1):
        _import_one(item_file, number, ids, result)
    return result


def _import_one(item_file: ItemFile, number: int, ids: Ids, result: ConversionResult) -> None:
    name = item_file.name
    try:
        parsed = parse_untrusted_xml(item_file.data)
    except XmlRefused as exc:
        result.issues.append(ConversionIssue(exc.line, None, f"{exc}; skipped", name))
        return
    root_name = camel(local(parsed.root.tag))
    if root_name in NOT_ITEMS:
        if root_name != "manifest":
            result.issues.append(ConversionIssue(1, None, f"{NOT_ITEMS[root_name]}, not an item; skipped", name))
        return
    if root_name not in ITEM_ROOTS:
        result.issues.append(ConversionIssue(1, None, f"the root element <{local(parsed.root.tag)}> is not a QTI "
                                                      "assessment item; skipped", name))
        return
    namespace = parsed.root.tag[1:].split("}")[0] if parsed.root.tag.startswith("{") else ""
    _normalise(parsed.root)
    line = parsed.line(parsed.root)
    notes: list[str] = []
    hint: list[str] = []
    title = _title(parsed.root)
    try:
        if namespace and "imsqti" not in namespace:
            raise Skip(f"the namespace {namespace!r} is not QTI 2.1, 2.2 or 3.0")
        question = read_item(parsed, notes.append, hint)
        title = hint[0] if hint else title
        qid = ids.preview(title, number)
        if item_file.difficulty is not None and "difficulty" not in question:
            question["difficulty"] = item_file.difficulty
        skills = [k for k in item_file.keywords if re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", k)]
        if skills and "skills" not in question:
            question["skills"] = skills
        if others := [k for k in item_file.keywords if k not in skills]:
            notes.append(f"keywords dropped: {', '.join(others)} (quizapp has skills, not keywords)")
        question = finish({"id": qid, **question}, notes.append)
    except Skip as skip:
        result.issues.append(ConversionIssue(_skip_line(parsed, skip), ids.preview(title, number), f"{skip}; skipped",
                                             name))
        return
    ids.take(title, number)
    result.issues.extend(ConversionIssue(line, qid, message, name) for message in notes)
    result.questions.append(question)


def _skip_line(parsed: ParsedXml, skip: Skip) -> int:
    """The line of the first interaction (what is usually not supported), else the item's."""
    for element in parsed.root.iter():
        if isinstance(element.tag, str) and element.tag.endswith("Interaction"):
            return parsed.line(element)
    return parsed.line(parsed.root)


def import_qti(data: bytes, source: str = "input.zip") -> ConversionResult:
    """A QTI zip or a single item file's bytes (for callers that hold bytes, like the tests)."""
    if data[:4] == b"PK\x03\x04":
        try:
            files = read_zip(source, data)
        except PackageError as exc:
            return ConversionResult([], [ConversionIssue(0, None, str(exc), source)])
    else:
        files = {source: data}
    return import_qti_files(files, source)


# --- writing -----------------------------------------------------------------------------------

@dataclass
class QtiChoice:
    identifier: str
    text: str
    correct: bool
    feedback: str = ""


@dataclass
class QtiSpec:
    """How a question type is written in QTI (questiontypes build it; this module writes it)."""

    interaction: str                          # choice, text or order
    cardinality: str = "single"
    base_type: str = "identifier"
    choices: list[QtiChoice] = field(default_factory=list)
    correct: list[str] = field(default_factory=list)
    max_choices: int = 1
    mapping: dict[str, float] = field(default_factory=dict)
    case_sensitive: bool = True
    tolerance: tuple[str, float] | None = None     # (absolute|relative, amount)
    pattern: str | None = None
    expected_length: int = 20


def _html_elements(markdown: str) -> list[ET.Element]:
    """Our Markdown as XHTML elements for a QTI body (inline styles dropped: QTI has no style attribute)."""
    html = _MARKDOWN.render(markdown or "")
    html = re.sub(r' style="[^"]*"', "", html)
    # Parses our own renderer's output, never input.
    wrapper = ET.fromstring(f"<div>{html}</div>")  # nosec B314
    return list(wrapper) if len(wrapper) or not (wrapper.text or "").strip() else [_paragraph(wrapper.text)]


def _paragraph(text: str) -> ET.Element:
    p = ET.Element("p")
    p.text = text
    return p


def _fill_inline(target: ET.Element, markdown: str) -> None:
    """Content for an element that holds inline text (a choice): one paragraph is unwrapped."""
    elements = _html_elements(markdown)
    if len(elements) == 1 and elements[0].tag == "p":
        target.text = elements[0].text
        for child in elements[0]:
            target.append(child)
    else:
        target.extend(elements)


def _block(parent: ET.Element, tag: str, markdown: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.extend(_html_elements(markdown))
    return node


def _identifier(qid: str) -> str:
    """An item identifier (an NCName-like token): the id itself, or prefixed when it starts with a digit."""
    return qid if _NCNAME.match(qid) else f"Q-{qid}"


def _base_value(parent: ET.Element, base_type: str, value: str) -> None:
    ET.SubElement(parent, "qti-base-value", {"base-type": base_type}).text = value


def _set_outcome(parent: ET.Element, identifier: str, base_type: str, value: str) -> None:
    _base_value(ET.SubElement(parent, "qti-set-outcome-value", identifier=identifier), base_type, value)


def _response_processing(item: ET.Element, spec: QtiSpec, feedback_ids: list[str]) -> None:
    """Score 1 for the correct response (map_response for partial credit), and FEEDBACK = the choices
    picked plus CORRECT or INCORRECT, so keyed modal feedback shows as quizapp shows it."""
    processing = ET.SubElement(item, "qti-response-processing")
    condition = ET.SubElement(processing, "qti-response-condition")
    branch = ET.SubElement(condition, "qti-response-if")
    if spec.tolerance:
        mode, amount = spec.tolerance
        test = ET.SubElement(branch, "qti-equal", {"tolerance-mode": mode,
                                                   "tolerance": f"{format_number(amount)} {format_number(amount)}"})
        ET.SubElement(test, "qti-variable", identifier="RESPONSE")
        ET.SubElement(test, "qti-correct", identifier="RESPONSE")
    elif spec.mapping and spec.base_type == "string" or spec.pattern:
        test = ET.SubElement(branch, "qti-or")
        if spec.mapping:
            gte = ET.SubElement(test, "qti-gte")
            ET.SubElement(gte, "qti-map-response", identifier="RESPONSE")
            _base_value(gte, "float", "1")
        if spec.pattern:
            match = ET.SubElement(test, "qti-pattern-match", pattern=spec.pattern)
            ET.SubElement(match, "qti-variable", identifier="RESPONSE")
    else:
        test = ET.SubElement(branch, "qti-match")
        ET.SubElement(test, "qti-variable", identifier="RESPONSE")
        ET.SubElement(test, "qti-correct", identifier="RESPONSE")
    _set_outcome(branch, "SCORE", "float", "1")
    _set_outcome(branch, "FEEDBACK", "identifier", "CORRECT")
    otherwise = ET.SubElement(condition, "qti-response-else")
    if spec.mapping and spec.base_type == "identifier":
        score = ET.SubElement(otherwise, "qti-set-outcome-value", identifier="SCORE")
        ET.SubElement(score, "qti-map-response", identifier="RESPONSE")
    else:
        _set_outcome(otherwise, "SCORE", "float", "0")
    _set_outcome(otherwise, "FEEDBACK", "identifier", "INCORRECT")
    if spec.interaction == "choice" and feedback_ids:
        picked = ET.SubElement(processing, "qti-set-outcome-value", identifier="FEEDBACK")
        multiple = ET.SubElement(picked, "qti-multiple")
        ET.SubElement(multiple, "qti-variable", identifier="FEEDBACK")
        ET.SubElement(multiple, "qti-variable", identifier="RESPONSE")


def _declarations(item: ET.Element, spec: QtiSpec) -> None:
    cardinality = spec.cardinality
    declaration = ET.SubElement(item, "qti-response-declaration", {"identifier": "RESPONSE",
                                                                  "cardinality": cardinality,
                                                                  "base-type": spec.base_type})
    if spec.correct:
        correct = ET.SubElement(declaration, "qti-correct-response")
        for value in spec.correct:
            ET.SubElement(correct, "qti-value").text = value
    if spec.mapping:
        mapping = ET.SubElement(declaration, "qti-mapping", {"lower-bound": "0", "upper-bound": "1",
                                                             "default-value": "0"})
        for key, value in spec.mapping.items():
            ET.SubElement(mapping, "qti-map-entry", {"map-key": key, "mapped-value": format_number(round(value, 7)),
                                                     "case-sensitive": "true" if spec.case_sensitive else "false"})
    ET.SubElement(item, "qti-outcome-declaration", {"identifier": "SCORE", "cardinality": "single",
                                                    "base-type": "float"})
    ET.SubElement(item, "qti-outcome-declaration", {"identifier": "FEEDBACK", "cardinality": "multiple",
                                                    "base-type": "identifier"})


def _interaction(body: ET.Element, spec: QtiSpec) -> None:
    if spec.interaction == "text":
        holder = ET.SubElement(body, "p")
        ET.SubElement(holder, "qti-text-entry-interaction", {"response-identifier": "RESPONSE",
                                                             "expected-length": str(spec.expected_length)})
        return
    tag = "qti-choice-interaction" if spec.interaction == "choice" else "qti-order-interaction"
    attrs = {"response-identifier": "RESPONSE", "shuffle": "true"}
    if spec.interaction == "choice":
        attrs["max-choices"] = str(spec.max_choices)
    interaction = ET.SubElement(body, tag, attrs)
    for choice in spec.choices:
        node = ET.SubElement(interaction, "qti-simple-choice", identifier=choice.identifier)
        _fill_inline(node, choice.text)


def _sources(definition: dict) -> dict:
    """The Markdown of every text, for an exact round trip (the XHTML is for other tools)."""
    sources: dict[str, Any] = {k: definition[k] for k in ("prompt", "explanation", "feedback") if definition.get(k)}
    if definition.get("choices"):
        sources["choices"] = [{k: c[k] for k in ("text", "feedback") if c.get(k)} for c in definition["choices"]]
    if definition.get("items"):
        sources["items"] = list(definition["items"])
    if definition.get("answers"):
        sources["answers"] = list(definition["answers"])
    return sources


def item_xml(qid: str, definition: dict, note: Note) -> bytes:
    """One question as a QTI 3.0 assessment item document; Skip for what QTI cannot hold."""
    qt = QUESTION_TYPES.get(definition.get("type"))
    if qt is None:
        raise Skip(f"type {definition.get('type')!r} cannot be exported")
    if "params" in definition:
        raise Skip("a parameterised question has no fixed answer key for QTI")
    if holds_xml_invalid_characters(definition):
        raise Skip("contains control characters that XML cannot hold")
    spec = qt.qti(definition, note)
    item = ET.Element("qti-assessment-item", {
        "xmlns": QTI3_NS, "xmlns:xsi": XSI_NS, "xsi:schemaLocation": f"{QTI3_NS} {QTI3_XSD}",
        "identifier": _identifier(qid), "title": qid, "adaptive": "false", "time-dependent": "false"})
    meta = {"id": qid, "type": definition["type"], **export_metadata(definition), "sources": _sources(definition)}
    if "example" in definition:
        meta["example"] = definition["example"]
        note("the example answer is not carried by QTI itself (kept in the quizapp comment only)")
    comment = json.dumps(meta, ensure_ascii=False).replace("--", "-\\u002d")
    item.append(ET.Comment(f" quizapp: {comment} "))
    _declarations(item, spec)
    body = ET.SubElement(item, "qti-item-body")
    _block(body, "div", definition.get("prompt") or "", **{"class": "quizapp-prompt"})
    _interaction(body, spec)
    feedback_ids = [c.identifier for c in spec.choices if c.feedback]
    _response_processing(item, spec, feedback_ids)
    for choice in spec.choices:
        if choice.feedback:
            _modal(item, choice.identifier, "show", choice.feedback)
    if definition.get("feedback"):
        _modal(item, "INCORRECT", "show", definition["feedback"])
    if definition.get("explanation") or definition.get("references"):
        # show-hide="hide": shown whenever FEEDBACK does not hold EXPLANATION, i.e. after every response
        node = _modal(item, "EXPLANATION", "hide", definition.get("explanation") or "")
        if definition.get("references"):
            _references(node.find("qti-content-body"), definition["references"])
    _indent(item)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(item, encoding="utf-8",
                                                                      xml_declaration=False) + b"\n"


def _indent(element: ET.Element, level: int = 0) -> None:
    """Indent the QTI structure only: whitespace added inside HTML would show (in <pre> above all)."""
    children = list(element)
    if (not isinstance(element.tag, str) or not element.tag.startswith("qti-") or not children
            or (element.text or "").strip() or any((c.tail or "").strip() for c in children)):
        return
    pad = "\n" + "  " * (level + 1)
    element.text = pad
    for child in children:
        child.tail = pad
        _indent(child, level + 1)
    children[-1].tail = "\n" + "  " * level


def _modal(item: ET.Element, identifier: str, show_hide: str, markdown: str) -> ET.Element:
    node = ET.SubElement(item, "qti-modal-feedback", {"outcome-identifier": "FEEDBACK", "identifier": identifier,
                                                      "show-hide": show_hide})
    _block(node, "qti-content-body", markdown)
    return node


def _references(body: ET.Element, references: list[str]) -> None:
    """The references as links after the explanation, which other tools show and our import reads back."""
    paragraph = ET.SubElement(body, "p", {"class": "quizapp-references"})
    paragraph.text = "References: "
    for n, url in enumerate(references):
        link = ET.SubElement(paragraph, "a", href=url)
        link.text = url
        link.tail = ", " if n < len(references) - 1 else ""


def _manifest(entries: list[tuple[str, str, dict]]) -> bytes:
    """imsmanifest.xml: one imsqti_item_xmlv3p0 resource per item, with LOM difficulty and skills as keywords."""
    manifest = ET.Element("manifest", {"xmlns": CP_NS, "xmlns:imsmd": LOM_NS, "xmlns:xsi": XSI_NS,
                                       "xsi:schemaLocation": f"{CP_NS} {CP_XSD} {LOM_NS} {LOM_XSD}",
                                       "identifier": "quizapp-export"})
    metadata = ET.SubElement(manifest, "metadata")
    ET.SubElement(metadata, "schema").text = "QTI Package"
    ET.SubElement(metadata, "schemaversion").text = "3.0.0"
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    for identifier, href, definition in entries:
        resource = ET.SubElement(resources, "resource", {"identifier": identifier, "type": "imsqti_item_xmlv3p0",
                                                         "href": href})
        lom = ET.SubElement(ET.SubElement(resource, "metadata"), "imsmd:lom")
        if definition.get("skills"):
            general = ET.SubElement(lom, "imsmd:general")
            for skill in definition["skills"]:
                keyword = ET.SubElement(general, "imsmd:keyword")
                ET.SubElement(keyword, "imsmd:string", {"language": "en"}).text = skill
        educational = ET.SubElement(lom, "imsmd:educational")
        difficulty = ET.SubElement(educational, "imsmd:difficulty")
        ET.SubElement(difficulty, "imsmd:source").text = "LOMv1.0"
        ET.SubElement(difficulty, "imsmd:value").text = LOM_DIFFICULTY[int(definition.get("difficulty", 3)) - 1]
        ET.SubElement(resource, "file", href=href)
    ET.indent(manifest, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(manifest, encoding="utf-8",
                                                                      xml_declaration=False) + b"\n"


def export_qti(definitions: list[tuple[str, dict]],
               locations: Mapping[str, tuple[str, int]] | None = None) -> ExportResult:
    """A QTI 3.0 package (zip bytes in `data`) of normalised definitions, with what was lost per question."""
    issues: list[ConversionIssue] = []
    written: list[str] = []
    entries: list[tuple[str, str, dict]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for qid, definition in definitions:
            notes: list[str] = []
            try:
                document = item_xml(qid, definition, notes.append)
            except Skip as skip:
                issues.append(located(locations, qid, 0, f"{skip}; not exported"))
                continue
            href = f"items/{qid}.xml"
            archive.writestr(href, document)
            entries.append((f"RES-{_identifier(qid)}", href, definition))
            written.append(qid)
            issues.extend(located(locations, qid, 1, message) for message in notes)
        archive.writestr("imsmanifest.xml", _manifest(entries))
    return ExportResult("", issues, written, buffer.getvalue())
