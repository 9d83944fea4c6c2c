"""Numeric: a typed number, right within an absolute or relative tolerance; optionally a unit."""
from __future__ import annotations

import math
import re
from typing import Any

from wtforms import StringField
from wtforms.validators import Length

from ..bank.check_results import number_of, shown
from ..bank.checking import ItemChecker, coercion_hint, is_number, is_text, line_of, number_as_written
from ..scoring.exceptions import InvalidResponse
from ..scoring.grading import Grade, numeric_within
from .base import FEEDBACK_SCHEMA, TEXT_SCHEMA, QuestionType

TOLERANCE_SCHEMA = {"oneOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": r"^\d+(\.\d+)?\s*%$"}]}


def parse_tolerance(value: Any) -> dict | None:
    """{"kind": "abs" | "rel", "value"} from 0.01 or '1%'; None when it is neither."""
    if isinstance(value, bool):
        return None
    if is_number(value) and value >= 0:
        return {"kind": "abs", "value": float(value)}
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)
        if m:
            return {"kind": "rel", "value": float(m.group(1))}
    return None


class Numeric(QuestionType):
    name, label, template = "numeric", "Number", "text"
    answer_label, max_length, input_mode = "Your answer (a number)", 64, "decimal"
    required_keys = frozenset({"answer"})
    optional_keys = frozenset({"tolerance", "unit", "feedback"})
    key_schemas = {"answer": {"type": "number"}, "tolerance": TOLERANCE_SCHEMA, "unit": TEXT_SCHEMA,
                   "feedback": FEEDBACK_SCHEMA}
    parameterised_key = "answer"
    free_entry = True
    key_needs_check = True
    moodle_type = "numerical"
    xapi_interaction = "numeric"

    def validate(self, q, item: ItemChecker, definition: dict) -> None:
        if "answer" in q:  # a parameterised question has none: its check computes one per variant
            definition["answer"] = self._answer(q, item)
        if "tolerance" in q:
            tolerance = parse_tolerance(q["tolerance"])
            if why := number_as_written(q, "tolerance", q["tolerance"]):
                item.error(line_of(q, "tolerance"), f"tolerance: {why}")
            elif tolerance is None:
                item.error(line_of(q, "tolerance"),
                           "tolerance: use a non-negative number (absolute) or a percentage like '1%'")
            else:
                definition["tolerance"] = tolerance
        if "unit" in q:
            if not is_text(q["unit"]):
                item.error(line_of(q, "unit"), f"unit: must be text{coercion_hint(q, 'unit')}")
            else:
                definition["unit"] = q["unit"]

    def _answer(self, q, item: ItemChecker) -> float:
        answer = q["answer"]
        if why := number_as_written(q, "answer", answer):
            item.error(line_of(q, "answer"), f"answer: {why}")
            return 0.0
        if not is_number(answer):
            item.error(line_of(q, "answer"), f"answer: must be a number, not {answer!r}")
            return 0.0
        return float(answer)

    def field(self):
        return StringField(self.answer_label, validators=[Length(max=self.max_length)])

    def parse(self, data, definition, order=None):
        text = (data or "").strip().replace("\u2212", "-").replace(" ", "").replace("_", "")
        if not text:
            return None
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as many learners write it
        try:
            value = float(text)
        except ValueError:
            raise InvalidResponse(f"“{data.strip()[:40]}” is not a number. Write it like 0.25, -3 or 1e-4.") from None
        if not math.isfinite(value):
            raise InvalidResponse("Enter a finite number.")
        return {"value": value, "raw": data.strip()[:64]}

    def refill(self, response, order=None):
        return "" if response is None else response.get("raw", repr(response["value"]))

    def grade(self, definition, response):
        value = response.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise InvalidResponse("the answer must be a finite number")
        return Grade.from_fraction(1.0 if numeric_within(value, definition["answer"], definition.get("tolerance"))
                                   else 0.0)

    def describe(self, definition, response):
        if response is None:
            return "(no answer)"
        return response.get("raw", f"{response['value']:g}") + (f" {definition['unit']}" if definition.get("unit") else "")

    def key(self, definition):
        text = f"{definition['answer']:g}"
        tol = definition.get("tolerance")
        if tol and tol["value"]:
            text += f" (± {tol['value']:g}{'%' if tol['kind'] == 'rel' else ''})"
        return text + (f" {definition['unit']}" if definition.get("unit") else "")

    def check_problem(self, definition, result, key=None):
        """The check's value (or printed number) is within the tolerance of the key."""
        number = number_of(result)
        answer = definition["answer"] if key is None else key
        if number is None:
            return f"check gave {shown(result)}, not a number"
        if not numeric_within(number, answer, definition.get("tolerance")):
            return f"check gave {number:g}, the key is {answer:g}"
        return None

    def variant_key(self, result):
        """A finite number: an infinite key would accept every answer, a NaN none."""
        number = number_of(result)
        return number if number is not None and math.isfinite(number) else None

    def gift(self, definition, note):
        from ..bank.formats import format_number
        from ..bank.formats._common import absolute_tolerance
        from ..bank.formats.gift import escape
        feedback = (definition.get("feedback") or "").strip()
        if definition.get("unit"):
            note(f"GIFT has no units: Moodle will not show '{definition['unit']}' (kept in the quizapp comment)")
        tolerance = absolute_tolerance(definition)
        lines = [f"\t={format_number(definition['answer'])}" + (f":{format_number(tolerance)}" if tolerance else "")]
        return "{#", lines + ([f"\t~#{escape(feedback)}"] if feedback else [])

    def qti(self, definition, note):
        """A float text entry; the tolerance is an `equal` test with QTI's absolute or relative (percent) mode."""
        from ..bank.formats import format_number
        from ..bank.formats.qti import QtiSpec
        tolerance = definition.get("tolerance")
        mode = None if not tolerance else ("absolute" if tolerance["kind"] == "abs" else "relative",
                                           tolerance["value"])
        if definition.get("unit"):
            note(f"the unit {definition['unit']!r} is shown after the answer field only by quizapp (QTI has no unit; "
                 "the quizapp comment keeps it)")
        return QtiSpec("text", "single", "float", correct=[format_number(definition["answer"])], tolerance=mode)

    def moodle_answers(self, question, definition, note) -> None:
        """numerical: the answer with an absolute tolerance, our feedback on "any other answer", the unit shown only."""
        import xml.etree.ElementTree as ET

        from ..bank.formats import format_number
        from ..bank.formats._common import absolute_tolerance
        from ..bank.formats.moodle_xml import text_element
        answer = ET.SubElement(question, "answer", fraction="100")
        ET.SubElement(answer, "text").text = format_number(definition["answer"])
        ET.SubElement(answer, "tolerance").text = format_number(absolute_tolerance(definition))
        text_element(answer, "feedback", "", "markdown")
        if feedback := definition.get("feedback") or "":
            fallback = ET.SubElement(question, "answer", fraction="0")
            ET.SubElement(fallback, "text").text = "*"
            ET.SubElement(fallback, "tolerance").text = "0"
            text_element(fallback, "feedback", feedback, "markdown")
        if definition.get("unit"):
            unit = ET.SubElement(ET.SubElement(question, "units"), "unit")
            ET.SubElement(unit, "multiplier").text = "1"
            ET.SubElement(unit, "unit_name").text = definition["unit"]
            for tag, value in (("unitgradingtype", "0"), ("unitpenalty", "0.1"), ("showunits", "0"), ("unitsleft", "0")):
                ET.SubElement(question, tag).text = value
