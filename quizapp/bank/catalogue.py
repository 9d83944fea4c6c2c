"""The catalogue files: skills (with their prerequisite graph), roles, courses, projects, assessments."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from . import schema
from .checking import FileChecker, closest_match, is_number, is_text, line_of
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


def _check_skill_refs(ck: FileChecker, line: int, refs: Any, known: set[str], kind: str, item_id: str,
                      key: str = "skills") -> list[str]:
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        ck.error(line, f"{key}: must be a non-empty list of skill ids", kind, item_id)
        return []
    for r in refs:
        if r not in known:
            hint = closest_match(r, known)
            ck.error(line, f"{key}: unknown skill '{r}'" + (f" (did you mean '{hint}'?)" if hint else ""), kind, item_id)
    return list(refs)


def load_roles(path: Path, issues: list[BankIssue], known: set[str]) -> list[dict]:
    ck = FileChecker(display_path(path), issues)
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "roles"):
        rid = item.get("id")
        if not isinstance(rid, str) or not schema.ID_PATTERN.match(rid):
            ck.error(line_of(item, "id"), "id: missing or invalid", "role", str(rid))
            continue
        before = len(issues)
        ck.keys(item, schema.ROLE_KEYS_REQUIRED, schema.ROLE_KEYS_OPTIONAL, "role", rid)
        if rid in seen:
            ck.error(line, "duplicate role id", "role", rid)
        seen.add(rid)
        targets = {}
        raw = item.get("targets")
        if not isinstance(raw, LineMap) or not raw:
            ck.error(line_of(item, "targets"), "targets: must map skill ids to a level 1-5", "role", rid)
            raw = LineMap()
        for sid, spec in raw.items():
            tline = raw.key_lines.get(sid, raw.line)
            if sid not in known:
                ck.error(tline, f"targets: unknown skill '{sid}'", "role", rid)
                continue
            if isinstance(spec, int) and not isinstance(spec, bool):
                spec = {"level": spec}
            elif isinstance(spec, LineMap):
                ck.keys(spec, schema.TARGET_KEYS_REQUIRED, schema.TARGET_KEYS_OPTIONAL, "role", rid)
            else:
                ck.error(tline, f"targets: '{sid}' needs a level 1-5 or {{level, weight, mastery_p}}", "role", rid)
                continue
            level, weight, mastery = spec.get("level"), spec.get("weight", 1.0), spec.get("mastery_p", 0.5)
            if level not in schema.DIFFICULTIES or isinstance(level, bool):
                ck.error(tline, f"targets: level of '{sid}' must be 1-5", "role", rid)
                continue
            if not is_number(weight) or weight <= 0:
                ck.error(tline, f"targets: weight of '{sid}' must be a positive number", "role", rid)
                continue
            if not is_number(mastery) or not 0 < mastery < 1:
                ck.error(tline, f"targets: mastery_p of '{sid}' must be between 0 and 1", "role", rid)
                continue
            targets[sid] = {"level": level, "weight": float(weight), "mastery_p": float(mastery)}
        if len(issues) == before:
            out.append({"id": rid, "name": item["name"], "description": item.get("description") or "",
                        "targets": targets, "line": line})
    return out


def load_courses(path: Path, issues: list[BankIssue], known: set[str]) -> list[dict]:
    ck = FileChecker(display_path(path), issues)
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "courses"):
        cid = item.get("id")
        if not isinstance(cid, str) or not schema.ID_PATTERN.match(cid):
            ck.error(line_of(item, "id"), "id: missing or invalid", "course", str(cid))
            continue
        before = len(issues)
        ck.keys(item, schema.COURSE_KEYS_REQUIRED, schema.COURSE_KEYS_OPTIONAL, "course", cid)
        if cid in seen:
            ck.error(line, "duplicate course id", "course", cid)
        seen.add(cid)
        for key in ("title", "provider"):
            if key in item and not is_text(item[key]):
                ck.error(line_of(item, key), f"{key}: must be non-empty text", "course", cid)
        if "url" in item and not (isinstance(item["url"], str) and schema.URL_PATTERN.match(item["url"])):
            ck.error(line_of(item, "url"), "url: must be an http(s) URL", "course", cid)
        if "skills" in item:
            _check_skill_refs(ck, line_of(item, "skills"), item["skills"], known, "course", cid)
        for key, allowed in (("level", schema.COURSE_LEVELS), ("cost", schema.COURSE_COSTS),
                             ("format", schema.COURSE_FORMATS)):
            if key in item and item[key] not in allowed:
                ck.error(line_of(item, key), f"{key}: must be one of {', '.join(allowed)}", "course", cid)
        hours = item.get("hours")
        if "hours" in item and (not is_number(hours) or hours <= 0):
            ck.error(line_of(item, "hours"), "hours: must be a positive number", "course", cid)
        if len(issues) == before:
            out.append({"id": cid, "title": item["title"], "provider": item["provider"], "url": item["url"],
                        "skills": list(item["skills"]), "level": item["level"], "hours": float(hours),
                        "cost": item["cost"], "format": item.get("format", "course"),
                        "description": item.get("description") or "", "line": line})
    return out


def load_projects(path: Path, issues: list[BankIssue], known: set[str]) -> list[dict]:
    ck = FileChecker(display_path(path), issues)
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "projects"):
        pid = item.get("id")
        if not isinstance(pid, str) or not schema.ID_PATTERN.match(pid):
            ck.error(line_of(item, "id"), "id: missing or invalid", "project", str(pid))
            continue
        before = len(issues)
        ck.keys(item, schema.PROJECT_KEYS_REQUIRED, schema.PROJECT_KEYS_OPTIONAL, "project", pid)
        if pid in seen:
            ck.error(line, "duplicate project id", "project", pid)
        seen.add(pid)
        for key in ("title", "description"):
            if key in item and not is_text(item[key]):
                ck.error(line_of(item, key), f"{key}: must be non-empty text", "project", pid)
        if "skills" in item:
            _check_skill_refs(ck, line_of(item, "skills"), item["skills"], known, "project", pid)
        if "level" in item and item["level"] not in schema.COURSE_LEVELS:
            ck.error(line_of(item, "level"), f"level: must be one of {', '.join(schema.COURSE_LEVELS)}", "project", pid)
        hours = item.get("hours")
        if "hours" in item and (not is_number(hours) or hours <= 0):
            ck.error(line_of(item, "hours"), "hours: must be a positive number", "project", pid)
        if "url" in item and not (isinstance(item["url"], str) and schema.URL_PATTERN.match(item["url"])):
            ck.error(line_of(item, "url"), "url: must be an http(s) URL", "project", pid)
        if len(issues) == before:
            out.append({"id": pid, "title": item["title"], "description": item["description"],
                        "skills": list(item["skills"]), "level": item["level"], "hours": float(hours),
                        "url": item.get("url", ""), "line": line})
    return out


def load_assessments(path: Path, issues: list[BankIssue], skills: list[dict], role_ids: set[str]) -> list[dict]:
    ck = FileChecker(display_path(path), issues)
    known = {s["id"] for s in skills}
    out, seen = [], set()
    for item, line in _items(ck, parse_yaml(path, issues), "assessments"):
        aid = item.get("id")
        if not isinstance(aid, str) or not schema.ID_PATTERN.match(aid):
            ck.error(line_of(item, "id"), "id: missing or invalid", "assessment", str(aid))
            continue
        before = len(issues)
        ck.keys(item, schema.ASSESSMENT_KEYS_REQUIRED, schema.ASSESSMENT_KEYS_OPTIONAL, "assessment", aid)
        if aid in seen:
            ck.error(line, "duplicate assessment id", "assessment", aid)
        seen.add(aid)
        if "role" in item and (not isinstance(item["role"], str) or item["role"] not in role_ids):
            ck.error(line_of(item, "role"), f"role: unknown role '{item['role']}'", "assessment", aid)
        if "mode" in item and item["mode"] not in schema.ASSESSMENT_MODES:
            ck.error(line_of(item, "mode"), f"mode: must be one of {', '.join(schema.ASSESSMENT_MODES)}",
                     "assessment", aid)
        count = item.get("questions")
        if "questions" in item and (isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 200):
            ck.error(line_of(item, "questions"), "questions: must be a whole number 1-200", "assessment", aid)
        limit = item.get("time_limit")
        if "time_limit" in item and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 600):
            ck.error(line_of(item, "time_limit"), "time_limit: minutes, a whole number 1-600", "assessment", aid)
        chosen: list[str] = []
        if ("skills" in item) == ("areas" in item):
            ck.error(line, "give exactly one of 'skills' (a list, or 'all') and 'areas'", "assessment", aid)
        elif item.get("skills") == "all":
            chosen = [s["id"] for s in skills]
        elif "skills" in item:
            chosen = _check_skill_refs(ck, line_of(item, "skills"), item["skills"], known, "assessment", aid)
        else:
            areas = item["areas"]
            if not isinstance(areas, list) or not areas or any(a not in schema.AREAS for a in areas):
                ck.error(line_of(item, "areas"), f"areas: must be a list drawn from {', '.join(schema.AREAS)}",
                         "assessment", aid)
            else:
                chosen = [s["id"] for s in skills if s["area"] in areas]
        if len(issues) == before:
            out.append({"id": aid, "name": item["name"], "description": item.get("description") or "",
                        "role": item["role"], "questions": count, "mode": item["mode"], "skills": chosen,
                        "time_limit": item.get("time_limit"), "line": line})
    return out


