"""Assignment and Grade Services: the score of a launched attempt, sent to the platform's line item.

Which score: the share of the attempt's questions answered correctly, partial credit counted as the
question types grade it (scoreGiven = the sum of the items' credit, scoreMaximum = the number of questions;
an unanswered question is 0). It is what the learner did in this sitting, and the same number for every
learner given the same answers.

The gap report is not a grade and is never sent: its skill estimates are probabilities of a gap against a
role's target, they fold in earlier sittings, and they change when items are recalibrated. A course grade
must not move when someone else's answers recalibrate an item.

Sending happens after the response (the submit page does not wait for the platform): submit writes a
`pending` row in the same request and the send runs when the response has been sent; a send that fails is
kept as `failed` and `quizapp lti send-scores` retries it."""
from __future__ import annotations

import logging

from flask import after_this_request, current_app, has_request_context
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select

from ..extensions import db
from ..models import Attempt, AttemptItem, utcnow
from .models import LtiGrade, LtiPlatform
from .tool import http_session, registration_for

log = logging.getLogger(__name__)
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


def score_of(attempt_id: int) -> tuple[float, float]:
    """(sum of credit, number of questions) of the attempt."""
    credits = db.session.scalars(select(AttemptItem.credit).where(AttemptItem.attempt_id == attempt_id)).all()
    return float(sum(c or 0.0 for c in credits)), float(len(credits))


def on_submitted(attempt: Attempt) -> None:
    """attempt_submitted's receiver: owe the platform a score for a launched attempt, and send it after
    the response (or now, outside a request: `quizapp attempts close-expired`). The attempt is submitted
    already: nothing here may turn its submit into an error page."""
    try:
        _owe_score(attempt)
    except Exception:
        db.session.rollback()
        log.exception("LTI score for attempt %s not recorded", attempt.id)


def _owe_score(attempt: Attempt) -> None:
    row = db.session.get(LtiGrade, attempt.id)
    if row is None:
        return
    if not row.resource_link.lineitem_url or SCORE_SCOPE not in (row.resource_link.ags_scopes or []):
        row.status = "no_line_item"  # the platform offered no gradebook column for this placement
        db.session.commit()
        return
    row.score_given, row.score_maximum = score_of(attempt.id)
    row.status = "pending"
    db.session.commit()
    attempt_id = attempt.id
    if not has_request_context():
        send_score(attempt_id)
        return
    app = current_app._get_current_object()

    @after_this_request
    def send_when_done(response):
        def send():
            with app.app_context():
                send_score(attempt_id)
        response.call_on_close(send)
        return response


def send_score(attempt_id: int) -> bool:
    """POST the stored score to the line item's /scores; True when the platform accepted it."""
    row = db.session.get(LtiGrade, attempt_id)
    if row is None or row.status not in ("pending", "failed"):
        return False
    link = row.resource_link
    platform = db.session.get(LtiPlatform, link.platform_id)
    row.tries += 1
    try:
        connector = ServiceConnector(registration_for(platform),
                                     requests_session=http_session())
        ags = AssignmentsGradesService(connector, {"lineitem": link.lineitem_url, "scope": link.ags_scopes})
        grade = (Grade().set_score_given(row.score_given).set_score_maximum(row.score_maximum)
                 .set_timestamp(utcnow().isoformat(timespec="seconds") + "Z")
                 .set_activity_progress("Completed").set_grading_progress("FullyGraded")
                 .set_user_id(row.subject))
        ags.put_grade(grade)
    except Exception as error:  # the platform or the network: kept for `quizapp lti send-scores`
        log.warning("LTI score for attempt %s not sent: %s", attempt_id, error)
        row.status, row.error = "failed", str(error)[:1000]
        db.session.commit()
        return False
    row.status, row.error, row.sent_at = "sent", None, utcnow()
    db.session.commit()
    return True


def send_owed_scores() -> tuple[int, int]:
    """Retry every pending or failed score: (sent, still failing)."""
    ids = db.session.scalars(select(LtiGrade.attempt_id).where(LtiGrade.status.in_(("pending", "failed")))).all()
    sent = sum(send_score(i) for i in ids)
    return sent, len(ids) - sent
