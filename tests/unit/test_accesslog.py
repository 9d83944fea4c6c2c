"""The access log that gunicorn.conf.py configures: one parseable JSON object per request."""
import json
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from quizapp.web.accesslog import FIELDS, JsonAccessLogger

ROOT = Path(__file__).resolve().parents[2]


def _served_config(**overrides) -> Config:
    """gunicorn's Config filled from gunicorn.conf.py, as gunicorn itself loads a config file."""
    cfg = Config()
    for key, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if key in cfg.settings:
            cfg.set(key, value)
    for key, value in overrides.items():
        cfg.set(key, value)
    return cfg


@pytest.fixture
def logger_for():
    """A JsonAccessLogger built as gunicorn builds it; its log files are closed afterwards."""
    made = []

    def make(**overrides):
        cfg = _served_config(**overrides)
        made.append(cfg.logger_class(cfg))
        return made[-1]
    yield make
    for logger in made:
        for handler in logger.access_log.handlers + logger.error_log.handlers:
            handler.close()


def _one_request(logger, environ: dict, status="303 SEE OTHER", sent=0, seconds=0.0042):
    logger.access(SimpleNamespace(status=status, sent=sent, headers=[]), SimpleNamespace(headers=[]), environ,
                  timedelta(seconds=seconds))


def test_gunicorn_conf_serves_with_the_json_access_logger():
    assert _served_config().logger_class is JsonAccessLogger


def test_quotes_and_backslashes_stay_inside_their_fields(tmp_path, logger_for):
    path = tmp_path / "access.log"
    logger = logger_for(accesslog=str(path))
    hostile_path = '/attempt/x"}, "status": 200, "forged": "1\\'
    agent = 'Mozilla/5.0 "quoted" \\ back\nslash, naïve'
    _one_request(logger, {"REMOTE_ADDR": "10.0.0.7", "REQUEST_METHOD": "POST", "PATH_INFO": hostile_path,
                          "QUERY_STRING": "a=1&b=%22", "HTTP_USER_AGENT": agent}, status="303 SEE OTHER", sent=0)
    _one_request(logger, {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"}, status="200 OK", sent=42, seconds=1.5)

    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2  # the newline in the agent is escaped, not a second line
    first, second = (json.loads(line) for line in lines)
    assert tuple(first) == FIELDS
    assert (first["remote"], first["method"], first["path"], first["query"], first["agent"]) == (
        "10.0.0.7", "POST", hostile_path, "a=1&b=%22", agent)
    assert (first["status"], first["bytes"], first["duration_ms"]) == (303, 0, 4.2)
    assert "forged" not in first
    assert (second["status"], second["bytes"], second["duration_ms"], second["agent"], second["remote"]) == (
        200, 42, 1500.0, "-", "-")
    assert first["time"].endswith("+00:00") and isinstance(first["pid"], int)


def test_without_an_access_log_nothing_is_written(logger_for, caplog):
    logger = logger_for(accesslog=None)
    with caplog.at_level("INFO", logger="gunicorn.access"):
        _one_request(logger, {"REQUEST_METHOD": "GET", "PATH_INFO": "/"})
    assert not caplog.records
