"""The JSON Schema comes from the loader's schema and agrees with it on the real bank."""
import json

import jsonschema
import pytest
import yaml

from quizapp.bank.jsonschema import file_schema
from quizapp.bank.loader import question_files
from quizapp.config import PROJECT_ROOT

QUESTIONS = PROJECT_ROOT / "questions"


def as_json(path):
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def test_committed_schema_is_current():
    committed = json.loads((QUESTIONS / "question-file.schema.json").read_text())
    assert committed == file_schema(), "run: quizapp bank schema -o questions/question-file.schema.json"


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(file_schema())


@pytest.mark.parametrize("path", question_files(QUESTIONS), ids=lambda p: str(p.relative_to(QUESTIONS)))
def test_every_real_question_file_matches(path):
    jsonschema.validate(as_json(path), file_schema())


@pytest.mark.parametrize("change", [
    lambda q: q.update(colour="red"),
    lambda q: q.update(difficulty=9),
    lambda q: q.pop("explanation"),
    lambda q: q.update(references=["not a url"]),
], ids=["unknown key", "difficulty", "no explanation", "reference"])
def test_schema_rejects_what_the_loader_rejects(change):
    doc = {"skill": "t.basics", "questions": [{
        "id": "q", "type": "single", "difficulty": 2, "prompt": "P", "explanation": "E",
        "references": ["https://example.org"], "choices": [{"text": "a", "correct": True}, {"text": "b", "feedback": "f"}]}]}
    jsonschema.validate(doc, file_schema())
    change(doc["questions"][0])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, file_schema())
