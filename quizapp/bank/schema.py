"""The question-file and catalogue schema: one source of truth for the loader (and docs).

Keys are listed per kind of mapping; anything not listed is an error, so typos never pass.
"""
import re

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
SKILL_ID_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CATALOGUE_FILES = {"skills.yaml", "roles.yaml", "courses.yaml", "assessments.yaml", "projects.yaml"}

QUESTION_FILE_KEYS = {"skill", "questions"}
QUESTION_COMMON_REQUIRED = {"id", "type", "difficulty", "prompt", "explanation", "references"}
QUESTION_COMMON_OPTIONAL = {"skills", "check", "requires", "reviewed", "params"}

# Each question type adds its own keys (quizapp.questiontypes: required_keys, optional_keys).
CHECK_KEYS = {"python"}
DIFFICULTIES = (1, 2, 3, 4, 5)

# Parameterised questions (the types with a parameterised_key): keys computed by `check` for every combination.
PARAM_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,30}$")
SLOT_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_PARAM_COMBINATIONS = 200

AREAS = ("math", "python", "algorithms", "frameworks", "specialist")
SKILL_KEYS_REQUIRED = {"id", "name", "area"}
SKILL_KEYS_OPTIONAL = {"prerequisites", "description"}

ROLE_KEYS_REQUIRED = {"id", "name", "targets"}
ROLE_KEYS_OPTIONAL = {"description"}
TARGET_KEYS_REQUIRED = {"level"}
TARGET_KEYS_OPTIONAL = {"weight", "mastery_p"}

COURSE_LEVELS = ("beginner", "intermediate", "advanced")
COURSE_COSTS = ("free", "free-audit", "paid")  # free-audit: the material is free, the certificate paid
COURSE_FORMATS = ("course", "book", "video", "tutorial", "documentation", "practice")
COURSE_KEYS_REQUIRED = {"id", "title", "provider", "url", "skills", "level", "hours", "cost"}
COURSE_KEYS_OPTIONAL = {"format", "description"}

PROJECT_KEYS_REQUIRED = {"id", "title", "description", "skills", "level", "hours"}
PROJECT_KEYS_OPTIONAL = {"url"}

ASSESSMENT_MODES = ("assessment", "practice", "adaptive")
ASSESSMENT_KEYS_REQUIRED = {"id", "name", "role", "questions", "mode"}
ASSESSMENT_KEYS_OPTIONAL = {"description", "skills", "areas", "time_limit"}

TOP_LEVEL_KEYS = {
    "skills.yaml": "skills",
    "roles.yaml": "roles",
    "courses.yaml": "courses",
    "assessments.yaml": "assessments",
    "projects.yaml": "projects",
}

# JSON Schema fragments for the keys every question has (what editors use for completion and
# hints); each question type adds those of its own keys (QuestionType.key_schemas).
_TEXT = {"type": "string", "minLength": 1}
_URL = {"type": "string", "pattern": URL_PATTERN.pattern}
QUESTION_KEY_SCHEMAS = {
    "id": {"type": "string", "pattern": ID_PATTERN.pattern, "description": "Unique across all files; never reused."},
    "difficulty": {"type": "integer", "enum": list(DIFFICULTIES), "description": "1 (easy) … 5 (hard)"},
    "skills": {"type": "array", "items": {"type": "string", "pattern": SKILL_ID_PATTERN.pattern}, "minItems": 1},
    "prompt": {**_TEXT, "description": "Markdown; `code`, fenced blocks and $math$ allowed."},
    "explanation": {**_TEXT, "description": "Shown after answering: why the key is right."},
    "references": {"type": "array", "items": _URL, "minItems": 1},
    "check": {"type": "object", "properties": {"python": _TEXT}, "required": ["python"], "additionalProperties": False},
    "requires": {"type": "string", "description": "e.g. \"pandas>=2.0\""},
    "reviewed": {"type": "string", "format": "date"},
    "params": {"type": "object", "additionalProperties": {
        "type": "array", "minItems": 1, "items": {"type": ["string", "number"]}}},
}
