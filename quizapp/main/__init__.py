"""Blueprint of the learner's pages outside an attempt: home, history, joining a cohort, how scoring works, /healthz."""
from flask import Blueprint

bp = Blueprint("main", __name__)

from . import routes  # noqa: E402,F401
