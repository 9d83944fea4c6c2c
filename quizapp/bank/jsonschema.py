"""The question-file JSON Schema, generated from bank/schema.py and the question types' keys.

Editors use it for completion and inline errors (see the README); the loader stays the
authority, because some rules (unique ids, one correct choice, skills that exist) span
more than one mapping.
"""
from __future__ import annotations

from ..questiontypes import QUESTION_TYPES, QuestionType
from . import schema


def question_schema(qt: QuestionType) -> dict:
    required = set(schema.QUESTION_COMMON_REQUIRED | qt.required_keys) - {qt.parameterised_key}
    keys = schema.QUESTION_COMMON_REQUIRED | schema.QUESTION_COMMON_OPTIONAL | qt.required_keys | qt.optional_keys
    known = {**schema.QUESTION_KEY_SCHEMAS, **qt.key_schemas, "type": {"const": qt.name}}
    properties = {k: known[k] for k in sorted(keys)}
    return {"type": "object", "properties": properties, "additionalProperties": False, "required": sorted(required)}


def file_schema() -> dict:
    """The JSON Schema of one question file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://quizapp.invalid/schema/question-file.json",
        "title": "quizapp question file",
        "type": "object",
        "additionalProperties": False,
        "required": sorted(schema.QUESTION_FILE_KEYS - {"skill"}),
        "properties": {
            "skill": {"type": "string", "pattern": schema.SKILL_ID_PATTERN.pattern,
                      "description": "Default skill of the questions below."},
            "questions": {"type": "array", "items": {
                "oneOf": [question_schema(t) for t in QUESTION_TYPES.values()],
            }},
        },
    }
