"""Question definitions by version, kept per worker: a version never changes once written, so the
question page need not read its JSON from the database each time (bench/throughput.py)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import bindparam, select

from ..bank.params import resolve
from ..models import QuestionVersion
from .reads import read_rows

MAX_CACHED_DEFINITIONS = 5000


def slot_definition(version_id: int, variant: int | None) -> dict:
    """The question a slot shows: its version's definition with the slot's variant filled in."""
    return resolve(version_definition(version_id), variant)


_VERSION_DEFINITION = select(QuestionVersion.definition).where(QuestionVersion.id == bindparam("version_id"))


def version_definition(version_id: int) -> dict:
    """A version's definition, from this app's (this worker's) cache. Callers must not modify the dict."""
    definition = _cached_definitions().get(version_id)
    if definition is None:
        definition = read_rows(_VERSION_DEFINITION, {"version_id": version_id})[0].definition
        remember_definition(version_id, definition)
    return definition


def remember_definition(version_id: int, definition: dict) -> None:
    """Keep a definition read elsewhere (a new attempt's first question: the page its start redirects to)."""
    cache = _cached_definitions()
    if len(cache) >= MAX_CACHED_DEFINITIONS:
        cache.clear()
    cache[version_id] = definition


def _cached_definitions() -> dict[int, dict]:
    return current_app.extensions.setdefault("quizapp.version_definitions", {})
