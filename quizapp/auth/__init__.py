"""Blueprint /auth: register, log in and out (throttled), guest attempts claimed by the new account."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from ..web.sessions import record_activity  # noqa: E402
from . import account, admin, routes  # noqa: E402,F401

bp.before_app_request(record_activity)
