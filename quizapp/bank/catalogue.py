"""The catalogue files: skills (with their prerequisite graph), roles, courses, projects, assessments."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import schema
from .checking import FileChecker, ItemChecker, closest_match, is_number, is_text, line_of
from .definitions import BankIssue
from .yaml_lines import LineList, LineMap, display_path, parse_yaml


def _top_list(checker: FileChecker, data: Any, key: str) -> list:
    if not isinstance(data, LineMap):
        checker.error(1, f"expected a mapping with a '{key}' list at the top")
        return []
    checker.keys(data, {key}, set(), "file", None)
    items = data.get(key)
    if not isinstance(items, LineList):
        if key in data:
            checker.error(line_of(data, key), f"'{key}' must be a list")
        return []
    return items



def load_skills(path: Path, issues: list[BankIssue]) -> list[dict]:
    ck = FileChecker(display_path(path), issues)
    out, seen = [], {}
    for item, line in _items(ck, parse_yaml(path, issues), "skills"):
        sid = item.get("id")
        if not isinstance(sid, str) or not schema.SKILL_ID_PATTERN.match(sid):
            ck.error(line_of(item, "id"), "id: a skill id looks like 'area.name' (lowercase, digits, '_')",
                     "skill", str(sid))
            continue
        ok = ck.keys(item, schema.SKILL_KEYS_REQUIRED, schema.SKILL_KEYS_OPTIONAL, "skill", sid)
        if sid in seen:
            ck.error(line, f"duplicate skill id (first defined on line {seen[sid]})", "skill", sid)
            continue
        seen[sid] = line
        if item.get("area") not in schema.AREAS:
            ck.error(line_of(item, "area"), f"area: must be one of {', '.join(schema.AREAS)}", "skill", sid)
            ok = False
        prereqs = item.get("prerequisites", [])
        if not isinstance(prereqs, list) or not all(isinstance(p, str) for p in prereqs):
            ck.error(line_of(item, "prerequisites"), "prerequisites: must be a list of skill ids", "skill", sid)
            prereqs = []
        if not is_text(item.get("name")):
            if "name" in item:  # a missing name is reported by ck.keys above
                ck.error(line_of(item, "name"), "name: must be non-empty text", "skill", sid)
            ok = False
        if ok:
            out.append({"id": sid, "name": item["name"], "area": item["area"], "prerequisites": list(prereqs),
                        "description": item.get("description") or "", "line": line, "path": ck.path})
    known = {s["id"] for s in out}
    for s in out:
        for p in s["prerequisites"]:
            if p not in known:
                ck.error(s["line"], f"prerequisites: unknown skill '{p}'", "skill", s["id"])
    for cycle in _cycles({s["id"]: [p for p in s["prerequisites"] if p in known] for s in out}):
        first = next(s for s in out if s["id"] == cycle[0])
        ck.error(first["line"], "prerequisites form a cycle: " + " -> ".join(cycle + [cycle[0]]), "skill", cycle[0])
    return out


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Return one representative cycle per strongly connected loop (depth-first search)."""
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "active"
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "active":
                found.append(stack[stack.index(nxt):])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node)
    return found


def _items(ck: FileChecker, data: Any, key: str):
    items = _top_list(ck, data, key) if data is not None else []
    for item, line in zip(items, getattr(items, "item_lines", []), strict=True):
        if not isinstance(item, LineMap):
            ck.error(line, f"every entry of '{key}' must be a mapping")
            continue
        yield item, line


# --- roles, courses, projects, assessments: one validator, driven by a spec per file -------------

@dataclass(frozen=True)
class _Context:
    skills: list[dict]          # the valid skills, in file order
    known: set[str]             # their ids
    role_ids: set[str]


Check = Callable[[ItemChecker, LineMap, str, _Context], None]


def _text(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
    if not is_text(entry[key]):
        item.error(line_of(entry, key), f"{key}: must be non-empty text")


def _url(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
    if not (isinstance(entry[key], str) and schema.URL_PATTERN.match(entry[key])):
        item.error(line_of(entry, key), f"{key}: must be an http(s) URL")


def _positive(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
    if not is_number(entry[key]) or entry[key] <= 0:
        item.error(line_of(entry, key), f"{key}: must be a positive number")


def _one_of(allowed: tuple[str, ...]) -> Check:
    def check(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
        if entry[key] not in allowed:
            item.error(line_of(entry, key), f"{key}: must be one of {', '.join(allowed)}")
    return check


def _whole_number(low: int, high: int, message: str) -> Check:
    def check(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            item.error(line_of(entry, key), f"{key}: {message}")
    return check


def _skill_refs(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> list[str]:
    refs = entry[key]
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        item.error(line_of(entry, key), f"{key}: must be a non-empty list of skill ids")
        return []
    for r in refs:
        if r not in ctx.known:
            hint = closest_match(r, ctx.known)
            item.error(line_of(entry, key), f"{key}: unknown skill '{r}'" + (f" (did you mean '{hint}'?)" if hint else ""))
    return list(refs)


def _role(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
    if not isinstance(entry[key], str) or entry[key] not in ctx.role_ids:
        item.error(line_of(entry, key), f"role: unknown role '{entry[key]}'")


def _targets(item: ItemChecker, entry: LineMap, key: str, ctx: _Context) -> None:
    raw = entry[key]
    if not isinstance(raw, LineMap) or not raw:
        item.error(line_of(entry, key), "targets: must map skill ids to a level 1-5")
        return
    for sid, spec in raw.items():
        _target(item, raw.key_lines.get(sid, raw.line), sid, spec, ctx)


def _target(item: ItemChecker, line: int, sid: Any, spec: Any, ctx: _Context) -> None:
    if sid not in ctx.known:
        item.error(line, f"targets: unknown skill '{sid}'")
        return
    if isinstance(spec, int) and not isinstance(spec, bool):
        spec = {"level": spec}
    elif isinstance(spec, LineMap):
        item.keys(spec, schema.TARGET_KEYS_REQUIRED, schema.TARGET_KEYS_OPTIONAL)
    else:
        item.error(line, f"targets: '{sid}' needs a level 1-5 or {{level, weight, mastery_p}}")
        return
    level, weight, mastery = spec.get("level"), spec.get("weight", 1.0), spec.get("mastery_p", 0.5)
    if level not in schema.DIFFICULTIES or isinstance(level, bool):
        item.error(line, f"targets: level of '{sid}' must be 1-5")
    elif not is_number(weight) or weight <= 0:
        item.error(line, f"targets: weight of '{sid}' must be a positive number")
    elif not is_number(mastery) or not 0 < mastery < 1:
        item.error(line, f"targets: mastery_p of '{sid}' must be between 0 and 1")


def _role_entry(entry: LineMap, line: int, ctx: _Context) -> dict:
    targets = {}
    for sid, spec in entry["targets"].items():
        spec = {"level": spec} if isinstance(spec, int) else spec
        targets[sid] = {"level": spec["level"], "weight": float(spec.get("weight", 1.0)),
                        "mastery_p": float(spec.get("mastery_p", 0.5))}
    return {"id": entry["id"], "name": entry["name"], "description": entry.get("description") or "",
            "targets": targets, "line": line}


def _assessment_skills(entry: LineMap, ctx: _Context) -> list[str]:
    if entry.get("skills") == "all":
        return [s["id"] for s in ctx.skills]
    if "skills" in entry:
        return list(entry["skills"])
    return [s["id"] for s in ctx.skills if s["area"] in entry["areas"]]


def _skills_or_areas(item: ItemChecker, entry: LineMap, line: int, ctx: _Context) -> None:
    """An assessment covers either skills (a list, or 'all') or areas, never both."""
    if ("skills" in entry) == ("areas" in entry):
        item.error(line, "give exactly one of 'skills' (a list, or 'all') and 'areas'")
    elif entry.get("skills") == "all":
        pass
    elif "skills" in entry:
        _skill_refs(item, entry, "skills", ctx)
    else:
        areas = entry["areas"]
        if not isinstance(areas, list) or not areas or any(a not in schema.AREAS for a in areas):
            item.error(line_of(entry, "areas"), f"areas: must be a list drawn from {', '.join(schema.AREAS)}")


@dataclass(frozen=True)
class _Spec:
    """One catalogue file: its list, the kind its issues name, its keys and their checks (in the order
    their issues are reported), a check of the whole entry, and the entry the bank keeps."""

    key: str
    kind: str
    required: set[str]
    optional: set[str]
    checks: tuple[tuple[str, Check], ...]
    build: Callable[[LineMap, int, _Context], dict]
    whole: Callable[[ItemChecker, LineMap, int, _Context], None] | None = None


_ROLES = _Spec("roles", "role", schema.ROLE_KEYS_REQUIRED, schema.ROLE_KEYS_OPTIONAL, (("targets", _targets),),
               _role_entry)
_COURSES = _Spec(
    "courses", "course", schema.COURSE_KEYS_REQUIRED, schema.COURSE_KEYS_OPTIONAL,
    (("title", _text), ("provider", _text), ("url", _url), ("skills", _skill_refs),
     ("level", _one_of(schema.COURSE_LEVELS)), ("cost", _one_of(schema.COURSE_COSTS)),
     ("format", _one_of(schema.COURSE_FORMATS)), ("hours", _positive)),
    lambda e, line, ctx: {"id": e["id"], "title": e["title"], "provider": e["provider"], "url": e["url"],
                          "skills": list(e["skills"]), "level": e["level"], "hours": float(e["hours"]),
                          "cost": e["cost"], "format": e.get("format", "course"),
                          "description": e.get("description") or "", "line": line})
_PROJECTS = _Spec(
    "projects", "project", schema.PROJECT_KEYS_REQUIRED, schema.PROJECT_KEYS_OPTIONAL,
    (("title", _text), ("description", _text), ("skills", _skill_refs), ("level", _one_of(schema.COURSE_LEVELS)),
     ("hours", _positive), ("url", _url)),
    lambda e, line, ctx: {"id": e["id"], "title": e["title"], "description": e["description"],
                          "skills": list(e["skills"]), "level": e["level"], "hours": float(e["hours"]),
                          "url": e.get("url", ""), "line": line})
_ASSESSMENTS = _Spec(
    "assessments", "assessment", schema.ASSESSMENT_KEYS_REQUIRED, schema.ASSESSMENT_KEYS_OPTIONAL,
    (("role", _role), ("mode", _one_of(schema.ASSESSMENT_MODES)),
     ("questions", _whole_number(1, 200, "must be a whole number 1-200")),
     ("time_limit", _whole_number(1, 600, "minutes, a whole number 1-600"))),
    lambda e, line, ctx: {"id": e["id"], "name": e["name"], "description": e.get("description") or "",
                          "role": e["role"], "questions": e["questions"], "mode": e["mode"],
                          "skills": _assessment_skills(e, ctx), "time_limit": e.get("time_limit"), "line": line},
    whole=_skills_or_areas)


def _load_entries(path: Path, issues: list[BankIssue], spec: _Spec, ctx: _Context) -> list[dict]:
    """The valid entries of one catalogue file; an entry with any issue is left out."""
    ck = FileChecker(display_path(path), issues)
    out, seen = [], set()
    for entry, line in _items(ck, parse_yaml(path, issues), spec.key):
        entry_id = entry.get("id")
        if not isinstance(entry_id, str) or not schema.ID_PATTERN.match(entry_id):
            ck.error(line_of(entry, "id"), "id: missing or invalid", spec.kind, str(entry_id))
            continue
        item = ItemChecker(ck, spec.kind, entry_id)
        before = len(issues)
        item.keys(entry, spec.required, spec.optional)
        if entry_id in seen:
            item.error(line, f"duplicate {spec.kind} id")
        seen.add(entry_id)
        for key, check in spec.checks:
            if key in entry:
                check(item, entry, key, ctx)
        if spec.whole is not None:
            spec.whole(item, entry, line, ctx)
        if len(issues) == before:
            out.append(spec.build(entry, line, ctx))
    return out


def load_roles(path: Path, issues: list[BankIssue], skills: list[dict]) -> list[dict]:
    return _load_entries(path, issues, _ROLES, _Context(skills, {s["id"] for s in skills}, set()))


def load_courses(path: Path, issues: list[BankIssue], skills: list[dict]) -> list[dict]:
    return _load_entries(path, issues, _COURSES, _Context(skills, {s["id"] for s in skills}, set()))


def load_projects(path: Path, issues: list[BankIssue], skills: list[dict]) -> list[dict]:
    return _load_entries(path, issues, _PROJECTS, _Context(skills, {s["id"] for s in skills}, set()))


def load_assessments(path: Path, issues: list[BankIssue], skills: list[dict], role_ids: set[str]) -> list[dict]:
    return _load_entries(path, issues, _ASSESSMENTS, _Context(skills, {s["id"] for s in skills}, role_ids))
