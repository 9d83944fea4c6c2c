"""One exception hierarchy (issue #19): every domain error derives from QuizappError, and no `except`
of a broad built-in stands in for a domain error (docs/architecture.md, "Errors")."""
from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import pkgutil
from pathlib import Path

import quizapp
from quizapp.exceptions import QuizappError

PACKAGE = Path(quizapp.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
BUILTIN_EXCEPTIONS = {name for name, value in vars(builtins).items()
                      if isinstance(value, type) and issubclass(value, BaseException)}

# The YAML parser's private control-flow signals: raised and caught inside bank/yaml_lines.py only (the fast YAML
# path asks for the slow one; a limit stops parsing), never a domain error a caller sees.
LOADER_SIGNALS = {"_LimitExceeded", "_Unsupported"}

# Classes that name a built-in exception as a base, and why. A built-in stays a base only where a
# caller outside our code relies on it.
BUILTIN_BASES = {
    ("exceptions.py", "QuizappError"): "the root",
    ("exceptions.py", "ConfigurationError"): "RuntimeError: gunicorn prints one raised while it starts and exits 1",
    ("bank/yaml_lines.py", "_LimitExceeded"): "parser-private signal",
    ("bank/yaml_lines.py", "_Unsupported"): "parser-private signal",
}

# Every `except` of a broad built-in, and why it is not a domain error: each wraps a library, OS or
# built-in call that raises it (float(), json, a dict lookup, a path), or must never fail a request.
# A handler that only cleans up and re-raises (`except Exception: rollback; raise`) needs no entry.
BROAD = {"Exception", "BaseException", "ValueError", "TypeError", "KeyError", "IndexError", "LookupError",
         "RuntimeError", "AttributeError", "ArithmeticError", "AssertionError", "NotImplementedError"}
ALLOWED_BROAD_CATCHES = {
    ("bank/checks.py", "run_snippet", ("ValueError",)): "json.loads of the sandbox's output",
    ("reports/forms.py", "PlanForm.validate_hours", ("ValueError",)): "float() of the hours a learner typed",
    ("bank/check_results.py", "number_of", ("TypeError", "ValueError")): "float() of a check's result",
    ("bank/formats/_common.py", "numeric_question", ("ValueError",)): "float() of a source file's answer",
    ("bank/formats/_common.py", "_is_regex", ("re.error", "TypeError")): "re.compile of a source's pattern",
    ("bank/formats/gift.py", "_numeric", ("ValueError",)): "float() of a GIFT range's bounds",
    ("bank/formats/moodle_xml.py", "_fraction", ("ValueError",)): "float() of an answer's weight",
    ("bank/formats/moodle_xml.py", "_is_one", ("ValueError",)): "float() of a Moodle setting",
    ("bank/formats/canvas.py", "_credited", ("ValueError",)): "float() of a Canvas score",
    ("bank/formats/canvas.py", "_number", ("ValueError",)): "float() of a Canvas numeric answer",
    ("bank/formats/qti.py", "_mapping", ("ValueError",)): "float() of a QTI mapped value",
    ("bank/formats/qti.py", "_tolerance", ("ValueError", "IndexError")): "float() of a QTI tolerance's first value",
    ("bank/formats/qti.py", "_numeric_entry", ("ValueError",)): "float() of a QTI correct response",
    ("bank/formats/packages.py", "parse_untrusted_xml", ("UnicodeDecodeError", "LookupError")):
        "codecs: a file's declared encoding that Python does not know",
    ("bank/formats/packages.py", "read_zip", ("zipfile.BadZipFile", "OSError", "RuntimeError")):
        "zipfile reading an entry: a corrupt stream or encryption",
    ("bank/formats/moodle_xml.py", "import_moodle_xml", ("UnicodeDecodeError", "LookupError")):
        "codecs: a file's declared encoding that Python does not know",
    ("bank/frozen.py", "load", ("OSError", "ValueError")): "reading and json.loads of variants.json",
    ("bank/item_parameters.py", "_setting", ("ValueError",)): "float() of a stored setting",
    ("bank/yaml_lines.py", "_LineLoader.construct_yaml_timestamp", ("ValueError",)): "datetime of 2026-13-45",
    ("bank/yaml_lines.py", "_scalar", ("ValueError",)): "datetime of 2026-13-45 (the fast path)",
    ("bank/checking.py", "number_as_written", ("ValueError",)): "float() and int() of a number's text",
    ("bank/yaml_lines.py", "display_path", ("ValueError",)): "Path.relative_to",
    ("questiontypes/short.py", "ShortAnswer.validate", ("re.error", "TypeError")): "re.compile of a question's pattern",
    ("bank/provenance.py", "uploaded_ids", ("OSError", "ValueError")): "reading and json.loads of web-uploads.json",
    ("bank/uploads.py", "skill_areas", ("OSError", "yaml.YAMLError", "KeyError", "TypeError")):
        "reading skills.yaml of any shape, for a hint only",
    ("bank/uploads.py", "Staging.load", ("OSError", "ValueError")): "reading and json.loads of a manifest",
    ("bank/uploads.py", "Staging.load_review", ("OSError", "ValueError")): "reading and json.loads of a review",
    ("migrations/env.py", "get_engine_url", ("AttributeError",)): "Flask-Migrate's template: older SQLAlchemy",
    ("questiontypes/__init__.py", "get_question_type", ("KeyError",)): "the registry's dict lookup",
    ("questiontypes/choice.py", "ChoiceType._index", ("TypeError", "ValueError")): "int() of a posted choice",
    ("questiontypes/ordering.py", "Ordering.parse", ("ValueError",)): "int() of a posted position",
    ("questiontypes/numeric.py", "Numeric.parse", ("ValueError",)): "float() of a posted number",
    ("render/markdown.py", "_math", ("Exception",)): "latex2mathml raises many types on bad input",
    ("web/accesslog.py", "JsonAccessLogger.access", ("Exception",)): "a log line must never fail a request",
    ("hotpath/urls.py", "memoized_url_for.url_for", ("TypeError",)): "the cache's hash() of unhashable values",
    # LTI: pylti1p3 raises LtiException, OIDCException, KeyError, requests' and jwcrypto's errors on a forged or
    # malformed message; each becomes a fixed refusal page (tool.refusal), never a 500 (tests/app/test_lti.py)
    ("lti/routes.py", "login", ("Exception",)): "pylti1p3's OIDC login on any request: a refusal page",
    ("lti/routes.py", "launch", ("Exception",)): "pylti1p3's launch validation on any request: a refusal page",
    ("lti/routes.py", "deep_link", ("Exception",)): "pylti1p3's cached launch and deep-link JWT: a refusal page",
    ("lti/grades.py", "on_submitted", ("Exception",)): "after a committed submit: a score must never fail it",
    ("lti/grades.py", "send_score", ("Exception",)): "requests and pylti1p3 talking to a platform: kept to retry",
    ("xapi/hooks.py", "on_answered", ("Exception",)): "after a committed answer: a statement must never fail it",
    ("xapi/hooks.py", "on_submitted", ("Exception",)): "after a committed submit: a statement must never fail it",
    ("xapi/sender.py", "_Sender._run", ("Exception",)): "the sending thread outlives a database error; rows stay queued",
    ("lti/cli.py", "sync_roster_command", ("Exception",)): "one platform's outage must not stop the others",
    ("lti/cli.py", "list_command", ("RuntimeError",)): "url_for outside a request without SERVER_NAME",
    ("auth/tokens.py", "read_token", ("BadSignature", "UnicodeError", "ValueError", "TypeError")):
        "itsdangerous' loads of a link's token: a forged or cut token is a bad link, never a 500",
    ("web/mail.py", "Mailer._run", ("Exception",)): "one message that cannot be built or logged must not stop the outbox",
    ("web/mail.py", "parse_smtp_url", ("ValueError",)): "urllib's .port of a bad QUIZAPP_SMTP_URL, re-raised as ConfigurationError",
}


def _modules():
    for info in pkgutil.walk_packages(quizapp.__path__, "quizapp."):
        if not info.name.startswith("quizapp.migrations"):  # alembic's env.py runs a migration when imported
            yield importlib.import_module(info.name)


def _exception_classes():
    for module in _modules():
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
                yield value


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _scoped(tree: ast.AST):
    """(node, dotted name of the functions and classes around it) for every node of a module."""
    def walk(node, scope):
        for child in ast.iter_child_nodes(node):
            inner = scope + (child.name,) if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                 ast.ClassDef)) else scope
            yield child, ".".join(scope)
            yield from walk(child, inner)
    yield from walk(tree, ())


def test_every_exception_class_derives_from_quizapp_error():
    found = list(_exception_classes())
    assert len(found) >= 15, "the module walk found too few exception classes to be right"
    outside = [f"{cls.__module__}.{cls.__qualname__}" for cls in found
               if not issubclass(cls, QuizappError) and cls.__name__ not in LOADER_SIGNALS]
    assert outside == []


def test_the_loader_signals_never_leave_the_loader():
    """No other module names them, so none raises or catches one; that load_bank turns each into an
    issue is tested with the limits (tests/security/test_yaml_limits.py) and the fast path (test_loader.py)."""
    elsewhere = [_relative(path) for path in SOURCES if _relative(path) != "bank/yaml_lines.py"
                 and any(name in path.read_text(encoding="utf-8") for name in LOADER_SIGNALS)]
    assert elsewhere == []


def test_a_builtin_stays_a_base_only_where_an_outside_caller_relies_on_it():
    """AST, so a class defined inside a function or a module the walk skips is seen too."""
    found = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                builtin = [ast.unparse(b) for b in node.bases if ast.unparse(b) in BUILTIN_EXCEPTIONS]
                if builtin:
                    found[(_relative(path), node.name)] = builtin
    assert set(found) == set(BUILTIN_BASES), found
    assert found[("exceptions.py", "ConfigurationError")] == ["RuntimeError"]  # and no other built-in


def test_the_root_module_imports_nothing_so_scoring_can_use_it():
    tree = ast.parse((PACKAGE / "exceptions.py").read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_scoring_takes_the_root_from_the_hierarchy_and_imports_no_web_or_database():
    tree = ast.parse((PACKAGE / "scoring" / "exceptions.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported == {"exceptions"}  # `from ..exceptions import QuizappError`
    from quizapp.scoring import exceptions as scoring_exceptions

    assert scoring_exceptions.QuizappError is QuizappError  # still importable where it was


def test_no_broad_builtin_is_caught_as_a_domain_error():
    """A new `except ValueError:` (or KeyError, Exception, …) needs an entry above saying which library
    call raises it; a domain condition raises and catches its own QuizappError subclass instead."""
    found = {}
    for path in SOURCES:
        for node, scope in _scoped(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = tuple(ast.unparse(t) for t in (node.type.elts if isinstance(node.type, ast.Tuple)
                                                    else [node.type])) if node.type is not None else ("",)
            reraises = isinstance(node.body[-1], ast.Raise) and node.body[-1].exc is None
            if (node.type is None or BROAD & set(caught)) and not reraises:
                found[(_relative(path), scope or "<module>", caught)] = f"line {node.lineno}"
    unexplained = sorted(set(found) - set(ALLOWED_BROAD_CATCHES))
    gone = sorted(set(ALLOWED_BROAD_CATCHES) - set(found))
    assert unexplained == [], [f"{p}:{found[(p, s, c)]} {s}: except {', '.join(c)}" for p, s, c in unexplained]
    assert gone == [], "no longer in the code: remove from ALLOWED_BROAD_CATCHES"
