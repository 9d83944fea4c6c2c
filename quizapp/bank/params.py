"""Parameterised questions: every combination of values, and a definition resolved for one."""
from __future__ import annotations

import itertools

from .schema import SLOT_PATTERN


def param_sets(definition: dict) -> list[dict]:
    """Every combination of a parameterised question's values, in a stable order ([{}] if none)."""
    params = definition.get("params") or {}
    names = list(params)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(params[n] for n in names))] or [{}]


def fill(text: str, params: dict) -> str:
    """Put a variant's values into the `{{name}}` slots of a text."""
    return SLOT_PATTERN.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)


def resolve(definition: dict, variant: int | None) -> dict:
    """The definition a learner sees for one variant: values filled in, its computed key set."""
    variants = definition.get("variants")
    if not variants or variant is None:
        return definition
    chosen = variants[variant]
    values = chosen["params"]
    resolved = dict(definition)
    for key in ("prompt", "explanation", "feedback"):
        if key in resolved:
            resolved[key] = fill(resolved[key], values)
    # The key's own kind says what it sets: a number is the answer of a numeric question, a text
    # the one accepted answer of a short one (QuestionType.variant_key made it, bank freeze stored it).
    key = chosen["key"]
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        resolved["answer"] = float(key)
    else:
        resolved["answers"] = [str(key)]
    return resolved
