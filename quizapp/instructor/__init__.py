"""Blueprint /instructor: bank files (upload, review, publish, export), item statistics, problem reports, cohorts."""
from flask import Blueprint

bp = Blueprint("instructor", __name__)

from . import routes  # noqa: E402,F401
