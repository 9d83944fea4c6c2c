"""Throttle guessing on the login and registration forms: at most LOGIN_RATE_LIMIT posts to each
form per client address, counted in RATELIMIT_STORAGE_URI (this process's memory, or Redis, so that
every app machine behind the proxy shares one count).

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
from werkzeug.exceptions import TooManyRequests

LIMIT_MESSAGE = "Too many attempts from your address. Wait a minute, then try again."
NAMESPACE = "quizapp-form-throttle"


class Throttle:
    def __init__(self, storage_uri: str, limit: str, enabled: bool = True):
        self.limiter = strategies.FixedWindowRateLimiter(storage.storage_from_string(storage_uri))
        self.limit = parse(limit)
        self.enabled = enabled

    def allow(self, form: str, address: str) -> bool:
        """Count one post of `form` from `address`; False once the limit is used up."""
        return not self.enabled or self.limiter.hit(self.limit, NAMESPACE, form, address)

    def seconds_left(self, form: str, address: str) -> int:
        """Until the window of `form` from `address` resets (the 429's Retry-After)."""
        reset_at, _ = self.limiter.get_window_stats(self.limit, NAMESPACE, form, address)
        return max(1, math.ceil(reset_at - time.time()))


def init_throttle(app: Flask) -> None:
    app.extensions["quizapp_throttle"] = Throttle(app.config["RATELIMIT_STORAGE_URI"], app.config["LOGIN_RATE_LIMIT"],
                                                  app.config["RATELIMIT_ENABLED"])


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
