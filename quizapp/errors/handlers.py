"""Error pages for the whole app; a 500 rolls the session back so the next request is clean."""
from flask import render_template
from flask_wtf.csrf import CSRFError
from psycopg import OperationalError as DriverOperationalError
from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..hotpath.identity import account_unknown_for_this_request
from ..hotpath.reads import connection_lost
from . import bp


@bp.app_errorhandler(CSRFError)
def csrf_error(error):
    return render_template("errors/error.html", code=400, title="Your form expired",
                           message=f"{error.description} Go back, reload the page and try again; "
                                   "your saved answers are safe."), 400


@bp.app_errorhandler(400)
def bad_request(error):
    return render_template("errors/error.html", code=400, title="Bad request", message=error.description), 400


@bp.app_errorhandler(403)
def forbidden(error):
    return render_template("errors/error.html", code=403, title="Not allowed",
                           message="You do not have permission to see this page."), 403


@bp.app_errorhandler(404)
def not_found(error):
    return render_template("errors/error.html", code=404, title="Page not found",
                           message="There is nothing here, or it belongs to someone else."), 404


@bp.app_errorhandler(405)
def method_not_allowed(error):
    return render_template("errors/error.html", code=405, title="Method not allowed",
                           message="This page cannot be used that way."), 405


@bp.app_errorhandler(413)
def too_large(error):
    return render_template("errors/error.html", code=413, title="Too large",
                           message="The request is larger than this site accepts."), 413


@bp.app_errorhandler(429)
def too_many_requests(error):
    retry_after = [(name, value) for name, value in error.get_headers() if name == "Retry-After"]
    return render_template("errors/error.html", code=429, title="Too many attempts",
                           message=error.description), 429, retry_after


@bp.app_errorhandler(500)
def internal_error(error):
    db.session.rollback()
    return render_template("errors/error.html", code=500, title="Something went wrong",
                           message="The error was logged. Your saved answers are safe; please try again."), 500


@bp.app_errorhandler(DBAPIError)
@bp.app_errorhandler(DriverOperationalError)
def database_unavailable(error):
    """The database went away mid-request (a restart, a failover) or cannot be reached: 503 with
    Retry-After, which proxies and clients know to retry, as /healthz says 503. Any other database
    error is a bug: it goes on to the 500 page."""
    if not connection_lost(error):
        raise error
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()
    account_unknown_for_this_request()
    return render_template("errors/error.html", code=503, title="The database is not answering", account_unknown=True,
                           message="It may be restarting. Try again in a few seconds. Answers saved before are "
                                   "safe, and an answer sent again is never applied twice."), 503, {"Retry-After": "5"}
