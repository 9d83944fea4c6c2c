"""The shipped questions/ folder: valid, importable, and above issue 3's content floors."""
import json
from pathlib import Path

import pytest

from quizapp.bank.loader import load_bank
from quizapp.config import PROJECT_ROOT
from tests.conftest import make_app

QUESTIONS = PROJECT_ROOT / "questions"


@pytest.fixture(scope="module")
def bank():
    return load_bank(QUESTIONS)


def test_bank_is_valid(bank):
    assert bank.ok, "\n".join(map(str, bank.issues))


def test_content_floors_from_stats_json(tmp_path):
    app = make_app(tmp_path, QUESTIONS)
    result = app.test_cli_runner().invoke(args=["bank", "stats", "--json"])
    stats = json.loads(result.output)
    assert stats["questions"] >= 120
    assert stats["skills"] >= 20
    assert stats["courses"] >= 30
    for area in ("math", "python", "algorithms", "frameworks"):
        assert stats["per_area"][area] >= 25, area
    assert all(count >= 4 for count in stats["per_skill"].values()), stats["per_skill"]
    assert all(stats["per_difficulty"][str(d)] > 0 for d in range(1, 6))
    assert set(stats["per_type"]) == {"single", "multiple", "true_false", "numeric", "short"}


def test_every_question_explains_and_cites(bank):
    for q in bank.questions:
        assert q.definition["explanation"].strip(), q.id
        assert q.definition["references"], q.id


def test_every_wrong_choice_names_its_misconception(bank):
    missing = [q.id for q in bank.questions for c in q.definition.get("choices", [])
               if not c["correct"] and not c.get("feedback")]
    assert missing == []


def test_roles_and_assessments(bank):
    roles = {r["id"]: r for r in bank.roles}
    entry = roles["ml-engineer-entry"]
    core = [s["id"] for s in bank.skills if s["area"] in ("math", "python", "algorithms", "frameworks")]
    assert set(core) <= set(entry["targets"])
    names = {a["name"] for a in bank.assessments}
    assert "ML engineer readiness" in names
    for area in ("math", "python", "algorithms", "frameworks"):
        assert any(a["skills"] and all(s.startswith(area + ".") for s in a["skills"]) for a in bank.assessments), area


def test_every_skill_has_courses(bank):
    covered = {s for c in bank.courses for s in c["skills"]}
    assert {s["id"] for s in bank.skills} <= covered
    for c in bank.courses:
        assert c["url"].startswith("https://") or c["url"].startswith("http://"), c["id"]
