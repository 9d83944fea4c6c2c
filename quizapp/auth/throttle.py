"""Throttle guessing on the login and registration forms: at most LOGIN_RATE_LIMIT posts to each
form per client address, counted where every worker on every app machine sees the same count.

Where it counts (throttle_storages below): Redis when QUIZAPP_REDIS_URL is set; otherwise, in
production, the app's database (throttle_storage.py); only in development and tests, this process's
memory (the single-process dev server has one count anyway). gunicorn.conf.py refuses to start several
workers on a per-process count. If Redis cannot be reached, the count goes on in the database (logged
as a warning): login keeps working, every worker still shares one count, and an attacker who could
take Redis down gains at most one window's worth of extra guesses. A database that cannot be reached
is the app's usual 503 (errors/handlers.py): login needs it anyway.

It uses `limits`, the library under Flask-Limiter, and not the extension: Flask-Limiter runs hooks
before, after and at the end of every request of the app, about 6% of the question page's
instructions (bench/instructions.py), to serve two forms. Each app keeps its own throttle in app.extensions,
so one app turning it off (a test, a benchmark's helper) cannot turn it off for another.
"""
from __future__ import annotations

import math
import time
from functools import wraps

from flask import Flask, current_app, request
from limits import parse, storage, strategies
from limits.errors import StorageError
from werkzeug.exceptions import TooManyRequests

from ..exceptions import ConfigurationError

LIMIT_MESSAGE = "Too many attempts from your address. Wait a minute, then try again."
NAMESPACE = "quizapp-form-throttle"
DATABASE = "database://"  # RATELIMIT_STORAGE_URI for the app's own database
# Redis must answer fast or not at all: a login waits at most this long before counting in the database.
REDIS_TIMEOUT_SECONDS = 1.0


class Throttle:
    def __init__(self, counter: storage.Storage, limit: str, enabled: bool = True,
                 fallback: storage.Storage | None = None):
        self.limiter = strategies.FixedWindowRateLimiter(counter)
        self.fallback = strategies.FixedWindowRateLimiter(fallback) if fallback is not None else None
        self.limit = parse(limit)
        self.enabled = enabled
        # A count in this process's memory is not shared by other workers or machines.
        self.shared = not isinstance(counter, storage.MemoryStorage)

    def _ask(self, method: str, *args):
        try:
            return getattr(self.limiter, method)(*args)
        except StorageError as exc:
            if self.fallback is None:
                raise
            current_app.logger.warning("throttle: the rate-limit store is unreachable (%s); counting in the "
                                       "database", exc.storage_error)
            return getattr(self.fallback, method)(*args)

    def allow(self, form: str, address: str) -> bool:
        """Count one post of `form` from `address`; False once the limit is used up."""
        return not self.enabled or self._ask("hit", self.limit, NAMESPACE, form, address)

    def seconds_left(self, form: str, address: str) -> int:
        """Until the window of `form` from `address` resets (the 429's Retry-After)."""
        reset_at, _ = self._ask("get_window_stats", self.limit, NAMESPACE, form, address)
        return max(1, math.ceil(reset_at - time.time()))


def throttle_storages(app: Flask) -> tuple[storage.Storage, storage.Storage | None]:
    """The store the throttle counts in, and where it counts when that store is unreachable."""
    from ..extensions import db
    from .throttle_storage import DatabaseStorage

    uri = app.config.get("RATELIMIT_STORAGE_URI") or (
        DATABASE if app.config.get("ENV_NAME") == "production" else "memory://")
    in_database = DatabaseStorage(lambda: db.engine)
    if uri == DATABASE:
        return in_database, None
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return storage.storage_from_string(uri, wrap_exceptions=True, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                           socket_connect_timeout=REDIS_TIMEOUT_SECONDS), in_database
    return storage.storage_from_string(uri), None


def init_throttle(app: Flask) -> None:
    counter, fallback = throttle_storages(app)
    app.extensions["quizapp_throttle"] = Throttle(counter, app.config["LOGIN_RATE_LIMIT"],
                                                  app.config["RATELIMIT_ENABLED"], fallback)


def refuse_a_per_process_count(app: Flask, workers: int) -> None:
    """Raise if `workers` processes would each keep their own count (gunicorn.conf.py calls this):
    with memory:// and 4 workers, 40 wrong passwords get through a minute instead of 10."""
    throttle: Throttle | None = app.extensions.get("quizapp_throttle")
    if workers > 1 and throttle is not None and throttle.enabled and not throttle.shared:
        raise ConfigurationError(
            f"the login throttle counts in this process's memory, so {workers} workers would each allow the "
            "limit: set QUIZAPP_REDIS_URL, or run with "
            "QUIZAPP_ENV=production (counts in the database), or use one worker")


def throttled(view):
    """Count each POST to `view` per client address (request.remote_addr, which ProxyFix sets from
    X-Forwarded-For behind a proxy); over the limit, a 429 with Retry-After instead of the view."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method == "POST":
            throttle: Throttle = current_app.extensions["quizapp_throttle"]
            form, address = request.endpoint or view.__name__, request.remote_addr or "unknown"
            if not throttle.allow(form, address):
                raise TooManyRequests(LIMIT_MESSAGE, retry_after=throttle.seconds_left(form, address))
        return view(*args, **kwargs)
    return wrapper
