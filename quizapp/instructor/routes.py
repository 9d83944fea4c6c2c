"""Instructor pages: the bank, uploads with preview and publish, statistics, reports, cohorts.

Every route here is for instructors and admins only: the check runs before any view, so a
new route cannot forget it.
"""
from pathlib import Path
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..attempts.cohorts import new_join_code
from ..bank import frozen, provenance
from ..bank.loader import load_bank, question_files
from ..bank.stats import bank_stats
from ..bank.sync import sync_bank
from ..bank.uploads import (
    Staging,
    UploadError,
    check_upload,
    restore,
    review_data,
    review_issues,
    skill_areas,
    unpack,
    validate_staged,
    write_files,
)
from ..extensions import db
from ..models import Cohort, ProblemReport, QuestionVersion, utcnow
from ..questiontypes import get_question_type
from ..questiontypes.review import question_review
from ..render.markdown import render_markdown
from ..web.ids import parse_id
from . import bp
from .cohorts import EXPORT_COLUMNS, GRID_CALLS, GRID_SORTS, cohort_heatmap, cohort_responses, grid_page, grid_skills
from .data import REPLY_MAX, report_page
from .forms import CohortForm, PublishForm, ResolveForm, UploadForm
from .statistics import (
    MIN_RESPONSES,
    REPORTS_SHOWN,
    SORT_COLUMNS,
    all_stat_rows,
    current_statistics,
    question_detail,
    stats_page,
)


@bp.before_request
def instructors_only():
    if not current_user.is_authenticated or not current_user.is_instructor:
        abort(403)


def _root() -> Path:
    return Path(current_app.config["QUESTIONS_DIR"])


def _staging() -> Staging:
    return Staging(Path(current_app.instance_path) / "uploads")


@bp.route("/")
def dashboard():
    root = _root()
    bank = load_bank(root)
    files = [str(p.relative_to(root)) for p in question_files(root)]
    return render_template("instructor/dashboard.html", stats=bank_stats(bank), issues=bank.issues, files=files)


@bp.route("/bank/<path:relpath>")
def download(relpath):
    root = _root()
    allowed = {str(p.relative_to(root)): p for p in question_files(root)}
    allowed.update({name: root / name for name in ("skills.yaml", "roles.yaml", "courses.yaml", "assessments.yaml",
                                                   "projects.yaml") if (root / name).exists()})
    path = allowed.get(relpath)
    if path is None:
        abort(404)
    response = current_app.response_class(path.read_bytes(), mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{Path(relpath).name}"'
    return response


@bp.route("/upload", methods=["GET", "POST"])
def upload():
    form = UploadForm()
    status = 200
    if form.validate_on_submit():
        try:
            files = []
            for storage in request.files.getlist(form.files.name):
                if storage.filename:
                    files.extend(unpack(storage.filename, storage.read()))
            if not files:
                raise UploadError("Choose at least one file.")
            staging = _staging()
            token = staging.create(current_user.id, check_upload(files), _root(), skill_areas(_root()))
            _store_review(staging, token)
        except UploadError as exc:
            form.files.errors = [str(exc)]
        else:
            return redirect(url_for("instructor.review_upload", token=token), 303)
    if request.method == "POST":
        status = 400
    return render_template("instructor/upload.html", form=form,
                           limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)), status


# The review page shows the first questions of an upload as learners will see them; rendering is
# the costly part (Markdown, highlighting), so a large upload shows this many and says so.
MAX_PREVIEW = 100


def _preview(bank, staged):
    targets = {"questions/" + f.target for f in staged}
    entries = []
    for q in bank.questions:
        if q.path not in targets:
            continue
        if len(entries) == MAX_PREVIEW:
            break
        qtype = get_question_type(q.qtype)
        entries.append({"question": q, "answer": qtype.view(q.definition, None, None), "qtype": qtype,
                        "prompt_html": render_markdown(q.definition["prompt"]),
                        "review": question_review(q.definition, question_id=q.id)})
    return entries


def _store_review(staging: Staging, token: str) -> dict:
    """Validate an upload and render its preview once, when it is staged; views only read the result."""
    staged = staging.load(token, current_user.id)
    bank = validate_staged(_root(), staged)
    preview = _preview(bank, staged) if not bank.issues else []
    html = render_template("instructor/_upload_preview.html", preview=preview) if preview else ""
    review = review_data(bank, html, len(preview))
    staging.save_review(token, review)
    return review


@bp.route("/upload/<token>")
def review_upload(token):
    staging = _staging()
    staged = staging.load(token, current_user.id)
    if staged is None:
        abort(404)
    review = staging.load_review(token) or _store_review(staging, token)
    return render_template("instructor/review_upload.html", token=token, staged=staged, issues=review_issues(review),
                           questions=review["questions"], previewed=review["previewed"],
                           # Rendered by our own autoescaping template at upload and kept in the server's staging
                           # folder, which no request can write to: it is our HTML, not the uploader's.
                           preview_html=Markup(review["preview_html"]), form=PublishForm())  # nosec B704


@bp.route("/upload/<token>/publish", methods=["POST"])
def publish(token):
    staging = _staging()
    staged = staging.load(token, current_user.id)
    if staged is None:
        abort(404)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400, "The form expired; reload the page.")
    root = _root()
    bank = validate_staged(root, staged)  # again: the bank may have changed since the upload was reviewed
    if bank.issues:
        staging.save_review(token, review_data(bank, "", 0))
        return render_template("instructor/review_upload.html", token=token, staged=staged, issues=bank.issues,
                               questions=0, previewed=0, preview_html="", form=form), 400
    previous = write_files(root, staged)
    try:
        # No check code runs in a web request: parameterised keys come from the frozen file only.
        report = sync_bank(db.session, load_bank(root), frozen.lookup(root))
        provenance.record(root, [q.id for q in bank.questions], current_user.id)  # the staged files' questions
        db.session.commit()
    except frozen.KeysNotFrozen as exc:
        db.session.rollback()
        restore(previous)
        question = exc.question
        if question.id in {q.id for q in bank.questions}:
            flash(f"Nothing was published: q '{question.id}' is parameterised, and its keys are computed by running "
                  "its check, which is never done from the web. Publish it without `params`, or ask the operator "
                  "to add the file to the questions folder and run `quizapp bank freeze`.")
        else:
            flash("Nothing was published: the bank on the server has parameterised questions whose keys are not "
                  "frozen. Run `quizapp bank freeze` and `quizapp bank import` on the server first.")
        return redirect(url_for("instructor.review_upload", token=token), 303)
    except frozen.UnreadableFile:  # its message names a path on the server: the instructor gets the file's name
        db.session.rollback()
        restore(previous)
        flash(f"Nothing was published: {frozen.FILE_NAME} in the server's questions folder cannot be read. Run "
              "`quizapp bank freeze` on the server to write it again.")
        return redirect(url_for("instructor.review_upload", token=token), 303)
    except Exception:
        db.session.rollback()
        restore(previous)
        raise
    staging.discard(token)
    flash("Published. " + report.line())
    return redirect(url_for("instructor.dashboard"), 303)


@bp.route("/upload/<token>/discard", methods=["POST"])
def discard(token):
    staging = _staging()
    if staging.load(token, current_user.id) is None:
        abort(404)
    if PublishForm().validate_on_submit():
        staging.discard(token)
        flash("The upload was discarded; nothing changed.")
    return redirect(url_for("instructor.upload"), 303)


# --- exports -------------------------------------------------------------------------------

EXPORTERS = {"gift": ("gift", "text/plain"), "moodle-xml": ("xml", "application/xml"),
             "qti": ("zip", "application/zip")}


@bp.route("/export/<fmt>/<path:relpath>")
def export(fmt, relpath):
    """One question file as GIFT, Moodle XML or a QTI 3.0 package; response headers count what was written
    and what was lost."""
    from ..bank.formats import exporter

    root = _root()
    files = {str(p.relative_to(root)): p for p in question_files(root)}
    if fmt not in EXPORTERS or relpath not in files:
        abort(404)
    bank = load_bank(root, [files[relpath]])
    if bank.issues:
        abort(409, "This file has validation errors; fix them before exporting.")
    pairs = [(q.id, q.definition) for q in bank.questions]
    result = exporter(fmt)(pairs)
    suffix, mimetype = EXPORTERS[fmt]
    body = result.data if result.data is not None else result.text
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{Path(relpath).stem}.{suffix}"'
    response.headers["X-Quizapp-Export-Issues"] = str(len(result.issues))
    response.headers["X-Quizapp-Exported"] = str(len(result.written))
    response.headers["X-Quizapp-Not-Exported"] = str(len(pairs) - len(result.written))
    return response


# --- item statistics -----------------------------------------------------------------------

STAT_COLUMNS = SORT_COLUMNS


def _no_such_page(message: str):
    # the 404 page's usual text ("belongs to someone else") would mislead here
    return render_template("errors/error.html", code=404, title="No such page", message=message), 404


@bp.route("/stats")
def item_stats():
    sort = request.args.get("sort", "discrimination")
    if sort not in STAT_COLUMNS:
        abort(400, f"Cannot sort by {sort!r}; use one of {', '.join(STAT_COLUMNS)}.")
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc"):
        abort(400, f"order must be asc or desc, not {order!r}.")
    flagged = request.args.get("flagged") == "1"
    page = parse_id(request.args.get("page", "1"))
    if page is None:
        return _no_such_page(f"There is no page {request.args.get('page')!r} of item statistics. Pages are numbered "
                             "from 1; the page's links list them.")
    freshness = current_statistics()
    listing = stats_page(sort, order == "desc", page, flagged)
    if listing.page != page:
        return _no_such_page(f"There is no page {page} of item statistics{' (flagged only)' if flagged else ''}: "
                             f"there {'is 1 page' if listing.pages == 1 else f'are {listing.pages} pages'}.")
    return render_template("instructor/stats.html", listing=listing, rows=listing.rows, sort=sort,
                           descending=order == "desc", flagged=flagged, freshness=freshness,
                           min_responses=MIN_RESPONSES, columns=STAT_COLUMNS)


CSV_COLUMNS = ["question", "version", "type", "skills", "responses", "facility", "discrimination", "median_seconds",
               "option_rates", "dont_know_rate", "flags", "open_reports", "hidden"]


@bp.route("/stats.csv")
def item_stats_csv():
    """Every stored row, written as it is read: the first bytes leave before the last row is fetched."""
    import csv
    import io

    current_statistics()

    def lines():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for n, r in enumerate(all_stat_rows(), start=1):
            writer.writerow([csv_safe(r["question"]), r["version"], r["qtype"], csv_safe(" ".join(r["skills"])),
                             r["responses"], _fmt(r["facility"]), _fmt(r["discrimination"]),
                             _fmt(r["median_seconds"]),
                             " ".join(f"{k + 1}:{v:.3f}" for k, v in sorted(r["option_rates"].items())),
                             _fmt(r["dont_know_rate"]), " ".join(r["flags"]), r["reports"], r["hidden"]])
            if n % 100 == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    response = current_app.response_class(stream_with_context(lines()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="item-statistics.csv"'
    return response


@bp.route("/questions/<question_id>")
def question_stats(question_id):
    """One question: its versions with their statistics and distractor charts, and its problem reports."""
    freshness = current_statistics()
    detail = question_detail(question_id)
    if detail is None:
        return render_template("errors/error.html", code=404, title="No such question",
                               message=f"There is no question {question_id!r} in the bank."), 404
    return render_template("instructor/question_stats.html", freshness=freshness, min_responses=MIN_RESPONSES,
                           reports_shown=REPORTS_SHOWN, **detail)


def csv_safe(value):
    """Text a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _fmt(value):
    return "" if value is None else f"{value:.4f}"


# --- problem reports -----------------------------------------------------------------------

@bp.route("/reports")
def problem_reports():
    status = request.args.get("status", "open")
    if status not in ("open", "resolved"):
        abort(400, "status must be open or resolved")
    question = request.args.get("question") or None
    page = parse_id(request.args.get("page", "1"))
    if page is None:  # the 404 page's usual text ("belongs to someone else") would mislead here
        return render_template("errors/error.html", code=404, title="No such page",
                               message=f"There is no page {request.args.get('page')!r} of {status} reports. "
                                       "Pages are numbered from 1; the queue's links list them."), 404
    listing = report_page(status, question, page)
    if listing.page != page:  # past the end (say, after resolving the last report on the last page)
        return redirect(url_for("instructor.problem_reports", status=status, question=question, page=listing.page))
    return render_template("instructor/reports.html", listing=listing, status=status, question=question,
                           form=ResolveForm(), reply_max=REPLY_MAX)


@bp.route("/reports/resolve", methods=["POST"])
def resolve_report():
    form = ResolveForm()
    if not form.validate_on_submit():
        abort(400, "; ".join(e for errors in form.errors.values() for e in errors))
    report = db.session.get(ProblemReport, form.report_id.data)
    if report is None:
        abort(404)
    reply = form.reply.data or None
    if reply and report.user_id is None:
        abort(400, "This report came from a guest: nobody can read a note on it. Resolve it without one.")
    if report.status == "resolved":
        abort(400, "This report is already resolved.")
    report.status, report.resolved_at, report.reply = "resolved", utcnow(), reply
    db.session.commit()
    flash(f"Report on {report.version.question_id} marked resolved"
          + ("; the learner sees your note on their history page." if reply else "."))
    # back to the page the report was on, in the same question's list (past the end now: the queue redirects)
    return redirect(url_for("instructor.problem_reports", question=request.form.get("question") or None,
                            page=parse_id(request.form.get("page", "")) or 1), 303)


@bp.route("/versions/<int:version_id>")
def question_preview(version_id):
    """One question version as learners see it, with its key: where a report's link leads."""
    version = db.session.get(QuestionVersion, version_id)
    if version is None:
        abort(404)
    qtype = get_question_type(version.qtype)
    entry = {"question": SimpleNamespace(id=version.question_id, difficulty=version.difficulty,
                                         skills=version.skills, definition=version.definition),
             "answer": qtype.view(version.definition, None, None), "qtype": qtype,
             "prompt_html": render_markdown(version.definition["prompt"]),
             "review": question_review(version.definition, question_id=version.question_id)}
    return render_template("instructor/question.html", version=version, preview=[entry])


# --- cohorts -------------------------------------------------------------------------------

def _own_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or (cohort.owner_id != current_user.id and current_user.role != "admin"):
        abort(404)
    return cohort


@bp.route("/cohorts", methods=["GET", "POST"])
def cohorts():
    form = CohortForm()
    status = 200
    if form.validate_on_submit():
        cohort = Cohort(name=form.name.data.strip(), join_code=new_join_code(), owner_id=current_user.id)
        db.session.add(cohort)
        db.session.commit()
        flash(f"Cohort created. Learners join with the code {cohort.join_code}.")
        return redirect(url_for("instructor.cohort", cohort_id=cohort.id), 303)
    if request.method == "POST":
        status = 400
    query = select(Cohort).order_by(Cohort.created_at.desc())
    if current_user.role != "admin":
        query = query.where(Cohort.owner_id == current_user.id)
    return render_template("instructor/cohorts.html", cohorts=db.session.scalars(query).all(), form=form), status


@bp.route("/cohorts/<int:cohort_id>")
def cohort(cohort_id):
    cohort = _own_cohort(cohort_id)
    table, members = cohort_heatmap(cohort.id)
    return render_template("instructor/cohort.html", cohort=cohort, table=table, members=members)


@bp.route("/cohorts/<int:cohort_id>/learners")
def cohort_learners(cohort_id):
    """The learner × skill grid: each member's latest shared call per skill, 50 learners a page."""
    cohort = _own_cohort(cohort_id)
    sort = request.args.get("sort", "gaps")
    if sort not in GRID_SORTS:
        abort(400, f"Cannot sort learners by {sort!r}; use one of {', '.join(GRID_SORTS)}.")
    skills = grid_skills()
    skill = request.args.get("skill") or None
    if skill is not None and skill not in dict(skills):
        abort(400, f"No skill {skill!r} in the bank; choose one from the list.")
    call = request.args.get("call", "gap-or-unsure")
    if call not in GRID_CALLS:
        abort(400, f"Cannot filter by the call {call!r}; use one of {', '.join(GRID_CALLS)}.")
    page = parse_id(request.args.get("page", "1"))
    if page is None:  # the 404 page's usual text ("belongs to someone else") would mislead here
        return render_template("errors/error.html", code=404, title="No such page",
                               message=f"There is no page {request.args.get('page')!r} of this cohort's learners. "
                                       "Pages are numbered from 1; the grid's links list them."), 404
    listing = grid_page(cohort.id, page, sort, skill, call)
    if listing.page != page:  # past the end (say, after changing the filter)
        return redirect(url_for("instructor.cohort_learners", cohort_id=cohort.id, sort=sort, skill=skill,
                                call=call if skill else None, page=listing.page))
    return render_template("instructor/cohort_learners.html", cohort=cohort, listing=listing, sort=sort,
                           skill=skill, call=call, sorts=GRID_SORTS, calls=GRID_CALLS)


EXPORT_CHUNK = 64 * 1024  # characters of an export's body sent at a time


def _csv_chunks(rows):
    """The export as CSV text in chunks of about EXPORT_CHUNK characters, formula-safe (csv_safe)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(v) for k, v in {**row, "skills": " ".join(row["skills"])}.items()})
        if out.tell() >= EXPORT_CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _json_chunks(name: str, rows):
    """`{"cohort": name, "responses": [...]}` in chunks, one response at a time: valid JSON however it ends."""
    dumps = current_app.json.dumps
    parts, length = ['{"cohort":' + dumps(name) + ',"responses":['], 0
    for n, row in enumerate(rows):
        part = ("," if n else "") + dumps(row, separators=(",", ":"))
        parts.append(part)
        length += len(part)
        if length >= EXPORT_CHUNK:
            yield "".join(parts)
            parts, length = [], 0
    parts.append("]}")
    yield "".join(parts)


@bp.route("/cohorts/<int:cohort_id>/responses.<fmt>")
def cohort_export(cohort_id, fmt):
    """Every shared response as CSV or JSON, streamed while it is read (cohorts.cohort_responses)."""
    cohort = _own_cohort(cohort_id)
    if fmt not in ("csv", "json"):
        abort(404)
    rows = cohort_responses(cohort.id)
    if fmt == "json":
        return current_app.response_class(stream_with_context(_json_chunks(cohort.name, rows)),
                                          mimetype="application/json")
    response = current_app.response_class(stream_with_context(_csv_chunks(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="cohort-{cohort.id}-responses.csv"'
    return response
