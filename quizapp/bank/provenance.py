"""Which questions arrived through the web upload, so their checks run only under bubblewrap.

An instructor account is not a shell account: a `check` published from the instructor pages
is code from the web. Publishing records every question id of the published files in
`questions/web-uploads.json` (committed with the bank, so the record travels with it); the CLI
runs those checks only inside bubblewrap, never in the fallback. An operator who has read a
check and trusts it removes its entry.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from ..exceptions import BankError

FILE_NAME = "web-uploads.json"
NOTE = ("Questions published through the instructor pages: their checks run only inside bubblewrap. "
        "Remove an entry once you have reviewed its check.")


class UnreadableRecord(BankError):
    """web-uploads.json exists but cannot be read, so which checks came from the web is unknown."""


def path_for(root: Path | str) -> Path:
    return Path(root) / FILE_NAME


def uploaded_ids(root: Path | str) -> frozenset[str]:
    """Ids of questions published through the web; an unreadable record trusts nothing it named."""
    try:
        data = json.loads(path_for(root).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError) as exc:
        raise UnreadableRecord(f"{path_for(root)}: unreadable ({exc}); fix or restore it before running checks") from None
    return frozenset(data.get("questions", {})) if isinstance(data, dict) else frozenset()


def record(root: Path | str, question_ids: list[str], user_id: int) -> None:
    """Add the ids of a publish to the record (kept sorted, one line each, for readable diffs)."""
    target = path_for(root)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    questions = dict(data.get("questions", {}))
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    questions.update({qid: {"published_by": user_id, "at": at} for qid in question_ids})
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(json.dumps({"note": NOTE, "questions": dict(sorted(questions.items()))}, indent=1,
                                    ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(target)
