"""`quizapp bank …`: validate, lint, verify, freeze, import, stats, schema, convert and export."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def _questions_dir(path: str | None) -> Path:
    return Path(path or current_app.config["QUESTIONS_DIR"])


def _valid_bank(root, paths, doing: str):
    """Load the bank; on any validation error print every one and exit 1 before `doing` anything."""
    from ..bank.loader import load_bank

    bank = load_bank(_questions_dir(root), paths or None)
    if bank.issues:
        _print_issues(bank.issues)
        click.echo(f"{len(bank.issues)} validation error(s); fix them before {doing}.", err=True)
        sys.exit(1)
    return bank


def _print_issues(issues) -> None:
    for issue in issues:
        click.echo(str(issue), err=True)



bank_cli = click.Group("bank", help="Validate, verify, freeze, import and count the YAML question banks.")


@bank_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@with_appcontext
def validate_command(paths, root) -> None:
    """Check question files (all of them, or PATHS); exit 1 on any error."""
    from ..bank.loader import load_bank

    bank = load_bank(_questions_dir(root), paths or None)
    _print_issues(bank.issues)
    if bank.issues:
        click.echo(f"{len(bank.issues)} error(s) in {len(bank.files)} file(s).", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(bank.questions)} questions in {len(bank.files)} files, {len(bank.skills)} skills, "
               f"{len(bank.roles)} roles, {len(bank.courses)} courses, {len(bank.assessments)} assessments.")


@bank_cli.command("verify")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@click.option("--workers", default=2, show_default=True, help="Checks run at the same time.")
@with_appcontext
def verify_command(paths, root, workers) -> None:
    """Run every question's `check` in the sandbox and compare it with the marked key, and the frozen
    keys of parameterised questions with what their checks compute now; exit 1 on a mismatch."""
    from collections import Counter

    from ..bank import frozen
    from ..bank.checks import run_checks

    bank = _valid_bank(root, paths, "verifying")
    with_check = [q for q in bank.questions if q.definition.get("check")]
    outcomes = run_checks(with_check, workers=workers, untrusted_ids=_uploaded_ids(root))
    try:
        stored = frozen.load(_questions_dir(root))
    except frozen.UnreadableFile as exc:
        raise click.ClickException(str(exc)) from None
    mismatched = 0
    for outcome in outcomes:
        if outcome.status in ("failed", "error"):
            click.echo(str(outcome), err=True)
        elif outcome.status == "verified" and outcome.variants:
            entry = stored.get(outcome.question.id) or {}
            if entry.get("content_hash") != outcome.question.content_hash:
                problem = "its keys are not frozen for this version; run `quizapp bank freeze`"
            elif entry.get("variants") != _plain(outcome.variants):
                problem = f"the keys frozen in {frozen.FILE_NAME} differ from what its check computes now; " \
                          "run `quizapp bank freeze`"
            else:
                continue
            mismatched += 1
            q = outcome.question
            click.echo(f"{q.path}:{q.line}: q '{q.id}': {problem}", err=True)
    by_status = Counter(o.status for o in outcomes)
    skipped = Counter(o.message for o in outcomes if o.status == "skipped")
    variants = sum(len(o.variants) for o in outcomes)
    click.echo(f"verified {by_status['verified']} keys ({variants} parameter combinations), "
               f"failed {by_status['failed']}, errors {by_status['error']}, skipped {by_status['skipped']}; "
               f"frozen keys out of date {mismatched}; {len(bank.questions) - len(with_check)} questions have no check")
    for reason, count in skipped.most_common():
        click.echo(f"  skipped {count}: {reason}")
    if by_status["failed"] or by_status["error"] or mismatched:
        sys.exit(1)


def _plain(variants) -> list[dict]:
    """Variants as they read back from JSON (tuples become lists), to compare with the file."""
    return json.loads(json.dumps(list(variants)))


def _uploaded_ids(root) -> frozenset[str]:
    from ..bank import provenance

    try:
        return provenance.uploaded_ids(_questions_dir(root))
    except provenance.UnreadableRecord as exc:
        raise click.ClickException(str(exc)) from None


@bank_cli.command("freeze")
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@click.option("--workers", default=2, show_default=True, help="Checks run at the same time.")
@with_appcontext
def freeze_command(root, workers) -> None:
    """Compute the keys of every parameterised question by running its check in the sandbox, and write
    them to questions/variants.json (commit it): import and the server then run no question code."""
    from ..bank import frozen
    from ..bank.checks import run_checks

    bank = _valid_bank(root, (), "freezing")
    parameterised = [q for q in bank.questions if q.definition.get("params")]
    outcomes = run_checks(parameterised, workers=workers, untrusted_ids=_uploaded_ids(root))
    failed = [o for o in outcomes if o.status != "verified"]
    for outcome in failed:
        click.echo(str(outcome), err=True)
    if failed:
        click.echo(f"{len(failed)} parameterised question(s) could not be computed; {frozen.FILE_NAME} was not "
                   "changed.", err=True)
        sys.exit(1)
    entries = {o.question.id: {"content_hash": o.question.content_hash, "variants": _plain(o.variants)}
               for o in outcomes}
    target = frozen.write(_questions_dir(root), entries)
    click.echo(f"Froze the keys of {len(entries)} parameterised question(s) "
               f"({sum(len(e['variants']) for e in entries.values())} combinations) in {target}.")


@bank_cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@click.option("--max-age-days", default=365, show_default=True, help="A `reviewed:` date older than this warns.")
@with_appcontext
def lint_command(paths, root, max_age_days) -> None:
    """Review content: errors (exit 1) and warnings, as path:line: q 'id': level: message."""
    from ..bank.lint import ERROR, lint_bank

    bank = _valid_bank(root, paths, "linting")
    findings = lint_bank(bank, max_age_days=max_age_days)
    for finding in findings:
        click.echo(str(finding), err=finding.level == ERROR)
    errors = sum(f.level == ERROR for f in findings)
    click.echo(f"lint: {errors} error(s), {len(findings) - errors} warning(s) in {len(bank.questions)} questions")
    if errors:
        sys.exit(1)


@bank_cli.command("schema")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def schema_command(output) -> None:
    """Print the JSON Schema of question files (for editor completion)."""
    from ..bank.jsonschema import file_schema

    text = json.dumps(file_schema(), indent=2) + "\n"
    if output:
        output.write_text(text)
        click.echo(f"Wrote {output}")
    else:
        click.echo(text, nl=False)


def _category_skills(pairs: tuple[str, ...]) -> dict[str, str]:
    """`--category-skill 'Python/Basics=python.core'` options as a mapping; a malformed one is an error."""
    from ..bank.formats._common import category_path

    mapping: dict[str, str] = {}
    for pair in pairs:
        category, sep, skill = pair.rpartition("=")
        category, skill = category_path(category) if category.strip() else "", skill.strip()
        if not sep or not category or not skill:
            raise click.BadParameter(f"{pair!r} is not CATEGORY=SKILL (e.g. 'Python/Basics=python.core')",
                                     param_hint="--category-skill")
        if mapping.get(category, skill) != skill:
            raise click.BadParameter(f"category {category!r} is mapped twice", param_hint="--category-skill")
        mapping[category] = skill
    return mapping


@bank_cli.command("convert")
@click.option("--from", "source_format", type=click.Choice(["gift", "aiken", "moodle-xml", "qti", "canvas"]),
              required=True, help="qti: QTI 2.1/2.2/3.0 (a zip package, a folder or one item file); canvas: a "
                                  "Canvas quiz export (QTI 1.2 zip, folder or .xml.qti file).")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--skill", required=True, help="The file-level skill of the converted questions, e.g. python.core.")
@click.option("--category-skill", "category_skill_pairs", multiple=True, metavar="CATEGORY=SKILL",
              help="Give the questions of a source category (and its subcategories) this skill, e.g. "
                   "'Python/Basics=python.core'; repeatable. Categories not mapped are reported.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The YAML file to write (refuses to overwrite).")
def convert_command(source_format, source, skill, category_skill_pairs, output) -> None:
    """Convert a GIFT, Aiken, Moodle XML, QTI or Canvas file into a YAML question file."""
    category_skills = _category_skills(category_skill_pairs)
    if output.exists():
        raise click.ClickException(f"{output} exists; choose another name")
    if source_format in ("qti", "canvas"):
        result = _read_package(source_format, source)
    elif source.is_dir():
        raise click.ClickException(f"{source} is a folder; --from {source_format} reads one file")
    else:
        result = _read_text_format(source_format, source, category_skills)
    _write_converted(result, source, skill, category_skills, output)


def _read_package(source_format: str, source: Path):
    """A QTI or Canvas package (zip, folder or one XML file); a hostile or broken one is a clear error."""
    from ..bank.formats.canvas import import_canvas_files
    from ..bank.formats.packages import PackageError, read_source
    from ..bank.formats.qti import import_qti_files

    try:
        files = read_source(source)
    except (PackageError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    reader = import_qti_files if source_format == "qti" else import_canvas_files
    return reader(files, str(source))


def _read_text_format(source_format: str, source: Path, category_skills):
    from ..bank.formats.aiken import import_aiken
    from ..bank.formats.gift import import_gift
    from ..bank.formats.moodle_xml import import_moodle_xml

    data = source.read_bytes()
    if source_format == "moodle-xml":
        result = import_moodle_xml(data, str(source), category_skills)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise click.ClickException(f"{source}: not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from None
        result = (import_gift if source_format == "gift" else import_aiken)(text, str(source), category_skills)
    return result


def _write_converted(result, source: Path, skill: str, category_skills, output: Path) -> None:
    from ..bank.formats import to_yaml

    paths = {path for _, path in result.category_lines}
    unused = [c for c in category_skills if not any(p == c or p.startswith(c + "/") for p in paths)]
    if unused:
        known = ", ".join(repr(p) for p in sorted(paths)) or "none"
        raise click.ClickException(f"--category-skill: no category in {source} is or lies under "
                                   f"{', '.join(map(repr, unused))} (its categories: {known}); nothing was written")
    for issue in result.issues:
        who = f" q '{issue.question}':" if issue.question else ""
        where = f"{source}/{issue.source}" if issue.source and issue.source not in (str(source), source.name) else str(source)
        click.echo(f"{where}:{issue.line}:{who} {issue.message}", err=True)
    if not result.questions:
        raise click.ClickException("no question could be converted; nothing was written")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(to_yaml(result.questions, skill), encoding="utf-8")
    click.echo(f"Wrote {len(result.questions)} question(s) to {output}; {len(result.issues)} note(s) above. "
               f"Run `quizapp bank validate {output}` next.")


@bank_cli.command("export")
@click.option("--to", "target_format", type=click.Choice(["gift", "moodle-xml", "qti"]), required=True,
              help="qti: a QTI 3.0 package (zip), written with -o only.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@with_appcontext
def export_command(target_format, paths, output, root) -> None:
    """Export question files to GIFT, Moodle XML or a QTI 3.0 package; what cannot be carried is reported per question."""
    from ..bank.formats import exporter
    from ..bank.loader import load_bank

    if target_format == "qti" and output is None:
        raise click.ClickException("a QTI package is a zip file; give -o PACKAGE.zip")
    bank = load_bank(_questions_dir(root), paths)
    if bank.issues:
        _print_issues(bank.issues)
        sys.exit(1)
    pairs = [(q.id, q.definition) for q in bank.questions]
    result = exporter(target_format)(pairs, {q.id: (q.path, q.line) for q in bank.questions})
    for issue in result.issues:
        click.echo(str(issue), err=True)
    skipped, notes = len(pairs) - len(result.written), len(result.issues) - len(result.skipped)
    count = f"{len(result.written)} of {len(pairs)} question(s)"
    tail = ((f"; {skipped} not exported (reasons above)" if skipped else "")
            + (f"; {notes} note(s) above on what {target_format} does not keep" if notes else ""))
    if not result.written:
        raise click.ClickException(f"no question could be exported ({count}{tail}); nothing was written")
    if output and result.data is not None:
        output.write_bytes(result.data)
        click.echo(f"Wrote {count} to {output}{tail}.", err=True)
    elif output:
        output.write_text(result.text, encoding="utf-8")
        click.echo(f"Wrote {count} to {output}{tail}.", err=True)
    else:
        click.echo(result.text, nl=False)
        click.echo(f"Exported {count}{tail}.", err=True)


@bank_cli.command("import")
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@with_appcontext
def import_command(root) -> None:
    """Import the banks into the database: all or nothing, idempotent, versioned. Runs no question code:
    the keys of parameterised questions come from questions/variants.json (`quizapp bank freeze`)."""
    from ..bank import frozen
    from ..bank.loader import load_bank
    from ..bank.sync import sync_bank
    from ..extensions import db

    bank = load_bank(_questions_dir(root))
    if bank.issues:
        _print_issues(bank.issues)
        click.echo(f"{len(bank.issues)} error(s); nothing was imported.", err=True)
        sys.exit(1)
    try:
        report = sync_bank(db.session, bank, frozen.lookup(_questions_dir(root)))
        db.session.commit()
    except frozen.FrozenKeysError as exc:
        db.session.rollback()
        click.echo(f"{exc}\nThe keys of a parameterised question could not be computed; nothing was imported.",
                   err=True)
        sys.exit(1)
    except Exception:
        db.session.rollback()
        raise
    click.echo("Imported. " + report.line())


@bank_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--dir", "root", type=click.Path(file_okay=False), help="The questions folder (default: QUESTIONS_DIR).")
@with_appcontext
def stats_command(as_json, root) -> None:
    """Count questions per area, skill, type and difficulty."""
    from ..bank.loader import load_bank
    from ..bank.stats import bank_stats

    bank = load_bank(_questions_dir(root))
    stats = bank_stats(bank)
    if as_json:
        click.echo(json.dumps(stats, indent=2))
    else:
        click.echo(f"{stats['questions']} questions, {stats['skills']} skills, {stats['courses']} courses, "
                   f"{stats['roles']} roles, {stats['assessments']} assessments; "
                   f"free entry {stats['free_entry_share']:.0%}")
        for title, key in (("area", "per_area"), ("type", "per_type"), ("difficulty", "per_difficulty")):
            click.echo(f"\nper {title}:")
            for name, count in stats[key].items():
                click.echo(f"  {name:<28} {count:>5}")
        click.echo("\nper skill:                    total    1    2    3    4    5")
        for skill, count in stats["per_skill"].items():
            row = stats["per_skill_difficulty"].get(skill, {})
            click.echo(f"  {skill:<28} {count:>5}" + "".join(f"{row.get(str(d), 0):>5}" for d in range(1, 6)))
    if bank.issues:
        click.echo(f"warning: {len(bank.issues)} validation error(s); run `quizapp bank validate`.", err=True)
