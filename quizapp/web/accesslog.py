"""gunicorn's access log as one JSON object per request, written by json.dumps (gunicorn.conf.py).

gunicorn's own `access_log_format` pastes raw values into a template. A User-Agent or a path holding
a quote or a backslash (`/%22` arrives as `"`) broke that line's JSON, and could add fields of the
sender's choosing. It also built about 60 "atoms" per request (every header and environ key) to
fill ten of them.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone

from gunicorn.glogging import Logger

FIELDS = ("time", "remote", "method", "path", "query", "status", "bytes", "duration_ms", "pid", "agent")


def access_entry(status: str | int, sent: int | None, environ: dict, seconds: float) -> dict:
    """The logged fields of one response. The status as a number; the path as the app saw it."""
    code = int(str(status).split(None, 1)[0]) if status else 0
    return {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "remote": environ.get("REMOTE_ADDR", "-"),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "query": environ.get("QUERY_STRING", ""),
        "status": code,
        "bytes": sent,
        "duration_ms": round(seconds * 1000, 3),
        "pid": os.getpid(),
        "agent": environ.get("HTTP_USER_AGENT", "-"),
    }


class JsonAccessLogger(Logger):
    """gunicorn's logger (error log, file reopening on USR1) with a JSON access line."""

    def setup(self, cfg):
        super().setup(cfg)
        # gunicorn's own rule for whether access() writes anything, read once rather than per request
        self.writes_access_log = bool(cfg.accesslog or cfg.logconfig or cfg.logconfig_dict or cfg.logconfig_json
                                      or (cfg.syslog and not cfg.disable_redirect_access_to_syslog))

    def access(self, resp, req, environ, request_time):
        if not self.writes_access_log:
            return
        entry = access_entry(resp.status, getattr(resp, "sent", None), environ, request_time.total_seconds())
        try:
            self.access_log.info(json.dumps(entry, ensure_ascii=False))
        except Exception:  # as gunicorn's own access(): a log line must never fail the request
            self.exception("could not write the access log")
