"""Blueprint /report: the gap report as HTML, JSON and PDF (with percentiles among learners), and practice on its gaps."""
from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import export, routes  # noqa: E402,F401
