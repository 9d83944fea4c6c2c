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
    """A question's definition, normalised, or None after its issues were recorded: the common keys
    here, its type's own keys by its type (quizapp.questiontypes)."""
    if not isinstance(q, LineMap):
        ck.error(line, "every question must be a mapping")
        return None
    before = len(ck.issues)
    item = ItemChecker(ck, "q", _question_id(ck, q))
    qt = _question_type(q, item)
    if qt is None:
        return None
    definition: dict[str, Any] = {"type": qt.name, "difficulty": _difficulty(q, item),
                                  "skills": _skills(q, item, file_skill, known_skills)}
    for key in ("prompt", "explanation"):
        if key in q and not is_text(q[key]):
            item.error(line_of(q, key), f"{key}: must be non-empty text{coercion_hint(q, key)}")
        definition[key] = q.get(key) if isinstance(q.get(key), str) else ""
    if "references" in q and q["references"] is not None:
        definition["references"] = _references(q, item)
    qt.validate(q, item, definition)
    qt.validate_feedback(q, item, definition)
    for key, check in _OPTIONAL_KEYS:
        if key in q:
            check(q, item, definition)
    if "params" in q:
        _check_params(q, item, qt, definition)
    if len(ck.issues) > before:
        return None
    return QuestionDef(item.item_id, ck.path, q.line, qt.name, definition["difficulty"], tuple(definition["skills"]),
                       definition, content_hash(definition))


def _question_id(ck: FileChecker, q: LineMap) -> str:
    qid = q.get("id")
    if not isinstance(qid, str) or not schema.ID_PATTERN.match(qid):
        shown = qid if isinstance(qid, str) else "?"
        ck.error(line_of(q, "id"), "id: missing or invalid (use lowercase letters, digits, '.', '_' or '-')",
                 "q", shown)
        return shown
    return qid


def _question_type(q: LineMap, item: ItemChecker) -> QuestionType | None:
    """The question's type, after checking which keys it has (a type's own keys only for that type)."""
    qtype = q.get("type")
    qt = QUESTION_TYPES.get(qtype) if isinstance(qtype, str) else None
    if qt is None:
        item.error(line_of(q, "type"), f"type: {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
        item.keys(q, schema.QUESTION_COMMON_REQUIRED, schema.QUESTION_COMMON_OPTIONAL | _ANY_TYPE_KEYS)
        return None
    required = set(qt.required_keys)
    if "params" in q:  # its check computes the key (and params on a type that has none is the one issue)
        required -= _PARAMETERISED_KEYS
    item.keys(q, schema.QUESTION_COMMON_REQUIRED | required, schema.QUESTION_COMMON_OPTIONAL | qt.optional_keys)
    return qt


def _difficulty(q: LineMap, item: ItemChecker) -> int:
    difficulty = q.get("difficulty")
    if not isinstance(difficulty, int) or isinstance(difficulty, bool) or difficulty not in schema.DIFFICULTIES:
        if "difficulty" in q:
            item.error(line_of(q, "difficulty"), f"difficulty: must be an integer 1-5, not {difficulty!r}")
        return 3
    return difficulty


def _skills(q: LineMap, item: ItemChecker, file_skill: str | None, known_skills: set[str] | None) -> list[str]:
    skills = q.get("skills", [file_skill] if file_skill else None)
    if skills is None:
        item.error(q.line, "skills: no 'skills' here and no file-level 'skill' to default to")
        return []
    if not isinstance(skills, list) or not skills or not all(isinstance(s, str) for s in skills):
        item.error(line_of(q, "skills"), "skills: must be a non-empty list of skill ids")
        return []
    for s in skills if known_skills is not None else ():
        if s not in known_skills:
            hint = closest_match(s, known_skills)
            item.error(line_of(q, "skills"), f"skills: unknown skill '{s}'" + (f" (did you mean '{hint}'?)" if hint else ""))
    return list(dict.fromkeys(skills))


def _references(q: LineMap, item: ItemChecker) -> list[str]:
    refs = q["references"]
    if not isinstance(refs, list) or not refs:
        item.error(line_of(q, "references"), "references: must be a non-empty list of URLs")
        return []
    for ref in refs:
        if not isinstance(ref, str) or not schema.URL_PATTERN.match(ref):
            item.error(line_of(q, "references"), f"references: {ref!r} is not an http(s) URL")
    return [r for r in refs if isinstance(r, str)]


def _check(q: LineMap, item: ItemChecker, definition: dict) -> None:
    check = q["check"]
    if not isinstance(check, LineMap):
        item.error(line_of(q, "check"), "check: must be a mapping like {python: '1 + 1'}")
        return
    item.keys(check, schema.CHECK_KEYS, set())
    if "python" in check and not is_text(check["python"]):
        item.error(line_of(check, "python"), "check: 'python' must be code")
    definition["check"] = {k: v for k, v in check.items() if k in schema.CHECK_KEYS}


def _requires(q: LineMap, item: ItemChecker, definition: dict) -> None:
    if not is_text(q["requires"]):
        item.error(line_of(q, "requires"), "requires: must be text like \"pandas>=2.0\"")
    else:
        definition["requires"] = q["requires"]


def _reviewed(q: LineMap, item: ItemChecker, definition: dict) -> None:
    reviewed = q["reviewed"]
    if isinstance(reviewed, dt.date):
        definition["reviewed"] = reviewed.isoformat()
    elif isinstance(reviewed, str) and schema.DATE_PATTERN.match(reviewed):
        definition["reviewed"] = reviewed
    else:
        item.error(line_of(q, "reviewed"), "reviewed: must be a date YYYY-MM-DD")


_OPTIONAL_KEYS = (("check", _check), ("requires", _requires), ("reviewed", _reviewed))


def _check_params(q: LineMap, item: ItemChecker, qt: QuestionType, definition: dict) -> None:
    """Parameterised items: declared values, known slots, and a check to compute keys."""
    params, line = q["params"], line_of(q, "params")
    if qt.parameterised_key is None:
        can = [t.name for t in QUESTION_TYPES.values() if t.parameterised_key]
        item.error(line, f"params: only {' and '.join(can)} questions can be parameterised")
        return
    for key in ("answer", "answers", "pattern"):
        if key in q:
            item.error(line_of(q, key), f"{key}: a parameterised question has no fixed key; `check` computes it")
    check = q.get("check")
    if not isinstance(check, LineMap) or "python" not in check:
        item.error(line, "params: a parameterised question needs `check: {python: ...}` to compute its keys")
    if not isinstance(params, LineMap) or not params:
        item.error(line, "params: must map names to lists of values")
        return
    combinations = 1
    for name, values in params.items():
        if not _param_values(params, name, values, item):
            return
        combinations *= len(values)
    if not 2 <= combinations <= schema.MAX_PARAM_COMBINATIONS:
        item.error(line, f"params: {combinations} combinations; use 2-{schema.MAX_PARAM_COMBINATIONS}")
    _slots(q, item, params, check, definition)
    definition["params"] = {name: list(values) for name, values in params.items()}


def _param_values(params: LineMap, name: Any, values: Any, item: ItemChecker) -> bool:
    """Check one parameter's name and values; False when the values are not a list to go on with."""
    line = params.key_lines.get(name, params.line)
    if not isinstance(name, str) or not schema.PARAM_NAME_PATTERN.match(name):
        item.error(line, f"params: {name!r} is not a valid name (lowercase identifier)")
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in values)):
        item.error(line, f"params: '{name}' needs a non-empty list of numbers or texts")
        return False
    for index, value in enumerate(values):  # 014, 1:30, .nan: not the number the author meant
        if why := number_as_written(values, index, value):
            item.error(values.item_lines[index], f"params: '{name}': {why}")
    if len(set(map(repr, values))) != len(values):
        item.error(line, f"params: '{name}' lists a value twice")
    return True


def _slots(q: LineMap, item: ItemChecker, params: LineMap, check: Any, definition: dict) -> None:
    """Every {{slot}} in the texts and the check is a declared parameter, and the prompt shows one."""
    line = line_of(q, "params")
    texts = [definition.get("prompt", ""), definition.get("explanation", ""),
             (check.get("python", "") if isinstance(check, LineMap) else ""), definition.get("feedback", "")]
    for text in texts:
        for name in schema.SLOT_PATTERN.findall(text if isinstance(text, str) else ""):
            if name not in params:
                item.error(line, f"params: slot {{{{{name}}}}} is not declared")
    if not schema.SLOT_PATTERN.search(definition.get("prompt", "")):
        item.error(line_of(q, "prompt"), "prompt: a parameterised question must show its parameters with {{name}}")


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


