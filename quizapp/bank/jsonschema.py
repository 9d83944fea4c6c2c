"""The question-file JSON Schema, generated from bank/schema.py (the loader's own key sets).

Editors use it for completion and inline errors (see the README); the loader stays the
authority, because some rules (unique ids, one correct choice, skills that exist) span
more than one mapping.
"""
from __future__ import annotations

from . import schema


def question_schema(qtype: str) -> dict:
    required, optional = schema.TYPE_KEYS[qtype]
    keys = schema.QUESTION_COMMON_REQUIRED | schema.QUESTION_COMMON_OPTIONAL | required | optional
    properties = {k: schema.QUESTION_KEY_SCHEMAS[k] for k in sorted(keys)}
    properties["type"] = {"const": qtype}
    if qtype == "true_false":
        properties["answer"] = {"type": "boolean"}
    elif qtype == "numeric":
        properties["answer"] = {"type": "number"}
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": sorted(schema.QUESTION_COMMON_REQUIRED | (required - {"answer"} if qtype == "numeric" else required))}


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
                "oneOf": [question_schema(t) for t in schema.TYPE_KEYS],
            }},
        },
    }
