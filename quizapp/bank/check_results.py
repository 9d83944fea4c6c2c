"""Reading what a check returned or printed (bank.checks runs it): as text, as a number, as shown.

A result is {"kind": "value", "repr", "str", "plain"} for an expression's value, or {"kind":
"stdout", "text"} for printed output. The question types compare results with their keys.
"""
from __future__ import annotations


def strip_code(text: str) -> str:
    """A choice or printed line without surrounding blanks and inline-code marks."""
    return text.strip().strip("`").strip()


def text_of(result: dict) -> str:
    return result["text"] if result["kind"] == "stdout" else result["str"]


def number_of(result: dict) -> float | None:
    value = result.get("plain") if result["kind"] == "value" else result.get("text")
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def shown(result: dict) -> str:
    """The result as a message quotes it."""
    return result.get("repr") or repr(result.get("text"))
