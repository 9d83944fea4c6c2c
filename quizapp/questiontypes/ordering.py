"""Ordering: put 3-8 items in their right order (Moodle's ordering question, which its users bring).

The learner gives each item its position with one select per item (no dragging: keyboards and
screen readers work as with any form). Credit is Moodle's "relative to the next item, excluding
the last": the share of the key's n - 1 neighbouring pairs that stay next to each other, in order,
in the learner's order. Only the right order earns full credit, and a blind guess earns 1/n.
"""
from __future__ import annotations

import random

from markupsafe import Markup
from wtforms import SelectMultipleField

from ..bank.check_results import strip_code, text_of
from ..bank.checking import ItemChecker, is_text, line_of, text_as_written
from ..bank.yaml_lines import LineList
from ..render.markdown import render_inline
from ..scoring.exceptions import InvalidResponse
from ..scoring.grading import CORRECT, Grade
from ..scoring.itemstats import ItemInfo
from .base import FEEDBACK_SCHEMA, QuestionType
from .choice import count_and_repeats, plain

ITEM_LIMITS = (3, 8)
GRADING = "RELATIVE_NEXT_EXCLUDE_LAST"  # Moodle's name for this credit rule (qtype_ordering gradingtype)


class Ordering(QuestionType):
    name, label, template = "ordering", "Ordering", "ordering"
    legend = "Your answer: give each item its position (1 is first)"
    required_keys = frozenset({"items"})
    optional_keys = frozenset({"feedback"})
    key_schemas = {"items": {"type": "array", "minItems": ITEM_LIMITS[0], "maxItems": ITEM_LIMITS[1],
                             "items": {"type": ["string", "number"]},
                             "description": "The items in their right order; learners see them shuffled."},
                   "feedback": FEEDBACK_SCHEMA}
    moodle_type = "ordering"
    xapi_interaction = "sequencing"

    # --- the question file ---------------------------------------------------------------

    def validate(self, q, item: ItemChecker, definition: dict) -> None:
        items = q.get("items")
        if "items" not in q:
            return  # reported with the other missing keys
        if not isinstance(items, LineList):
            item.error(line_of(q, "items"), "items: must be a list of texts in their right order")
            return
        low, high = ITEM_LIMITS
        if not low <= len(items) <= high:
            item.error(line_of(q, "items"), f"items: an ordering question needs {low}-{high} items, found {len(items)}")
        texts, seen = [], set()
        for index, (value, line) in enumerate(zip(items, items.item_lines, strict=True)):
            text, why = text_as_written(items, index, value)
            if not is_text(text):
                item.error(line, "items: every item must be non-empty text" + (f": {why}" if why else ""))
                continue
            if text.strip() in seen:
                item.error(line, f"items: duplicate item {text.strip()!r}")
            seen.add(text.strip())
            texts.append(text)
        definition["items"] = texts

    # --- the learner's answer ------------------------------------------------------------

    def choices(self, definition, order):
        """Values are places in the shown order, not the items' indices: those are the key."""
        indices = order if order is not None else list(range(len(definition["items"])))
        # render_inline() output is sanitised by nh3 (render.markdown), so marking it safe is sound.
        return [(str(shown), Markup(render_inline(definition["items"][i])))  # nosec B704
                for shown, i in enumerate(indices)]

    def shuffled_order(self, definition, rng: random.Random) -> list[int]:
        """A shuffled order that is never already the right one."""
        key = list(range(len(definition["items"])))
        order = key[:]
        while order == key:
            rng.shuffle(order)
        return order

    def field(self):
        # One select per item, all named "answer", each posting "shown place:position".
        return SelectMultipleField(self.answer_label, validate_choice=False)

    def parse(self, data, definition, order=None):
        chosen = [v for v in (data or []) if v]
        if not chosen:
            return None
        n = len(definition["items"])
        shown = order if order is not None else list(range(n))
        position_of: dict[int, int] = {}
        for value in chosen:
            item, _, position = str(value).partition(":")
            try:
                shown_place, place = int(item), int(position)
            except ValueError:
                raise InvalidResponse("That position does not exist; pick one from the lists shown.") from None
            if not (0 <= shown_place < n and 1 <= place <= n) or shown[shown_place] in position_of:
                raise InvalidResponse("That position does not exist; pick one from the lists shown.")
            position_of[shown[shown_place]] = place
        if len(position_of) < n or len(set(position_of.values())) < n:
            raise InvalidResponse(f"Give every item a different position, 1 to {n}.")
        return {"order": sorted(position_of, key=position_of.get)}

    def refill(self, response, order=None):
        if response is None:
            return []
        shown = order if order is not None else sorted(response["order"])
        return [f"{shown.index(item)}:{place}" for place, item in enumerate(response["order"], start=1)]

    def grade(self, definition, response):
        order = response.get("order")
        n = len(definition["items"])
        if not isinstance(order, list) or sorted(order) != list(range(n)) or any(isinstance(i, bool) for i in order):
            raise InvalidResponse(f"the order must hold each of the {n} items once")
        following = dict(zip(order, order[1:], strict=False))
        kept = sum(1 for i in range(n - 1) if following.get(i) == i + 1)
        return Grade.from_fraction(kept / (n - 1))

    # --- the review ----------------------------------------------------------------------

    def describe(self, definition, response):
        if response is None:
            return "(no answer)"
        return " → ".join(plain(definition["items"][i]) for i in response["order"])

    def key(self, definition):
        return " → ".join(plain(text) for text in definition["items"])

    def result_text(self, definition, response, grade):
        """How many of the key's neighbouring pairs the order keeps: what the credit counts (see grade)."""
        if response is None or grade is None or grade.state == CORRECT:
            return ""
        order, pairs = response["order"], len(definition["items"]) - 1
        kept = sum(1 for a, b in zip(order, order[1:], strict=False) if b == a + 1)
        return (f"{kept} of the {pairs} neighbouring pairs {'is' if kept == 1 else 'are'} together and in the "
                "right order.")

    # --- measurement ---------------------------------------------------------------------

    def guessing_floor(self, definition):
        """Each of the n - 1 neighbouring pairs survives a random order with chance 1/n."""
        return 1.0 / len(definition["items"])

    def item_info(self, version_id, definition):
        return ItemInfo(version_id, 0, (), self.guessing_floor(definition))

    # --- checks --------------------------------------------------------------------------

    def check_problem(self, definition, result, key=None):
        """The check gives the items in order: a list, or one per printed line."""
        value = result.get("plain")
        got = ([strip_code(str(v)) for v in value] if isinstance(value, list)
               else [strip_code(line) for line in text_of(result).splitlines() if line.strip()])
        expected = [strip_code(text) for text in definition["items"]]
        if got != expected:
            return f"check gave {got}, the key's order is {expected}"
        return None

    # --- formats -------------------------------------------------------------------------

    def import_problems(self, question):
        return count_and_repeats(self.name, "items", ITEM_LIMITS, question["items"])

    def qti(self, definition, note):
        """An order interaction; QTI scores it all-or-nothing (match_correct), quizapp per right successor."""
        from ..bank.formats.qti import QtiChoice, QtiSpec
        choices = [QtiChoice(f"I{n}", str(text), False) for n, text in enumerate(definition["items"], start=1)]
        note("QTI scores the order all-or-nothing; quizapp gives credit for each item followed by its right successor")
        return QtiSpec("order", "ordered", "identifier", choices, [c.identifier for c in choices], max_choices=0)

    def moodle_answers(self, question, definition, note) -> None:
        """ordering: the items as answers whose fraction is their position; every item shown, listed vertically."""
        import xml.etree.ElementTree as ET

        from ..bank.formats.moodle_xml import answer_element, text_element
        for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"), ("selectcount", "0"),
                           ("gradingtype", GRADING), ("showgrading", "SHOW"), ("numberingstyle", "none")):
            ET.SubElement(question, tag).text = value
        feedback = definition.get("feedback") or ""
        for tag in ("partiallycorrectfeedback", "incorrectfeedback"):
            text_element(question, tag, feedback, "markdown")
        for place, text in enumerate(definition["items"], start=1):
            answer_element(question, f"{place}.0000000", text.strip(), "", "markdown")
