"""The test suite's own layout: shared helpers live in tests/helpers.py and fixtures in conftest.py
files, so no module imports from a test module or from a conftest (pytest finds fixtures itself)."""
from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def _of_the_suite(dotted: str) -> bool:
    return dotted.startswith(".") or dotted == "tests" or dotted.startswith("tests.")


def _is_test_or_conftest(dotted: str) -> bool:
    last = dotted.rsplit(".", 1)[-1]
    return _of_the_suite(dotted) and (last == "conftest" or last.startswith("test_"))


def forbidden_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) for each import in `source` of a test_* module or a conftest module of the suite."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            # `from tests.app import test_quiz` names the module among the imported names
            modules = [base] + [f"{base.rstrip('.')}.{alias.name}" if node.module else f"{base}{alias.name}"
                                for alias in node.names]
        else:
            continue
        found += [(node.lineno, module) for module in modules if _is_test_or_conftest(module)]
    return sorted(found)


def test_no_module_imports_from_a_test_module_or_a_conftest():
    found = [f"{path.relative_to(TESTS.parent)}:{line}: {module}"
             for path in sorted(TESTS.rglob("*.py"))
             for line, module in forbidden_imports(path.read_text(encoding="utf-8"))]
    assert not found, ("import shared helpers from tests/helpers.py, and let pytest find fixtures in the "
                       "nearest conftest.py:\n" + "\n".join(found))


def test_the_check_sees_each_way_of_importing():
    """Absolute, relative and `from package import module` imports, also inside a function."""
    source = ("import tests.app.test_quiz\n"
              "from tests.conftest import make_app\n"
              "from tests.app import test_quiz\n"
              "from .test_loader import GOOD\n"
              "from . import conftest\n"
              "def f():\n"
              "    from tests.security.conftest import login\n"
              "from ..conftest import app\n"
              "from tests.helpers import csrf_token\n"
              "from tests.app import helpers\n"
              "from quizapp.bank import test_data\n"
              "import pytest\n")
    assert forbidden_imports(source) == [
        (1, "tests.app.test_quiz"), (2, "tests.conftest"), (3, "tests.app.test_quiz"), (4, ".test_loader"),
        (5, ".conftest"), (7, "tests.security.conftest"), (8, "..conftest")]
