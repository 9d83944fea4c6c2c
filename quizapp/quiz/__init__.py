"""Blueprint /attempt: start an attempt, one question per page, save and check answers, overview, submit."""
from flask import Blueprint

bp = Blueprint("quiz", __name__)

from . import routes  # noqa: E402,F401
