"""Fixtures for the unit tests."""
from __future__ import annotations

import shutil

import pytest

from tests.helpers import FIXTURE_BANK


@pytest.fixture
def bank_dir(tmp_path):
    """A copy of the fixture bank with an empty topics/ folder, for the loader tests to write into
    (helpers.write)."""
    root = tmp_path / "questions"
    shutil.copytree(FIXTURE_BANK, root)
    shutil.rmtree(root / "topics")
    (root / "topics").mkdir()
    return root
