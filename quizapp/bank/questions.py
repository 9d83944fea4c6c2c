"""Question files: every question checked against the schema and normalised into a definition."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..questiontypes import QUESTION_TYPES, QuestionType
from . import schema
from .checking import FileChecker, ItemChecker, closest_match, coercion_hint, is_text, line_of, number_as_written
from .definitions import BankIssue, QuestionDef, content_hash
from .yaml_lines import MAX_ISSUES, MAX_QUESTIONS_PER_FILE, LineList, LineMap, ParseBudget, display_path, parse_yaml

_PARAMETERISED_KEYS = {t.parameterised_key for t in QUESTION_TYPES.values()}
_ANY_TYPE_KEYS = set().union(*(t.required_keys | t.optional_keys for t in QUESTION_TYPES.values()))


def _check_question(ck: FileChecker, q: Any, line: int, file_skill: str | None,
                    known_skills: set[str] | None) -> QuestionDef | None:
    if not isinstance(q, LineMap):
        ck.error(line, "every question must be a mapping")
        return None
    before = len(ck.issues)
    qid = q.get("id")
    if not isinstance(qid, str) or not schema.ID_PATTERN.match(qid):
        shown = qid if isinstance(qid, str) else "?"
        ck.error(line_of(q, "id"), "id: missing or invalid (use lowercase letters, digits, '.', '_' or '-')",
                 "q", shown)
        qid = shown
    qtype = q.get("type")
    qt = QUESTION_TYPES.get(qtype) if isinstance(qtype, str) else None
    if qt is None:
        ck.error(line_of(q, "type"), f"type: {qtype!r} is not one of {', '.join(QUESTION_TYPES)}", "q", qid)
        ck.keys(q, schema.QUESTION_COMMON_REQUIRED, schema.QUESTION_COMMON_OPTIONAL | _ANY_TYPE_KEYS, "q", qid)
        return None
    required = set(qt.required_keys)
    if "params" in q:  # its check computes the key (and params on a type that has none is the one issue)
        required -= _PARAMETERISED_KEYS
    ck.keys(q, schema.QUESTION_COMMON_REQUIRED | required, schema.QUESTION_COMMON_OPTIONAL | qt.optional_keys,
            "q", qid)

    definition: dict[str, Any] = {"type": qtype}
    difficulty = q.get("difficulty")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or difficulty not in schema.DIFFICULTIES:
        if "difficulty" in q:
            ck.error(line_of(q, "difficulty"), f"difficulty: must be an integer 1-5, not {difficulty!r}", "q", qid)
        difficulty = 3
    definition["difficulty"] = difficulty

    skills = q.get("skills", [file_skill] if file_skill else None)
    if skills is None:
        ck.error(q.line, "skills: no 'skills' here and no file-level 'skill' to default to", "q", qid)
        skills = []
    elif not isinstance(skills, list) or not skills or not all(isinstance(s, str) for s in skills):
        ck.error(line_of(q, "skills"), "skills: must be a non-empty list of skill ids", "q", qid)
        skills = []
    elif known_skills is not None:
        for s in skills:
            if s not in known_skills:
                hint = closest_match(s, known_skills)
                ck.error(line_of(q, "skills"), f"skills: unknown skill '{s}'" + (f" (did you mean '{hint}'?)" if hint else ""),
                         "q", qid)
    definition["skills"] = list(dict.fromkeys(skills))

    for key in ("prompt", "explanation"):
        if key in q and not is_text(q[key]):
            ck.error(line_of(q, key), f"{key}: must be non-empty text{coercion_hint(q, key)}", "q", qid)
        definition[key] = q.get(key) if isinstance(q.get(key), str) else ""

    refs = q.get("references")
    if refs is not None:
        if not isinstance(refs, list) or not refs:
            ck.error(line_of(q, "references"), "references: must be a non-empty list of URLs", "q", qid)
            refs = []
        for ref in refs:
            if not isinstance(ref, str) or not schema.URL_PATTERN.match(ref):
                ck.error(line_of(q, "references"), f"references: {ref!r} is not an http(s) URL", "q", qid)
        definition["references"] = [r for r in refs if isinstance(r, str)]

    item = ItemChecker(ck, "q", qid)
    qt.validate(q, item, definition)
    qt.validate_feedback(q, item, definition)

    if "check" in q:
        check = q["check"]
        if not isinstance(check, LineMap):
            ck.error(line_of(q, "check"), "check: must be a mapping like {python: '1 + 1'}", "q", qid)
        else:
            ck.keys(check, schema.CHECK_KEYS, set(), "q", qid)
            if "python" in check and not is_text(check["python"]):
                ck.error(line_of(check, "python"), "check: 'python' must be code", "q", qid)
            definition["check"] = {k: v for k, v in check.items() if k in schema.CHECK_KEYS}

    if "requires" in q:
        if not is_text(q["requires"]):
            ck.error(line_of(q, "requires"), "requires: must be text like \"pandas>=2.0\"", "q", qid)
        else:
            definition["requires"] = q["requires"]

    if "reviewed" in q:
        reviewed = q["reviewed"]
        if isinstance(reviewed, dt.date):
            definition["reviewed"] = reviewed.isoformat()
        elif isinstance(reviewed, str) and schema.DATE_PATTERN.match(reviewed):
            definition["reviewed"] = reviewed
        else:
            ck.error(line_of(q, "reviewed"), "reviewed: must be a date YYYY-MM-DD", "q", qid)

    if "params" in q:
        _check_params(ck, q, qid, qt, definition)

    if len(ck.issues) > before:
        return None
    return QuestionDef(qid, ck.path, q.line, qtype, difficulty, tuple(definition["skills"]), definition,
                       content_hash(definition))


def _check_params(ck: FileChecker, q: LineMap, qid: str, qt: QuestionType, definition: dict) -> None:
    """Parameterised items: declared values, known slots, and a check to compute keys."""
    params, line = q["params"], line_of(q, "params")
    if qt.parameterised_key is None:
        can = [t.name for t in QUESTION_TYPES.values() if t.parameterised_key]
        ck.error(line, f"params: only {' and '.join(can)} questions can be parameterised", "q", qid)
        return
    for key in ("answer", "answers", "pattern"):
        if key in q:
            ck.error(line_of(q, key), f"{key}: a parameterised question has no fixed key; `check` computes it",
                     "q", qid)
    check = q.get("check")
    if not isinstance(check, LineMap) or "python" not in check:
        ck.error(line, "params: a parameterised question needs `check: {python: ...}` to compute its keys", "q", qid)
    if not isinstance(params, LineMap) or not params:
        ck.error(line, "params: must map names to lists of values", "q", qid)
        return
    combinations = 1
    for name, values in params.items():
        if not isinstance(name, str) or not schema.PARAM_NAME_PATTERN.match(name):
            ck.error(params.key_lines.get(name, line), f"params: {name!r} is not a valid name (lowercase identifier)",
                     "q", qid)
        if (not isinstance(values, list) or not values
                or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values)):
            ck.error(params.key_lines.get(name, line), f"params: '{name}' needs a non-empty list of numbers or texts",
                     "q", qid)
            return
        for index, value in enumerate(values):  # 014, 1:30, .nan: not the number the author meant
            if why := number_as_written(values, index, value):
                ck.error(values.item_lines[index], f"params: '{name}': {why}", "q", qid)
        if len(set(map(repr, values))) != len(values):
            ck.error(params.key_lines.get(name, line), f"params: '{name}' lists a value twice", "q", qid)
        combinations *= len(values)
    if not 2 <= combinations <= schema.MAX_PARAM_COMBINATIONS:
        ck.error(line, f"params: {combinations} combinations; use 2-{schema.MAX_PARAM_COMBINATIONS}", "q", qid)
    texts = [definition.get("prompt", ""), definition.get("explanation", ""),
             (check.get("python", "") if isinstance(check, LineMap) else ""), definition.get("feedback", "")]
    for text in texts:
        for name in schema.SLOT_PATTERN.findall(text if isinstance(text, str) else ""):
            if name not in params:
                ck.error(line, f"params: slot {{{{{name}}}}} is not declared", "q", qid)
    if not schema.SLOT_PATTERN.search(definition.get("prompt", "")):
        ck.error(line_of(q, "prompt"), "prompt: a parameterised question must show its parameters with {{name}}",
                 "q", qid)
    definition["params"] = {name: list(values) for name, values in params.items()}


def load_question_file(path: Path, issues: list[BankIssue], known_skills: set[str] | None,
                        budget: ParseBudget | None = None) -> tuple[list[QuestionDef], list[tuple[str, int]]]:
    """The valid questions of one file, and (id, line) of every question with a well-formed id,
    valid or not, so that a duplicate id is reported whatever else is wrong."""
    data = parse_yaml(path, issues, budget)
    if data is None:
        return [], []
    ck = FileChecker(display_path(path), issues)
    if not isinstance(data, LineMap):
        ck.error(1, "expected a mapping with 'skill' and a 'questions' list at the top")
        return [], []
    ck.keys(data, {"questions"}, {"skill"}, "file", None)
    file_skill = data.get("skill")
    if file_skill is not None:
        if not isinstance(file_skill, str):
            ck.error(line_of(data, "skill"), "skill: must be a skill id")
            file_skill = None
        elif known_skills is not None and file_skill not in known_skills:
            ck.error(line_of(data, "skill"), f"skill: unknown skill '{file_skill}'")
    questions = data.get("questions")
    if not isinstance(questions, LineList):
        if "questions" in data:
            ck.error(line_of(data, "questions"), "questions: must be a list")
        return [], []
    if len(questions) > MAX_QUESTIONS_PER_FILE:
        ck.error(questions.line, f"questions: {len(questions):,} questions; at most {MAX_QUESTIONS_PER_FILE} per file "
                                 "(split the file by topic)")
        return [], []
    defs, ids = [], []
    for q, line in zip(questions, questions.item_lines, strict=True):
        if len(issues) >= MAX_ISSUES:
            break
        qd = _check_question(ck, q, line, file_skill, known_skills)
        if qd is not None:
            defs.append(qd)
        if isinstance(q, LineMap) and isinstance(q.get("id"), str) and schema.ID_PATTERN.match(q["id"]):
            ids.append((q["id"], q.line))
    return defs, ids


def question_ids(path: Path) -> list[tuple[str, int]]:
    """(id, line) of the questions in a file, valid or not; nothing when it cannot be parsed."""
    data = parse_yaml(path, [])
    questions = data.get("questions") if isinstance(data, LineMap) else None
    if not isinstance(questions, LineList) or len(questions) > MAX_QUESTIONS_PER_FILE:
        return []
    return [(q["id"], q.line) for q in questions
            if isinstance(q, LineMap) and isinstance(q.get("id"), str) and schema.ID_PATTERN.match(q["id"])]


