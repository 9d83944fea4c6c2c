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

# Per type: (required keys, optional keys) beyond the common ones.
TYPE_KEYS = {
    "single": ({"choices"}, set()),
    "multiple": ({"choices"}, set()),
    "true_false": ({"answer"}, {"feedback"}),
    "numeric": ({"answer"}, {"tolerance", "unit", "feedback"}),
    "short": (set(), {"answers", "pattern", "case_sensitive", "feedback"}),
}
CHOICE_LIMITS = {"single": (2, 8), "multiple": (3, 10)}
CHOICE_KEYS_REQUIRED = {"text"}
CHOICE_KEYS_OPTIONAL = {"correct", "feedback"}
CHECK_KEYS = {"python"}
DIFFICULTIES = (1, 2, 3, 4, 5)

# Parameterised questions: free-entry only, keys computed by `check` for every combination.
PARAM_TYPES = ("numeric", "short")
PARAM_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,30}$")
PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_PARAM_COMBINATIONS = 200

AREAS = ("math", "python", "algorithms", "frameworks", "specialist")
SKILL_KEYS_REQUIRED = {"id", "name", "area"}
SKILL_KEYS_OPTIONAL = {"prerequisites", "description"}

ROLE_KEYS_REQUIRED = {"id", "name", "targets"}
ROLE_KEYS_OPTIONAL = {"description"}
TARGET_KEYS_REQUIRED = {"level"}
TARGET_KEYS_OPTIONAL = {"weight", "mastery_p"}

COURSE_LEVELS = ("beginner", "intermediate", "advanced")
COURSE_COSTS = ("free", "paid")
COURSE_FORMATS = ("course", "book", "video", "tutorial", "documentation", "practice")
COURSE_KEYS_REQUIRED = {"id", "title", "provider", "url", "skills", "level", "hours", "cost"}
COURSE_KEYS_OPTIONAL = {"format", "description"}

PROJECT_KEYS_REQUIRED = {"id", "title", "description", "skills", "level", "hours"}
PROJECT_KEYS_OPTIONAL = {"url"}

ASSESSMENT_MODES = ("assessment", "practice")
ASSESSMENT_KEYS_REQUIRED = {"id", "name", "role", "questions", "mode"}
ASSESSMENT_KEYS_OPTIONAL = {"description", "skills", "areas"}

TOP_LEVEL_KEYS = {
    "skills.yaml": "skills",
    "roles.yaml": "roles",
    "courses.yaml": "courses",
    "assessments.yaml": "assessments",
    "projects.yaml": "projects",
}
