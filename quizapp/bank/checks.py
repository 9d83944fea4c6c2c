"""Run a question's executable `check` in a separate interpreter and compare it with the key.

Checks are code from question files: they never run inside the web process. Each runs in a
subprocess with a timeout and an address-space limit; a missing optional package (or a
`requires:` that is not met) makes the item *skipped*, counted and reported, never failed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from typing import Iterable, Sequence

from packaging.requirements import InvalidRequirement, Requirement

from ..scoring.grading import grade_short, numeric_within
from .loader import QuestionDef
from .params import param_sets

TIMEOUT_SECONDS = 60
SAFE_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
MEMORY_LIMIT_BYTES = 8 * 1024 ** 3  # address space, generous because torch maps large regions

# Runs inside the child: evaluate the snippet once per parameter set, report JSON on the real stdout.
_RUNNER = r"""
import ast, contextlib, io, json, sys
payload = json.loads(sys.stdin.read())
real_stdout = sys.stdout

def plain(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    try:
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
    except (TypeError, ValueError):
        return str(value)

results = []
for env in payload["envs"]:
    code = payload["code"]
    for name, value in env.items():
        code = code.replace("{{" + name + "}}", repr(value))
    namespace = {"__name__": "__check__", **env}
    out = io.StringIO()
    try:
        tree = ast.parse(code, mode="exec")
        single = len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr)
        value = None
        with contextlib.redirect_stdout(out):
            if single:
                value = eval(compile(ast.Expression(tree.body[0].value), "<check>", "eval"), namespace)
            else:
                exec(compile(tree, "<check>", "exec"), namespace)
        if single and value is not None:
            results.append({"kind": "value", "repr": repr(value), "str": str(value), "plain": plain(value)})
        else:
            results.append({"kind": "stdout", "text": out.getvalue().strip()})
    except ModuleNotFoundError as exc:
        results.append({"kind": "missing", "module": exc.name})
    except BaseException as exc:
        results.append({"kind": "error", "error": f"{type(exc).__name__}: {exc}"})
real_stdout.write(json.dumps(results))
"""


@dataclass(frozen=True)
class CheckOutcome:
    question: QuestionDef
    status: str                  # verified | failed | skipped | error
    message: str = ""
    variants: tuple = ()         # for parameterised items: ({"params": {...}, "key": ...}, ...)

    def __str__(self) -> str:
        q = self.question
        return f"{q.path}:{q.line}: q '{q.id}': {self.message}"


def _limit_memory() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_snippet(code: str, envs: Sequence[dict], timeout: float = TIMEOUT_SECONDS) -> list[dict]:
    """Run `code` once per environment in a fresh interpreter; one result dict per environment."""
    with tempfile.TemporaryDirectory(prefix="quizapp-check-") as home:
        # An allow-list, not os.environ: a check never sees the app's secrets or database URL.
        env = {key: os.environ[key] for key in SAFE_ENV if key in os.environ}
        env.update({"HOME": home, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
                    "PYTHONDONTWRITEBYTECODE": "1", "PYTHONWARNINGS": "ignore", "MPLCONFIGDIR": home})
        try:
            proc = subprocess.run([sys.executable, "-I", "-c", _RUNNER],
                                  input=json.dumps({"code": code, "envs": list(envs)}), capture_output=True,
                                  text=True, timeout=timeout, env=env, cwd=home,
                                  preexec_fn=_limit_memory if os.name == "posix" else None)
        except subprocess.TimeoutExpired:
            return [{"kind": "error", "error": f"timed out after {timeout:g} s"}] * len(envs)
    if proc.returncode != 0 or not proc.stdout:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return [{"kind": "error", "error": f"interpreter failed: {tail[0]}"}] * len(envs)
    return json.loads(proc.stdout)


def unmet_requirement(requires: str | None) -> str | None:
    """Why a `requires:` is not satisfied here, or None when it is (or there is none)."""
    if not requires:
        return None
    try:
        req = Requirement(requires)
    except InvalidRequirement:
        return f"unreadable requires {requires!r}"
    if req.name.lower() == "python":
        version = ".".join(map(str, sys.version_info[:3]))
        return None if req.specifier.contains(version, prereleases=True) else f"needs {requires}"
    try:
        installed = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        return f"{req.name} is not installed"
    return None if req.specifier.contains(installed, prereleases=True) else f"needs {requires}, found {installed}"


def _strip(text: str) -> str:
    return text.strip().strip("`").strip()


def _text_of(result: dict) -> str:
    return result["text"] if result["kind"] == "stdout" else result["str"]


def _number_of(result: dict) -> float | None:
    value = result.get("plain") if result["kind"] == "value" else result.get("text")
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def compare(definition: dict, result: dict, key=None) -> str | None:
    """None when the check's result agrees with the key, else a message saying how it differs."""
    qtype = definition["type"]
    shown = result.get("repr") or repr(result.get("text"))
    if qtype == "numeric":
        number = _number_of(result)
        answer = definition["answer"] if key is None else key
        if number is None:
            return f"check gave {shown}, not a number"
        if not numeric_within(number, answer, definition.get("tolerance")):
            return f"check gave {number:g}, the key is {answer:g}"
        return None
    if qtype == "short":
        text = _text_of(result)
        accepted = definition if key is None else {**definition, "answers": [key]}
        if grade_short(accepted, {"text": text}).fraction < 1:
            return f"check gave {text!r}, which the key does not accept"
        return None
    if qtype == "true_false":
        value = result.get("plain") if result["kind"] == "value" else {"True": True, "False": False}.get(result["text"])
        if value is not definition["answer"]:
            return f"check gave {shown}, the key is {definition['answer']}"
        return None
    if qtype == "single":
        key_text = next(_strip(c["text"]) for c in definition["choices"] if c["correct"])
        got = {result["repr"], result["str"]} if result["kind"] == "value" else {result["text"]}
        if isinstance(result.get("plain"), str):
            got.add(json.dumps(result["plain"]))  # authors write "bcd" as often as 'bcd'
        # Inline code marks inside a choice ("It raises `ValueError`") are formatting, not content.
        if key_text.replace("`", "") not in {_strip(g).replace("`", "") for g in got}:
            return f"check gave {shown}, the marked choice is {key_text!r}"
        return None
    if qtype == "multiple":
        keys = {_strip(c["text"]) for c in definition["choices"] if c["correct"]}
        plain = result.get("plain")
        got = ({_strip(str(v)) for v in plain} if isinstance(plain, list)
               else {_strip(line) for line in _text_of(result).splitlines() if line.strip()})
        if got != keys:
            return f"check gave {sorted(got)}, the marked choices are {sorted(keys)}"
        return None
    return f"no comparison rule for type {qtype!r}"


def variant_key(definition: dict, result: dict):
    """The key a parameterised item's check produced for one combination (number or text)."""
    if definition["type"] == "numeric":
        return _number_of(result)
    text = _text_of(result)
    return text if text else None


def run_check(question: QuestionDef) -> CheckOutcome:
    """Run one question's check (for every parameter combination) and judge it."""
    d = question.definition
    code = (d.get("check") or {}).get("python")
    if not code:
        return CheckOutcome(question, "skipped", "no check")
    unmet = unmet_requirement(d.get("requires"))
    if unmet:
        return CheckOutcome(question, "skipped", unmet)
    envs = param_sets(d)
    results = run_snippet(code, envs)
    variants = []
    for env, result in zip(envs, results):
        where = f" with {env}" if env else ""
        if result["kind"] == "missing":
            return CheckOutcome(question, "skipped", f"module {result['module']} is not installed")
        if result["kind"] == "error":
            return CheckOutcome(question, "error", f"check raised {result['error']}{where}")
        if d.get("params"):
            key = variant_key(d, result)
            if key is None:
                return CheckOutcome(question, "failed", f"check gave no usable key{where} ({_text_of(result)!r})")
            variants.append({"params": env, "key": key})
        else:
            problem = compare(d, result)
            if problem:
                return CheckOutcome(question, "failed", problem)
    return CheckOutcome(question, "verified", "ok", tuple(variants))


def run_checks(questions: Iterable[QuestionDef], workers: int = 2) -> list[CheckOutcome]:
    """Run the checks of many questions, a few interpreters at a time, in input order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run_check, questions))



def compute_variants(question: QuestionDef) -> list[dict]:
    """The keys of every combination of a parameterised question, or raise CheckFailed."""
    outcome = run_check(question)
    if outcome.status != "verified":
        raise CheckFailed(outcome)
    return list(outcome.variants)


class CheckFailed(Exception):
    """A parameterised question's keys could not be computed, so it cannot be imported."""

    def __init__(self, outcome: CheckOutcome):
        self.outcome = outcome
        super().__init__(str(outcome))
