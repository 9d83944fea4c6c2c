"""A world full of hostile content: question text, a display name, a cohort name, a problem note.

Used by test_untrusted_content.py (HTML parsing) and test_untrusted_browser.py (Chromium).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Cohort
from tests.conftest import csrf_token
from tests.security.conftest import (
    PASSWORD,
    add_user,
    app_with_bank,
    copy_fixture_bank,
    current_versions,
    insert_attempt,
    login,
    new_client,
)

# The four payloads the issue names, then variants that have beaten sanitisers before.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "[y](JaVaScRiPt:alert(1))",
    "[z](&#106;avascript:alert(1))",
    '<a href="javascript:alert(1)">a</a>',
    '![i](x" onerror="alert(1))',
    "[w](  javascript:alert(1))",
]
INLINE = PAYLOADS
BLOCK = "\n\n".join(PAYLOADS + [
    "$\\href{javascript:alert(1)}{m}$",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<math><a xlink:href=\"javascript:alert(1)\">m</a></math>",
    '```"><img src=x onerror=alert(1)>\nprint(1)\n```',
    "<details open ontoggle=alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
])
NAME = "<script>alert(1)</script><img src=x onerror=alert(1)><svg onload=alert(1)>"[:80]
COHORT = " ".join(PAYLOADS[:4])[:120]
NOTE = BLOCK[:2000]


def question_file() -> bytes:
    def choices(n, correct):
        return [{"text": INLINE[i], "correct": i in correct, **({} if i in correct else {"feedback": INLINE[-1 - i]})}
                for i in range(n)]

    common = {"difficulty": 2, "prompt": BLOCK, "explanation": BLOCK, "references": ["https://example.org/x"]}
    questions = [
        {"id": "x-single", "type": "single", **common, "choices": choices(8, {0})},
        {"id": "x-multiple", "type": "multiple", **common, "choices": choices(10, {0, 1})},
        {"id": "x-numeric", "type": "numeric", **common, "answer": 1, "unit": PAYLOADS[0], "feedback": BLOCK},
        {"id": "x-short", "type": "short", **common, "answers": [PAYLOADS[0], PAYLOADS[1]], "feedback": BLOCK},
        {"id": "x-true-false", "type": "true_false", **common, "answer": True, "feedback": BLOCK},
    ]
    return yaml.dump({"skill": "t.basics", "questions": questions}, Dumper=_NoAliases, sort_keys=False,
                     allow_unicode=True).encode("utf-8")


class _NoAliases(yaml.SafeDumper):
    """Question files may not use anchors and aliases, so never write them for shared values."""

    def ignore_aliases(self, data):
        return True


WRONG = {"single": "1", "multiple": ["2", "3"], "numeric": "2", "short": "nope", "true_false": "false"}


@dataclass
class Untrusted:
    app: object
    learner: object
    teacher: object
    pages: dict = field(default_factory=dict)  # label -> url, fetched by the learner or the teacher


def _post_form(client, url: str, data: dict, **kwargs):
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs)


def build_untrusted(tmp_path: Path, database_uri: str | None = None) -> Untrusted:
    bank = copy_fixture_bank(tmp_path)
    (bank / "topics" / "xss.yaml").write_bytes(question_file())
    overrides = {"SQLALCHEMY_DATABASE_URI": database_uri} if database_uri else {}
    app = app_with_bank(tmp_path, bank, **overrides)
    with app.app_context():
        add_user("teach@example.org", "instructor", NAME)
        db.session.commit()

    learner = new_client(app)
    response = _post_form(learner, "/auth/register", {"email": "x@example.org", "display_name": NAME,
                                                       "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302, response.text
    teacher = login(app, "teach@example.org")
    world = Untrusted(app, learner, teacher)

    response = _post_form(teacher, "/instructor/cohorts", {"name": COHORT})
    assert response.status_code == 303
    cohort_url = response.headers["Location"]
    with app.app_context():
        code = db.session.scalar(select(Cohort.join_code))
        versions = current_versions()
        xss = [versions[q] for q in ("x-single", "x-multiple", "x-numeric", "x-short", "x-true-false")]
        user_id = db.session.execute(db.text("select id from user where email='x@example.org'")).scalar()
        assessment = insert_attempt(user_id, xss, "everything", "tester", mode="assessment")
        submitted = insert_attempt(user_id, xss, "everything", "tester", mode="assessment")
        practice = insert_attempt(user_id, xss, "everything", "tester", mode="practice")
        types = [v.definition["type"] for v in xss]
    assert _post_form(learner, "/cohorts/join", {"code": code}).status_code == 303
    world.pages["home with the join message"] = ("learner", "/")

    for position, qtype in enumerate(types, start=1):
        world.pages[f"question {qtype}"] = ("learner", f"/attempt/{assessment}/q/{position}")
        for public_id in (assessment, submitted):
            url = f"/attempt/{public_id}/q/{position}"
            assert _post_form(learner, url, {"answer": WRONG[qtype], "action": "save"}).status_code == 303
        url = f"/attempt/{practice}/q/{position}"
        assert _post_form(learner, url, {"answer": WRONG[qtype], "action": "check"}).status_code == 303
        world.pages[f"practice feedback {qtype}"] = ("learner", url)
    world.pages["overview"] = ("learner", f"/attempt/{assessment}/overview")
    world.pages["submit"] = ("learner", f"/attempt/{assessment}/submit")
    assert _post_form(learner, f"/attempt/{submitted}/submit", {}).status_code in (302, 303)
    world.pages["report with review"] = ("learner", f"/report/{submitted}")
    world.pages["history"] = ("learner", "/history")
    report = learner.get(f"/report/{submitted}").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', report).group(1)
    response = learner.post(f"/attempt/{submitted}/q/1/problem",
                            data={"csrf_token": token, "p1-reason": "other", "p1-note": NOTE})
    assert response.status_code == 303

    response = _post_form(teacher, "/instructor/upload", {"files": [(io.BytesIO(question_file()), "xss.yaml")]},
                          content_type="multipart/form-data")
    assert response.status_code == 303, response.text
    world.pages["instructor upload review"] = ("teacher", response.headers["Location"])
    world.pages["instructor dashboard"] = ("teacher", "/instructor/")
    world.pages["instructor cohorts"] = ("teacher", "/instructor/cohorts")
    world.pages["instructor cohort"] = ("teacher", cohort_url)
    world.pages["instructor problem reports"] = ("teacher", "/instructor/reports")
    world.pages["instructor item statistics"] = ("teacher", "/instructor/stats")
    return world
