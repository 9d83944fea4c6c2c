"""Import a script from bench/ (not a package) the way its smoke test needs it."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"


def load_bench(script: str) -> ModuleType:
    """bench/<script>.py as module quizapp_bench_<script>, registered in sys.modules: dataclasses and
    forked worker processes look their module up by name. bench/ goes on sys.path for the scripts'
    imports of each other."""
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    name = f"quizapp_bench_{script}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{script}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
