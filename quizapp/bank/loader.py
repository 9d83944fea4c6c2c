"""Load a bank: the catalogue, then the question files, with ids unique across every file.

The loader never stops at the first problem: it collects all of them, so an instructor fixes
a file in one pass. A bank with any issue must not be imported (see sync.py). The parts:
yaml_lines (parsing), checking (the validators' words), questions, catalogue.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from . import schema
from .catalogue import load_assessments, load_courses, load_projects, load_roles, load_skills
from .definitions import Bank, BankIssue, QuestionDef, content_hash
from .questions import load_question_file, question_ids
from .yaml_lines import MAX_ISSUES, ParseBudget, display_path

__all__ = ["Bank", "BankIssue", "ParseBudget", "QuestionDef", "content_hash", "expand_paths", "load_bank",
           "question_files"]


def question_files(root: Path) -> list[Path]:
    """Every question file under root: *.yaml / *.yml except the catalogue files at the top."""
    files = [p for p in sorted(root.rglob("*.y*ml"))
             if p.suffix in (".yaml", ".yml") and not (p.parent == root and p.name in schema.CATALOGUE_FILES)]
    return files


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    out = []
    for p in paths:
        out.extend(sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml")) if p.is_dir() else [p])
    return out


def load_bank(root: Path | str, paths: Sequence[Path | str] | None = None, budget: ParseBudget | None = None) -> Bank:
    """Load the catalogue and questions under root; with paths, validate only those files.

    With a budget (an upload), the selected files share it: see ParseBudget.

    Issues are reported for the selected files (and the catalogue); question ids are checked
    for uniqueness against every file under root, so a new file cannot reuse an existing id.
    """
    root = Path(root)
    bank = Bank()
    issues = bank.issues

    def catalogue(name: str) -> Path | None:
        p = root / name
        return p if p.exists() else None

    skills_path = catalogue("skills.yaml")
    if skills_path is None:
        issues.append(BankIssue(display_path(root / "skills.yaml"), 1, "the skill taxonomy file is missing"))
    bank.skills = load_skills(skills_path, issues) if skills_path else []
    known = {s["id"] for s in bank.skills}
    if p := catalogue("roles.yaml"):
        bank.roles = load_roles(p, issues, bank.skills)
    if p := catalogue("courses.yaml"):
        bank.courses = load_courses(p, issues, bank.skills)
    if p := catalogue("projects.yaml"):
        bank.projects = load_projects(p, issues, bank.skills)
    if p := catalogue("assessments.yaml"):
        bank.assessments = load_assessments(p, issues, bank.skills, {r["id"] for r in bank.roles})

    all_files = question_files(root) if root.is_dir() else []
    selected = expand_paths([Path(p) for p in paths]) if paths else all_files
    selected = [p for p in selected if not (p.resolve().parent == root.resolve() and p.name in schema.CATALOGUE_FILES)]
    selected_set = {p.resolve() for p in selected}
    others = [p for p in all_files if p.resolve() not in selected_set]
    bank.files = [display_path(p) for p in selected]

    seen: dict[str, tuple[str, int]] = {}  # id → (path, line) where it first appears
    shown = display_path(root)
    for path in selected:
        shown = display_path(path)
        if len(issues) >= MAX_ISSUES:
            break
        defs, ids = load_question_file(path, issues, known if skills_path else None, budget)
        repeated = set()
        for qid, line in ids:
            if qid in seen:
                first_path, first_line = seen[qid]
                issues.append(BankIssue(shown, line, f"duplicate id (also at {first_path}:{first_line})", "q", qid))
                repeated.add((qid, line))
            else:
                seen[qid] = (shown, line)
        bank.questions.extend(qd for qd in defs if (qd.id, qd.line) not in repeated)
    if len(issues) >= MAX_ISSUES:
        issues.append(BankIssue(shown, 1, f"validation stopped here after {MAX_ISSUES:,} problems, so there may be "
                                          "more: fix these and validate again"))
    for path in others:  # only for id collisions; their own issues belong to another run
        for qid, line in question_ids(path):
            if qid in seen:
                mine_path, mine_line = seen[qid]
                issues.append(BankIssue(mine_path, mine_line, f"duplicate id (also at {display_path(path)}:{line})",
                                        "q", qid))
    return bank
