"""The statements themselves (xAPI 1.0.3), built from plain values so they can be tested alone.

Who: an account on this site (homePage = the site, name = "user-<id>", or "guest-<digest>" for a guest,
a digest of the browser's token so the token itself never leaves), or, with QUIZAPP_XAPI_IDENTIFY=email,
the person's email address and name. What: "answered" a question (a cmi.interaction activity, its
type's interactionType), "completed" an assessment (its score and the gap report's call per skill).
Every statement of one attempt shares a registration (a UUID derived from the attempt's public id),
which is how an LRS groups a sitting.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

ANSWERED = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
ASSESSMENT_TYPE = "http://adlnet.gov/expapi/activities/assessment"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
VERSION = "1.0.3"
_REGISTRATION_NAMESPACE = uuid.UUID("5b0c7c8e-3f7d-4c52-9c1e-6a2f1f0e8d11")


@dataclass(frozen=True)
class Learner:
    account_name: str            # user-<id> or guest-<digest>
    email: str | None = None     # only when the operator chose to identify learners by email
    display_name: str | None = None


def actor(site: str, learner: Learner) -> dict:
    if learner.email:
        agent = {"objectType": "Agent", "mbox": f"mailto:{learner.email}"}
        if learner.display_name:
            agent["name"] = learner.display_name
        return agent
    return {"objectType": "Agent", "account": {"homePage": site, "name": learner.account_name}}


def registration(public_id: str) -> str:
    return str(uuid.uuid5(_REGISTRATION_NAMESPACE, public_id))


def _timestamp(moment: datetime) -> str:
    return moment.replace(microsecond=(moment.microsecond // 1000) * 1000).isoformat(timespec="milliseconds") + "Z"


def _duration(seconds: float) -> str:
    return f"PT{max(seconds, 0.0):.2f}S"


def _assessment(site: str, assessment_id: str, name: str) -> dict:
    return {"objectType": "Activity", "id": f"{site}assessments/{assessment_id}",
            "definition": {"type": ASSESSMENT_TYPE, "name": {"en-US": name}}}


def answered(site: str, learner: Learner, *, statement_id: str, public_id: str, assessment_id: str,
             assessment_name: str, question_id: str, version: int, interaction: str, skills: list[str],
             credit: float, state: str, response: str, seconds: float | None, at: datetime) -> dict:
    """One scored answer. `credit` is the fraction of the question's marks (0 for "I don't know")."""
    result = {"success": credit >= 1.0, "score": {"scaled": round(credit, 4), "raw": round(credit, 4), "min": 0,
                                                   "max": 1},
              "response": response[:1000], "extensions": {f"{site}xapi/state": state}}
    if seconds is not None:
        result["duration"] = _duration(seconds)
    return {
        "id": statement_id, "version": VERSION, "timestamp": _timestamp(at), "actor": actor(site, learner),
        "verb": ANSWERED,
        "object": {"objectType": "Activity", "id": f"{site}questions/{question_id}",
                   "definition": {"type": INTERACTION_TYPE, "interactionType": interaction,
                                  "name": {"en-US": question_id}}},
        "result": result,
        "context": {"registration": registration(public_id),
                    "contextActivities": {"parent": [_assessment(site, assessment_id, assessment_name)]},
                    "extensions": {f"{site}xapi/skills": skills, f"{site}xapi/question-version": version}},
    }


def completed(site: str, learner: Learner, *, statement_id: str, public_id: str, assessment_id: str,
              assessment_name: str, raw: float, maximum: int, seconds: float, skills: list[dict],
              at: datetime) -> dict:
    """One submitted attempt: its score (the sum of credit over its questions) and, per skill, the gap
    report's call against the target role (`skills`: skill, status, p_gap, target)."""
    scaled = round(raw / maximum, 4) if maximum else 0.0
    return {
        "id": statement_id, "version": VERSION, "timestamp": _timestamp(at), "actor": actor(site, learner),
        "verb": COMPLETED,
        "object": _assessment(site, assessment_id, assessment_name),
        "result": {"completion": True, "duration": _duration(seconds),
                   "score": {"raw": round(raw, 4), "min": 0, "max": maximum, "scaled": scaled},
                   "extensions": {f"{site}xapi/skills": skills}},
        "context": {"registration": registration(public_id)},
    }
