"""Blueprint of the error pages (CSRF, 400, 403, 404, 405, 413, 429, 500, and 503 while the database is away)."""
from flask import Blueprint

bp = Blueprint("errors", __name__)

from . import handlers  # noqa: E402,F401  (registers the handlers on bp)
