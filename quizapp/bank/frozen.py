"""The computed keys of parameterised questions, frozen into a committed file beside the bank.

A parameterised question's key depends on its values (`{{n}}`), so it is computed by running the
question's check. `quizapp bank freeze` does that once, in the sandbox, and writes every
variant to `questions/variants.json`; import and the web server then read the file and run no
question code, so they need none of the libraries the checks use. `quizapp bank verify` (in
CI) runs the checks again and fails when the file is missing, stale or disagrees.

Each entry carries the question's content hash: an edited question has no frozen keys until
it is frozen again, and the import says so instead of importing an old key.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..exceptions import BankError
from .definitions import QuestionDef

FILE_NAME = "variants.json"
NOTE = ("Computed keys of parameterised questions, made by `quizapp bank freeze` (it runs each check in the "
        "sandbox); checked by `quizapp bank verify`. Do not edit by hand.")


class FrozenKeysError(BankError):
    """The frozen keys cannot be used: the file is unreadable, or a question has none."""


class UnreadableFile(FrozenKeysError):
    """variants.json exists but is not what `bank freeze` writes."""


class KeysNotFrozen(FrozenKeysError):
    """A parameterised question has no frozen keys for its current content."""

    def __init__(self, question: QuestionDef):
        self.question = question
        super().__init__(f"{question.path}:{question.line}: q '{question.id}': its keys are not frozen for this "
                         f"version; run `quizapp bank freeze` (it computes them in the sandbox) and commit "
                         f"{FILE_NAME}")


def path_for(root: Path | str) -> Path:
    return Path(root) / FILE_NAME


def load(root: Path | str) -> dict[str, dict]:
    """question id -> {"content_hash", "variants"}; empty when there is no file."""
    try:
        data = json.loads(path_for(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UnreadableFile(f"{path_for(root)}: unreadable ({exc}); run `quizapp bank freeze` to write it again") from None
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, dict):
        raise UnreadableFile(f"{path_for(root)}: no 'questions' mapping; run `quizapp bank freeze` to write it again")
    return questions


def write(root: Path | str, entries: dict[str, dict]) -> Path:
    """Write the file in a stable order, one question a line, so a re-freeze of an unchanged bank
    changes no byte and a changed question is a one-line diff."""
    target = path_for(root)
    lines = [f"  {json.dumps(qid)}: " + json.dumps({"content_hash": e["content_hash"], "variants": e["variants"]},
                                                   sort_keys=True, ensure_ascii=False)
             for qid, e in sorted(entries.items())]
    text = "{\n \"note\": " + json.dumps(NOTE) + ",\n \"questions\": {\n" + ",\n".join(lines) + "\n }\n}\n"
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)
    return target


def lookup(root: Path | str):
    """A `compute_variants` for sync_bank that reads the frozen file and runs nothing."""
    frozen = load(root)

    def frozen_variants(question: QuestionDef) -> list[dict]:
        entry = frozen.get(question.id)
        if not entry or entry.get("content_hash") != question.content_hash or not entry.get("variants"):
            raise KeysNotFrozen(question)
        return list(entry["variants"])
    return frozen_variants


def stale(root: Path | str, questions: list[QuestionDef]) -> list[QuestionDef]:
    """The parameterised questions whose frozen keys are missing or belong to older content."""
    frozen = load(root)
    return [q for q in questions if q.definition.get("params")
            and (frozen.get(q.id) or {}).get("content_hash") != q.content_hash]
