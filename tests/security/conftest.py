"""The security suite's session-wide world (tests/helpers.py builds it: build_world)."""
from __future__ import annotations

import pytest

from quizapp.extensions import db
from tests.helpers import build_world


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    """Shared by the modules that only read it; a test that changes state builds its own app."""
    w = build_world(tmp_path_factory.mktemp("world"))
    yield w
    with w.app.app_context():
        db.session.remove()
        db.drop_all()
