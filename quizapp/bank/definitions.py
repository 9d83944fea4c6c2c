"""What loading a bank produces: its issues, its questions and the bank itself."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BankIssue:
    path: str
    line: int
    message: str
    kind: str = "q"          # q | skill | role | course | assessment | file
    item_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        if self.item_id is not None:
            return f"{where} {self.kind} '{self.item_id}': {self.message}"
        return f"{where} {self.message}"


@dataclass(frozen=True)
class QuestionDef:
    id: str
    path: str
    line: int
    qtype: str
    difficulty: int
    skills: tuple[str, ...]
    definition: dict
    content_hash: str


@dataclass
class Bank:
    skills: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    courses: list[dict] = field(default_factory=list)
    assessments: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    questions: list[QuestionDef] = field(default_factory=list)
    issues: list[BankIssue] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def content_hash(definition: dict) -> str:
    """A stable hash of a normalised definition: equal content, equal hash."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


