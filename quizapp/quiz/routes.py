"""Taking an attempt: start, one question per page, overview, submit. Views stay thin."""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..attempts.access import get_own_attempt, get_own_item, guest_token
from ..attempts.behaviours import assessment_behaviour, behaviour_of, chosen_behaviour
from ..attempts.lifecycle import (
    MORE_QUESTIONS,
    AnswerFinal,
    AttemptClosed,
    EmptyForm,
    close_expired,
    extend_adaptive,
    load_attempt_items,
    reopen_attempt,
    save_answer,
    shown_stamp,
    shown_time,
    start_attempt,
    submit_attempt,
)
from ..extensions import db
from ..hotpath.attempt_page import NavEntry, QuestionPage, get_own_answer_slot, get_own_page
from ..models import Assessment, AttemptItem, ProblemReport, Role, User, utcnow
from ..questiontypes import DONT_KNOW_RESPONSE, get_question_type, is_dont_know, own_response
from ..questiontypes.review import review_entry
from ..render.markdown import render_markdown
from ..scoring.exceptions import InvalidResponse
from . import bp
from .forms import ACTIONS, CONFIDENCE_CHOICES, ProblemForm, StartForm, SubmitForm, answer_form
from .navigation import question_list

CONFIDENCE_VALUES = frozenset(c.value for c in CONFIDENCE_CHOICES)
ANSWER_IS_FINAL = "This answer is final: its key and explanation were shown to you, so it can no longer change."


def _active_assessment(assessment_id: str) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or not assessment.active:
        abort(404)
    return assessment


def _proposed_role(assessment: Assessment, roles: list[Role]) -> str:
    """The learner's own target role (the account page) if it is still offered, else the assessment's."""
    if current_user.is_authenticated:
        own = db.session.scalar(select(User.default_role_id).where(User.id == current_user.id))
        if any(r.id == own for r in roles):
            return own
    return assessment.role_id


@bp.route("/new/<assessment_id>", methods=["GET", "POST"])
def start(assessment_id):
    assessment = _active_assessment(assessment_id)
    roles = db.session.scalars(select(Role).where(Role.active.is_(True)).order_by(Role.position)).all()
    form = StartForm(role=_proposed_role(assessment, roles), mode=assessment_behaviour(assessment).mode)
    form.role.choices = [SelectChoice(r.id, r.name) for r in roles]
    if form.validate_on_submit():
        role = db.session.get(Role, form.role.data)
        try:
            attempt = start_attempt(assessment, role, chosen_behaviour(assessment, form.mode.data),
                                    current_user.id if current_user.is_authenticated else None,
                                    guest_token(create=True))
        except EmptyForm:
            abort(409, "This assessment has no questions yet. An instructor must run `quizapp bank import`.")
        return redirect(url_for("quiz.question", public_id=attempt.public_id, position=1), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("quiz/start.html", assessment=assessment, form=form,
                           behaviour=assessment_behaviour(assessment)), status


def _time_is_up(attempt) -> bool:
    """Submit an attempt whose deadline passed (answers saved so far count); True if that happened."""
    if not attempt.expired:
        return False
    close_expired([attempt])
    flash("Time is up: your attempt was submitted with every answer you had saved.")
    return True


@bp.route("/<public_id>")
def resume(public_id):
    attempt = get_own_attempt(public_id)
    if _time_is_up(attempt) or attempt.submitted:
        return redirect(url_for("reports.report", public_id=public_id))
    return redirect(url_for("quiz.question", public_id=public_id, position=attempt.last_position))


def _navigation(attempt_id: int) -> list[NavEntry]:
    """Answered / flagged state of every slot, for the overview and the submit page."""
    rows = db.session.execute(select(AttemptItem.position, AttemptItem.state, AttemptItem.flagged)
                              .where(AttemptItem.attempt_id == attempt_id).order_by(AttemptItem.position))
    return [NavEntry(p, s != "unanswered", f) for p, s, f in rows]


def _locked(attempt, slot) -> bool:
    """An answer whose key was shown is final (practice feedback, or the report before "3 more questions");
    so is an adaptive answer once the next question was chosen from it."""
    return slot.final or (slot.checked and behaviour_of(attempt).checked_answers_are_final)


@bp.route("/<public_id>/q/<int:position>", methods=["GET", "POST"])
def question(public_id, position):
    if request.method == "GET":
        return _show_question(public_id, position)
    return _answer_question(public_id, position)


def _show_question(public_id: str, position: int):
    page = get_own_page(public_id, position)  # one read: no transaction, no ORM objects (hotpath/attempt_page.py)
    if page.attempt.expired:
        _time_is_up(get_own_attempt(public_id))
    elif not page.attempt.submitted:
        slot = page.slot
        qtype = get_question_type(slot.definition["type"])
        return _question_page(page, qtype, _locked(page.attempt, slot),
                              qtype.refill(own_response(slot.response), slot.choice_order), flagged=slot.flagged,
                              confidence=slot.confidence, dont_know=is_dont_know(slot.response))
    return redirect(url_for("reports.report", public_id=public_id, _anchor=f"q{position}"))


def _answer_question(public_id: str, position: int):
    page = get_own_answer_slot(public_id, position)  # plain values; one UPDATE below (attempts.save_answer)
    attempt, slot = page.attempt, page.slot
    if attempt.expired:
        _time_is_up(get_own_attempt(public_id))
        if request.form.get("action") == "save":  # quiz.js's autosave: no page to show; it says "not saved"
            return render_template("quiz/closed.html", attempt=attempt, time_up=True), 409
        flash("This answer arrived after the time limit, so it was not saved.")
        return redirect(url_for("reports.report", public_id=public_id), 303)  # the report at its own URL
    if attempt.submitted:
        return render_template("quiz/closed.html", attempt=attempt), 409

    definition = slot.definition
    qtype = get_question_type(definition["type"])
    locked = _locked(attempt, slot)
    form = answer_form(qtype)
    action = request.form.get("action", "next")
    if action not in ACTIONS:
        abort(400, "That button does not exist on this page.")
    if form.validate_on_submit():
        if form.token.data and form.token.data == slot.last_token:
            return redirect(_after(page, action), 303)  # already applied
        try:
            response = _posted_response(form, qtype, slot, locked)
            if action == "check" and response is None and not slot.final:
                raise InvalidResponse("Choose or enter an answer before checking it.")
            # An adaptive "next" from the last slot is final: the next question is chosen from it.
            moving_on = action == "next" and behaviour_of(attempt).extends_on_next(position, page.slots)
            save_answer(attempt, slot, response, bool(form.flagged.data), token=(form.token.data or "")[:64] or None,
                        check=action == "check" or moving_on, shown_at=shown_time(form.shown_at.data, slot.id),
                        confidence=form.confidence.data)
            if moving_on and extend_adaptive(get_own_attempt(public_id)):
                return redirect(url_for("quiz.question", public_id=public_id, position=position + 1), 303)
        except InvalidResponse as exc:
            if slot.final:
                return _answer_is_final(public_id, position, qtype)
            form.answer.errors = [str(exc)]
        except AnswerFinal:
            return _answer_is_final(public_id, position, qtype)
        except AttemptClosed:
            return render_template("quiz/closed.html", attempt=attempt), 409
        else:
            return redirect(_after(page, action), 303)
    errors = [e for field in form for e in field.errors]
    page = get_own_page(public_id, position)  # with its question list; nothing was written, so as saved
    return _question_page(page, qtype, locked, form.answer.data, flagged=form.flagged.data,
                          confidence=form.confidence.data, dont_know=bool(form.dont_know.data), answer_errors=form.answer.errors,
                          confidence_errors=form.confidence.errors, error_summary=errors, status=400)


def _posted_response(form, qtype, slot, locked: bool) -> dict | None:
    """The response an answer post carries. "I don't know" ticked is the response, whatever else was
    posted with it: without scripts a chosen radio cannot be unticked, so the tick is how a learner
    switches from an answer to "I don't know" (quiz.js clears the answer when it is ticked). A locked
    slot that is not final keeps its saved response; a final slot's posted answer (if any) is parsed
    so that save_answer can refuse a change to it."""
    if locked and not slot.final:
        return slot.response
    if form.dont_know.data:
        return DONT_KNOW_RESPONSE
    return qtype.parse(form.answer.data, slot.definition, slot.choice_order)


def _answer_is_final(public_id: str, position: int, qtype):
    """409: the post would change an answer whose key was shown. The page, as saved, says so."""
    page = get_own_page(public_id, position)
    slot = page.slot
    return _question_page(page, qtype, True, qtype.refill(own_response(slot.response), slot.choice_order),
                          flagged=slot.flagged, confidence=slot.confidence, dont_know=is_dont_know(slot.response),
                          answer_errors=[ANSWER_IS_FINAL], error_summary=[ANSWER_IS_FINAL], status=409)


def _question_page(page: QuestionPage, qtype, locked: bool, answer_data, *, flagged, confidence, dont_know: bool,
                   answer_errors=(), confidence_errors=(), error_summary=(), status=200):
    """The question page, from plain values: what was saved (GET) or what was posted (a 400);
    `dont_know`: "I don't know" is ticked."""
    attempt, slot = page.attempt, page.slot
    definition = slot.definition
    behaviour = behaviour_of(attempt)
    review = (review_entry(get_own_item(attempt.public_id, slot.position))
              if locked and behaviour.shows_key_on_check else None)
    return _timed_page(
        "quiz/question.html", attempt, status, behaviour=behaviour, item=slot, qtype=qtype,
        answer=qtype.view(definition, slot.choice_order, answer_data, answer_errors),
        # confidence keys a cached fragment (render/fragments.py): an unknown posted value checks no radio, so None
        flagged=flagged, dont_know=dont_know, confidence=confidence if confidence in CONFIDENCE_VALUES else None,
        confidence_errors=list(confidence_errors),
        error_summary=list(error_summary), shown_at=shown_stamp(slot.id), token=secrets.token_urlsafe(16),
        prompt_html=render_markdown(definition["prompt"]), question_list=question_list(page.nav, slot.position),
        answered=page.answered, review=review, locked=locked, unit=definition.get("unit"), total=page.slots)


def _timed_page(template: str, attempt, status: int = 200, **context):
    """A page of an attempt in progress, with its countdown if it is timed (quiz/_timer.html)."""
    timer = _countdown(attempt)
    response = make_response(render_template(template, attempt=attempt, timer=timer, **context), status)
    if timer:  # a copy from the browser's cache (the back button) would count down from a time long gone
        response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class Countdown:
    """A timed attempt's countdown on its question, overview and submit pages, and where they go at the limit."""
    text: str             # what is left as the page is made, "12 min 05 s"
    left_ms: int          # quiz.js counts down from this, not from the device's clock, which may be wrong
    refresh_seconds: int  # without JavaScript the page leaves just after the limit (a meta refresh)
    expire_url: str       # quiz.resume: submits the expired attempt and redirects to the report's own URL


def _countdown(attempt) -> Countdown | None:
    if attempt.deadline is None:
        return None
    left_ms = max(0, (attempt.deadline - utcnow()) // timedelta(milliseconds=1))
    seconds = left_ms // 1000
    return Countdown(f"{seconds // 60} min {seconds % 60:02d} s", left_ms, -(-left_ms // 1000) + 1,
                     url_for("quiz.resume", public_id=attempt.public_id))


@bp.route("/<public_id>/q/<int:position>/problem", methods=["POST"])
def report_problem(public_id, position):
    item = get_own_item(public_id, position)
    attempt = item.attempt
    form = ProblemForm(prefix=f"p{position}")
    if not form.validate_on_submit():
        reasons = "; ".join(e for errors in form.errors.values() for e in errors)
        abort(400, f"The report was not sent: {reasons}")
    db.session.add(ProblemReport(version_id=item.version_id, reason=form.reason.data, note=form.note.data,
                                 user_id=current_user.id if current_user.is_authenticated else None))
    db.session.commit()
    flash("Thank you: your report is in the instructors' queue.")
    target = (url_for("reports.review", public_id=public_id, _anchor=f"q{position}") if attempt.submitted
              else url_for("quiz.question", public_id=public_id, position=position))
    return redirect(target, 303)


def _after(page: QuestionPage, action: str) -> str:
    """Where a saved answer goes next: the button's target, within the attempt's slots."""
    public_id, position = page.attempt.public_id, page.slot.position
    if action == "prev" and position > 1:
        return url_for("quiz.question", public_id=public_id, position=position - 1)
    if action == "next" and position < page.slots:  # an adaptive test may stop before its length limit
        return url_for("quiz.question", public_id=public_id, position=position + 1)
    if action in ("check", "save", "prev"):
        return url_for("quiz.question", public_id=public_id, position=position, _anchor="feedback"
                       if action == "check" else None)
    return url_for("quiz.overview", public_id=public_id)


@bp.route("/<public_id>/overview")
def overview(public_id):
    attempt = get_own_attempt(public_id)
    if _time_is_up(attempt) or attempt.submitted:
        return redirect(url_for("reports.report", public_id=public_id))
    nav = _navigation(attempt.id)
    return _timed_page("quiz/overview.html", attempt, nav=nav, form=SubmitForm(),
                       unanswered=sum(not n.answered for n in nav), flagged=sum(n.flagged for n in nav))


@bp.route("/<public_id>/submit", methods=["GET", "POST"])
def submit(public_id):
    attempt = get_own_attempt(public_id)
    if _time_is_up(attempt):
        return redirect(url_for("reports.report", public_id=public_id), 303)
    if attempt.submitted:
        flash("This attempt was already submitted; here is its report.")
        return redirect(url_for("reports.report", public_id=public_id), 303)
    form = SubmitForm()
    if request.method == "POST" and form.validate_on_submit():
        load_attempt_items(attempt)  # one query for every item and version before scoring
        if not submit_attempt(attempt):
            flash("This attempt was already submitted; here is its report.")
        return redirect(url_for("reports.report", public_id=public_id), 303)
    nav = _navigation(attempt.id)
    return _timed_page("quiz/submit.html", attempt, form=form,
                       unanswered=sum(not n.answered for n in nav), flagged=sum(n.flagged for n in nav))


@bp.route("/<public_id>/more/<skill_id>", methods=["POST"])
def more_questions(public_id, skill_id):
    """"3 more questions on X": continue the same adaptive attempt on one not-sure skill."""
    attempt = get_own_attempt(public_id)
    if not behaviour_of(attempt).chooses_next_question or skill_id not in attempt.assessment.skills:
        abort(404)
    if not SubmitForm().validate_on_submit():
        abort(400, "The form expired; reload the report and try again.")
    load_attempt_items(attempt)
    reopen_attempt(attempt)
    attempt.focus_skill, attempt.focus_remaining = skill_id, MORE_QUESTIONS
    before = len(attempt.items)
    if not extend_adaptive(attempt):
        flash("There are no more unseen questions on that skill.")
        return redirect(url_for("quiz.overview", public_id=public_id), 303)
    return redirect(url_for("quiz.question", public_id=public_id, position=before + 1), 303)
