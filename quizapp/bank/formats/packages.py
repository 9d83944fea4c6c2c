"""Untrusted packages for the QTI and Canvas importers: a zip, a folder or one XML file, read within limits.

A zip is opened in memory and never extracted: an entry whose path leaves the archive (absolute,
`..`, a drive letter), an encrypted entry, one that expands more than MAX_COMPRESSION_RATIO times,
more than MAX_ENTRIES entries or MAX_UNPACKED_BYTES in all are refused before anything is read.
XML is parsed by `parse_untrusted_xml`, which refuses any DOCTYPE or ENTITY declaration (entity
expansion and external entities need one) and lets defusedxml refuse what a check might miss.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ...exceptions import BankError
from .moodle_xml import _declaration_line, _decode, _LineTreeBuilder

MAX_ENTRIES = 2000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_DEPTH = 200           # element nesting; the converters walk trees recursively, and no real item nests this deep
XML_SUFFIXES = (".xml", ".qti")


class PackageError(BankError):
    """A package that cannot be read at all; the message says why, for the instructor."""


@dataclass(frozen=True)
class ParsedXml:
    """A parsed document: its root and the source line of every element (by id())."""

    root: object
    lines: dict[int, int]

    def line(self, element) -> int:
        return self.lines.get(id(element), 1)


class XmlRefused(BankError):
    """A document that is refused or not well-formed, at a line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


# The methods Python's zipfile reads (others raise while reading): checked before any entry is read.
READABLE_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})


def parse_untrusted_xml(data: bytes | str) -> ParsedXml:
    """Parse untrusted XML with line numbers; XmlRefused for a declaration, bad bytes or bad XML."""
    # Only for ParseError: parsing is defusedxml's.
    import xml.etree.ElementTree as ET  # nosec B405

    try:
        text = _decode(data)
    except (UnicodeDecodeError, LookupError) as exc:
        raise XmlRefused(1, f"cannot decode the file ({exc})") from None
    if (line := _declaration_line(text)) is not None:
        raise XmlRefused(line, "the file declares a DOCTYPE or ENTITY, which is refused (entity expansion and "
                               "external entities can exhaust memory or read local files); remove it and convert again")
    lines: dict[int, int] = {}
    builder = _LineTreeBuilder(lines)
    try:
        parser = DefusedXMLParser(target=builder, forbid_dtd=True)
        builder.parser = parser
        parser.feed(text)
        root = parser.close()
    except DefusedXmlException as exc:
        raise XmlRefused(1, f"refused: {exc}") from None
    except ET.ParseError as exc:
        raise XmlRefused(exc.position[0], f"not well-formed XML: {exc}") from None
    parsed = ParsedXml(root, lines)
    if (deep := _too_deep(root)) is not None:
        raise XmlRefused(parsed.line(deep), f"elements nested more than {MAX_DEPTH} deep; refused")
    return parsed


def _too_deep(root) -> object | None:
    """The first element nested deeper than MAX_DEPTH, found without recursion; None if there is none."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            return element
        stack.extend((child, depth + 1) for child in element)
    return None


def _safe_member(zip_name: str, info: zipfile.ZipInfo) -> str:
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if (path.is_absolute() or ".." in path.parts or info.filename.startswith(("/", "\\"))
            or (path.parts and ":" in path.parts[0])):
        raise PackageError(f"{zip_name}: entry “{info.filename[:80]}” points outside the archive (path traversal); "
                           "refused, nothing was converted")
    if info.flag_bits & 0x1:
        raise PackageError(f"{zip_name}: entry “{info.filename[:80]}” is encrypted; refused")
    if info.compress_type not in READABLE_COMPRESSION:
        raise PackageError(f"{zip_name}: entry “{info.filename[:80]}” uses a compression method (number "
                           f"{info.compress_type}) that cannot be read; refused")
    if info.file_size > MAX_FILE_BYTES:
        raise PackageError(f"{zip_name}: “{info.filename[:80]}” is {info.file_size // 1024 // 1024} MB unpacked; "
                           f"at most {MAX_FILE_BYTES // 1024 // 1024} MB per file")
    if info.file_size and info.file_size / max(info.compress_size, 1) > MAX_COMPRESSION_RATIO:
        raise PackageError(f"{zip_name}: “{info.filename[:80]}” expands {info.file_size // max(info.compress_size, 1)}× "
                           "(a zip bomb?); refused, nothing was converted")
    return str(path)


def read_zip(zip_name: str, data: bytes) -> dict[str, bytes]:
    """Every file of a zip (path → bytes), or PackageError for a hostile or broken archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile):
        raise PackageError(f"{zip_name}: not a valid zip file") from None
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > MAX_ENTRIES:
        raise PackageError(f"{zip_name}: {len(entries)} entries; at most {MAX_ENTRIES}")
    names = [_safe_member(zip_name, info) for info in entries]
    total = sum(info.file_size for info in entries)
    if total > MAX_UNPACKED_BYTES:
        raise PackageError(f"{zip_name}: {total // 1024 // 1024} MB when unpacked; at most "
                           f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB")
    files: dict[str, bytes] = {}
    for name, info in zip(names, entries, strict=True):
        try:
            with archive.open(info) as handle:      # read at most the declared size + 1: never trust the header
                content = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise PackageError(f"{zip_name}: “{name[:80]}” cannot be read ({exc})") from None
        if len(content) != info.file_size:
            raise PackageError(f"{zip_name}: “{name[:80]}” is larger than its header says; refused")
        files[name] = content
    return files


def read_folder(folder: Path) -> dict[str, bytes]:
    """The XML files of a folder (path relative to it → bytes); links leading outside it are refused."""
    root = folder.resolve()
    files: dict[str, bytes] = {}
    total = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        if root not in path.resolve().parents:
            raise PackageError(f"{path}: a link that leads outside {folder}; refused")
        if not path.name.lower().endswith(XML_SUFFIXES):
            continue
        size = path.stat().st_size
        total += size
        if size > MAX_FILE_BYTES or total > MAX_UNPACKED_BYTES or len(files) >= MAX_ENTRIES:
            raise PackageError(f"{folder}: more XML than one conversion reads (at most {MAX_ENTRIES} files, "
                               f"{MAX_FILE_BYTES // 1024 // 1024} MB each, {MAX_UNPACKED_BYTES // 1024 // 1024} MB in all)")
        files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def read_source(source: Path) -> dict[str, bytes]:
    """The files of a package: a .zip, a folder, or one XML file (its name → bytes)."""
    if source.is_dir():
        return read_folder(source)
    size = source.stat().st_size
    if size > MAX_UNPACKED_BYTES:     # checked before reading: nothing this large is read into memory
        raise PackageError(f"{source}: {size // 1024 // 1024} MB; at most {MAX_UNPACKED_BYTES // 1024 // 1024} MB")
    data = source.read_bytes()
    if data[:4] == b"PK\x03\x04" or source.suffix.lower() in (".zip", ".imscc"):
        return read_zip(source.name, data)
    if size > MAX_FILE_BYTES:
        raise PackageError(f"{source}: {size // 1024 // 1024} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB per file")
    return {source.name: data}


def local(tag) -> str:
    """An element's name without its namespace ('' for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_KEBAB = re.compile(r"-([a-z])")


def camel(name: str) -> str:
    """QTI 3 names as QTI 2 spells them: qti-choice-interaction → choiceInteraction, max-choices → maxChoices."""
    if name.startswith("qti-"):
        name = name[4:]
    return _KEBAB.sub(lambda m: m.group(1).upper(), name)
