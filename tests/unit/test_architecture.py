"""The top of quizapp/ shows the architecture (docs/architecture.md): the factory, config, extensions,
exceptions, models and packages, each saying in one line what it owns; no loose helper modules."""
import ast
from pathlib import Path

import quizapp

ROOT = Path(quizapp.__file__).parent
TOP_MODULES = {"__init__.py", "config.py", "extensions.py", "exceptions.py", "models.py"}


def test_no_loose_modules_at_the_top():
    assert {p.name for p in ROOT.glob("*.py")} == TOP_MODULES


def test_every_package_and_top_module_says_what_it_owns():
    packages = [p / "__init__.py" for p in ROOT.iterdir() if (p / "__init__.py").exists()]
    assert len(packages) >= 14
    for path in packages + [ROOT / name for name in TOP_MODULES]:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert docstring and docstring.splitlines()[0].strip(), f"{path.relative_to(ROOT)} has no docstring"


def test_the_architecture_page_names_every_package():
    page = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in ROOT.iterdir():
        if (path / "__init__.py").exists():
            assert f"{path.name}/" in page, f"docs/architecture.md does not describe quizapp/{path.name}/"
