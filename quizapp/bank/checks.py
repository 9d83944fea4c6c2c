"""Run a question's executable `check` in the sandbox and compare it with the key.

Checks are code from question files: they run only from the CLI (`bank verify`, `bank freeze`),
never in the web process, and always through `quizapp.sandbox` (bubblewrap, or its fallback
with a warning; a check from a file published through the web runs only under bubblewrap).
Anything a check does (loop, fork, allocate, print without end) comes back as a failed or
errored check, never as a crash of the caller. A missing optional package (or a `requires:`
that is not met) makes the item *skipped*, counted and reported, never failed.
"""
from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from typing import Iterable, Sequence

from packaging.requirements import InvalidRequirement, Requirement

from .. import sandbox
from ..questiontypes import get_question_type
from .check_results import text_of
from .definitions import QuestionDef
from .params import param_sets

TIMEOUT_SECONDS = 60

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


def run_snippet(code: str, envs: Sequence[dict], timeout: float = TIMEOUT_SECONDS, *,
                untrusted: bool = False) -> list[dict]:
    """Run `code` once per environment in one sandboxed interpreter; one result dict per environment.

    `untrusted` (the code came through the web upload) refuses to run outside bubblewrap:
    sandbox.SandboxUnavailable."""
    limits = sandbox.Limits(wall_seconds=timeout, cpu_seconds=max(1, int(timeout)))
    run = sandbox.run_python(_RUNNER, json.dumps({"code": code, "envs": list(envs)}), limits, untrusted=untrusted)
    if not run.ok or not run.stdout:
        why = run.problem or "printed nothing"  # reads "interpreter printed nothing"
        return [{"kind": "error", "error": why if run.timed_out else f"interpreter {why}"}] * len(envs)
    try:
        results = json.loads(run.stdout)
    except ValueError:
        results = None
    if not isinstance(results, list) or len(results) != len(envs) or not all(map(_well_formed, results)):
        return [{"kind": "error", "error": "the check wrote to the interpreter's own output; print inside it instead"}
                ] * len(envs)
    return results


_RESULT_FIELDS = {"value": {"repr": str, "str": str}, "stdout": {"text": str}, "missing": {"module": str},
                  "error": {"error": str}}


def _well_formed(result) -> bool:
    """A result as the runner writes it (a check that prints raw JSON of its own could forge any shape)."""
    fields = _RESULT_FIELDS.get(result.get("kind")) if isinstance(result, dict) else None
    return fields is not None and all(isinstance(result.get(name), kind) for name, kind in fields.items())


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


def compare(definition: dict, result: dict, key=None) -> str | None:
    """None when the check's result agrees with the key (or `key`, a variant's), else a message
    saying how it differs; the question's type knows how its key is proved."""
    return get_question_type(definition["type"]).check_problem(definition, result, key)


def run_check(question: QuestionDef, untrusted: bool = False) -> CheckOutcome:
    """Run one question's check (for every parameter combination) and judge it."""
    d = question.definition
    code = (d.get("check") or {}).get("python")
    if not code:
        return CheckOutcome(question, "skipped", "no check")
    unmet = unmet_requirement(d.get("requires"))
    if unmet:
        return CheckOutcome(question, "skipped", unmet)
    envs = param_sets(d)
    try:
        results = run_snippet(code, envs, TIMEOUT_SECONDS, untrusted=untrusted)
    except sandbox.SandboxUnavailable:
        return CheckOutcome(question, "skipped", "published through the web: its check runs only inside bubblewrap, "
                                                 "which is not available here")
    variants = []
    for env, result in zip(envs, results, strict=True):
        where = f" with {env}" if env else ""
        if result["kind"] == "missing":
            return CheckOutcome(question, "skipped", f"module {result['module']} is not installed")
        if result["kind"] == "error":
            return CheckOutcome(question, "error", f"check raised {result['error']}{where}")
        if d.get("params"):
            key = get_question_type(d["type"]).variant_key(result)
            if key is None:
                return CheckOutcome(question, "failed", f"check gave no usable key{where} ({text_of(result)!r})")
            variants.append({"params": env, "key": key})
        else:
            problem = compare(d, result)
            if problem:
                return CheckOutcome(question, "failed", problem)
    return CheckOutcome(question, "verified", "ok", tuple(variants))


def run_checks(questions: Iterable[QuestionDef], workers: int = 2,
               untrusted_ids: frozenset[str] = frozenset()) -> list[CheckOutcome]:
    """Run the checks of many questions, a few sandboxes at a time, in input order; the ids in
    `untrusted_ids` came through the web upload and run only under bubblewrap."""
    sandbox.isolation()  # say once, before the first check, when the fallback is in use
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda q: run_check(q, q.id in untrusted_ids), questions))
