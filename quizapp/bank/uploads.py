"""Instructor uploads: unpack safely, stage, validate against the live bank, publish atomically.

Uploaded files never touch questions/ until Publish, and Publish restores every file it
replaced if the import fails, so the folder and the database stay in step.
"""
from __future__ import annotations

import io
import json
import re
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path, PurePosixPath

import yaml

from ..exceptions import BankError
from .definitions import Bank, BankIssue
from .loader import load_bank
from .yaml_lines import MAX_FILE_BYTES, ParseBudget

YAML_SUFFIXES = (".yaml", ".yml")
# What one upload may hold, whatever its packing (files in one multipart request, or zips): the
# validation of an upload runs in a web worker, so its work is bounded by these and the loader's
# per-file limits (MAX_FILE_BYTES, MAX_NODES, …). The whole real bank is 30 files and 1 MB.
MAX_UPLOAD_FILES = 200
MAX_ZIP_ENTRIES = MAX_UPLOAD_FILES
MAX_UNPACKED_BYTES = 5 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
REVIEW_FILE = "review.json"  # the validation result, computed once when the upload is staged
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TOP_SKILL = re.compile(r"^skill:\s*['\"]?([a-z0-9_.]+)['\"]?\s*(?:#.*)?$", re.MULTILINE)


class UploadError(BankError):
    """An upload that cannot be staged; the message is shown to the instructor."""


@dataclass(frozen=True)
class StagedFile:
    name: str          # the file name as uploaded (safe)
    target: str        # where Publish writes it, relative to the questions folder
    data: bytes


def _safe_name(name: str) -> str:
    if not SAFE_NAME.match(name) or not name.lower().endswith(YAML_SUFFIXES):
        raise UploadError(f"“{name[:80]}”: only .yaml or .yml files with plain names (letters, digits, . _ -) are accepted")
    return name


def unpack(filename: str, data: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) pairs from one uploaded .yaml/.yml file or a .zip of them."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    if base.lower().endswith(".zip"):
        return _unzip(base, data)
    _small_enough(base, len(data))
    return [(_safe_name(base), data)]


def _small_enough(name: str, size: int) -> None:
    """UploadError for a file over the loader's per-file limit (the one `quizapp bank validate` applies)."""
    if size > MAX_FILE_BYTES:
        raise UploadError(f"“{name[:80]}” is {size / 1024 / 1024:.1f} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB "
                          "per question file (split it); nothing was staged")


def check_upload(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The files of one upload, or UploadError when together they are more than one upload may hold."""
    if len(files) > MAX_UPLOAD_FILES:
        raise UploadError(f"{len(files)} files; at most {MAX_UPLOAD_FILES} in one upload; nothing was staged")
    total = sum(len(data) for _, data in files)
    if total > MAX_UNPACKED_BYTES:
        raise UploadError(f"{total / 1024 / 1024:.1f} MB of files; at most {MAX_UNPACKED_BYTES // 1024 // 1024} MB "
                          "in one upload; nothing was staged")
    return files


def _unzip(zip_name: str, data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError(f"{zip_name}: not a valid zip file") from None
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadError(f"{zip_name}: {len(entries)} files; at most {MAX_ZIP_ENTRIES} per zip")
    out, total = [], 0
    for info in entries:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or info.filename.startswith(("/", "\\")) or ":" in path.parts[0]:
            raise UploadError(f"{zip_name}: entry “{info.filename[:80]}” points outside the archive; nothing was staged")
        if info.flag_bits & 0x1:
            raise UploadError(f"{zip_name}: encrypted entries are not supported")
        if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO:
            raise UploadError(f"{zip_name}: “{path.name}” expands {info.file_size // max(info.compress_size, 1)}× "
                              "(a zip bomb?); nothing was staged")
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise UploadError(f"{zip_name}: more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB when unpacked")
        name = _safe_name(path.name)
        _small_enough(name, info.file_size)
        with archive.open(info) as handle:  # read at most the declared size + 1, never trust the header alone
            content = handle.read(info.file_size + 1)
        if len(content) != info.file_size:
            raise UploadError(f"{zip_name}: “{path.name}” is larger than its header says; nothing was staged")
        out.append((name, content))
    if not out:
        raise UploadError(f"{zip_name}: no .yaml files inside")
    return out


def skill_areas(root: Path) -> dict[str, str]:
    """skill id → area, read from skills.yaml (empty when it cannot be read)."""
    try:
        data = yaml.safe_load((root / "skills.yaml").read_text(encoding="utf-8-sig"))
        return {s["id"]: s["area"] for s in data["skills"] if isinstance(s, dict) and "id" in s and "area" in s}
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return {}


def target_for(name: str, data: bytes, root: Path, areas: dict[str, str]) -> str:
    """Where a file goes: over an existing file of that name, else in its skill's area folder."""
    existing = sorted(p for p in root.rglob(name) if p.is_file())
    if existing:
        return str(existing[0].relative_to(root))
    # Only the top-level `skill:` line matters here; the loader parses (and judges) the whole file.
    match = TOP_SKILL.search(data[:65536].decode("utf-8", "replace"))
    area = areas.get(match.group(1), "uploads") if match else "uploads"
    return f"{area}/{name}"


class Staging:
    """Uploaded files waiting for review, one folder per upload under instance/uploads/."""

    def __init__(self, folder: Path):
        self.folder = folder

    def create(self, owner_id: int, files: list[tuple[str, bytes]], root: Path, areas: dict[str, str]) -> str:
        names = [n for n, _ in files]
        if len(set(names)) != len(names):
            raise UploadError("two uploaded files have the same name; rename one")
        token = secrets.token_urlsafe(18)
        place = self.folder / token
        place.mkdir(parents=True)
        manifest = {"owner": owner_id, "files": []}
        for name, data in files:
            (place / name).write_bytes(data)
            manifest["files"].append({"name": name, "target": target_for(name, data, root, areas)})
        (place / "manifest.json").write_text(json.dumps(manifest))
        return token

    def load(self, token: str, owner_id: int) -> list[StagedFile] | None:
        """The staged files of an upload this instructor owns, or None."""
        if not TOKEN.match(token):
            return None
        place = self.folder / token
        try:
            manifest = json.loads((place / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        if manifest.get("owner") != owner_id:
            return None
        return [StagedFile(f["name"], f["target"], (place / f["name"]).read_bytes()) for f in manifest["files"]]

    def save_review(self, token: str, review: dict) -> None:
        """Keep the validation result of an upload (see review_data), so that a view only reads it."""
        if TOKEN.match(token):
            (self.folder / token / REVIEW_FILE).write_text(json.dumps(review))

    def load_review(self, token: str) -> dict | None:
        """The stored validation result, or None (an upload staged before results were stored)."""
        if not TOKEN.match(token):
            return None
        try:
            return json.loads((self.folder / token / REVIEW_FILE).read_text())
        except (OSError, ValueError):
            return None

    def discard(self, token: str) -> None:
        if TOKEN.match(token):
            shutil.rmtree(self.folder / token, ignore_errors=True)


def validate_staged(root: Path, staged: list[StagedFile]) -> Bank:
    """Load the bank as it would be after publishing, reporting issues in the uploaded files."""
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "questions"
        shutil.copytree(root, trial)
        paths = []
        for f in staged:
            dest = trial / f.target
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(f.data)
            paths.append(dest)
        bank = load_bank(trial, paths, ParseBudget())  # the uploaded files share one budget
    # Show paths as the instructor knows them (questions/<target>), not the temporary copy.
    prefix = str(trial) + "/"
    bank.issues = [replace(i, path=i.path.replace(prefix, "questions/")) for i in bank.issues]
    bank.questions = [replace(q, path=q.path.replace(prefix, "questions/")) for q in bank.questions]
    # Parameterised keys come from running `check` code: that happens only in the CLI import,
    # never inside a web request.
    targets = {"questions/" + f.target for f in staged}
    bank.issues += [BankIssue(q.path, q.line, "parameterised questions run their `check` code to compute keys, "
                                              "which is never done from the browser: add the file to the questions "
                                              "folder on the server and run `quizapp bank freeze`",
                              "q", q.id)
                    for q in bank.questions if q.path in targets and q.definition.get("params")]
    return bank


def review_data(bank: Bank, preview_html: str, previewed: int) -> dict:
    """What the review page shows, as JSON: the issues, the number of questions, the preview."""
    return {"issues": [asdict(i) for i in bank.issues], "questions": len(bank.questions) if not bank.issues else 0,
            "previewed": previewed, "preview_html": preview_html}


def review_issues(review: dict) -> list[BankIssue]:
    return [BankIssue(**issue) for issue in review["issues"]]


def write_files(root: Path, staged: list[StagedFile]) -> dict[Path, bytes | None]:
    """Write staged files into questions/; return what was there before, for restore()."""
    previous: dict[Path, bytes | None] = {}
    for f in staged:
        dest = (root / f.target).resolve()
        if root.resolve() not in dest.parents:
            raise UploadError(f"{f.target}: outside the questions folder")
        previous[dest] = dest.read_bytes() if dest.exists() else None
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(f.data)
    return previous


def restore(previous: dict[Path, bytes | None]) -> None:
    """Undo write_files(): put old contents back and remove files that were new."""
    for path, data in previous.items():
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(data)
