"""The learner's next step and paced study plan, from a report's plain data (view_model.build_report).

Pure Python on the report dict, so the report page, the plan page, the calendar export and the PDF
all say the same thing. The report lists, per gap or not-sure skill, its courses in the order a plan
takes them (`report["resources"]`, scoring.recommend.courses_for_skill); this module picks from them.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Iterable

from icalendar import Calendar, Event

from ..scoring.gaps import GAP, UNCERTAIN
from ..scoring.recommend import all_prerequisites, cost_label

PER_GAP = 3          # resources per gap in a plan: a choice, not a reading list
PER_UNCERTAIN = 1    # a not-sure skill may well be no gap: one resource, then re-assess
MORE_PER_GAP = 6     # "show more"
# A skill's further resources join its block only while it stays within this many hours: the first is
# always taken, a 120-hour programme after it is not (that is what made the old list 800 hours). "Show
# more" (per_gap above PER_GAP) lifts the cap.
HOURS_PER_SKILL = 40.0
FREE_COSTS = ("free", "free-audit")   # what "free only" keeps: the material costs nothing
_EPS = 1e-9


def reason(row: dict) -> str:
    """Why a resource is in the plan, in one sentence that names the learner's own skill and call."""
    pct = round(row["p_gap"] * 100)
    if row["status"] == GAP:
        return f"For your gap in {row['name']} ({pct}\u00a0% sure)"
    return f"To settle {row['name']}: not sure yet ({pct}\u00a0% likely below the target)"


def _candidates(report: dict, row: dict, free_only: bool = False) -> list[dict]:
    """A skill's courses in the order the plan takes them. A not-sure skill needs settling more than
    study: the shortest of its first three comes first (not a 100-hour course before a re-assessment)."""
    courses = [c for c in report.get("resources", {}).get(row["skill_id"], [])
               if not free_only or c["cost"] in FREE_COSTS]
    if row["status"] == UNCERTAIN:
        courses = sorted(courses[:3], key=lambda c: c["hours"]) + courses[3:]
    return courses


def _weak(report: dict) -> list[dict]:
    """The gap and not-sure skills, in the report's priority order."""
    return [s for s in report["skills"] if s["status"] in (GAP, UNCERTAIN)]


def _order(rows: list[dict], report: dict) -> list[dict]:
    """Study order: each skill in priority order, right after those of its (transitive) prerequisites
    among `rows` that come before it, so the highest-priority gap's chain comes first and a free-standing
    skill of lower priority waits its turn."""
    prereqs = {s["skill_id"]: s.get("prerequisites", []) for s in report["skills"]}
    rank = {r["skill_id"]: n for n, r in enumerate(rows)}
    ordered: dict[str, dict] = {}
    visiting: set[str] = set()   # the bank refuses cycles; this only keeps a bad one from recursing

    def visit(row: dict) -> None:
        if row["skill_id"] in ordered or row["skill_id"] in visiting:
            return
        visiting.add(row["skill_id"])
        for pre in sorted(all_prerequisites(row["skill_id"], prereqs) & rank.keys(), key=rank.get):
            visit(rows[rank[pre]])
        ordered[row["skill_id"]] = row

    for row in rows:
        visit(row)
    return list(ordered.values())


def _resource(course: dict, row: dict) -> dict:
    return {"id": course["id"], "title": course["title"], "provider": course["provider"], "url": course["url"],
            "hours": course["hours"], "cost_label": cost_label(course["cost"]), "reason": reason(row)}


def next_step(report: dict) -> dict | None:
    """The one thing to do next: the first gap in study order (the highest-priority gap, or a gap it
    builds on) with its first resource; with no gap, the first not-sure skill in study order; else None."""
    order = _order(_weak(report), report)
    row = next((r for r in order if r["status"] == GAP), order[0] if order else None)
    if row is None:
        return None
    courses = _candidates(report, row)
    top = next((r for r in _weak(report) if r["status"] == GAP), None)
    return {"skill_id": row["skill_id"], "skill_name": row["name"], "status_label": row["status_label"],
            "p_gap": row["p_gap"], "resource": _resource(courses[0], row) if courses else None,
            # the highest-priority gap, when the step is a gap it builds on: the page says why this one comes first
            "builds_toward": top["name"] if top is not None and top is not row else None}


def build_plan(report: dict, hours_per_week: float = 5.0, free_only: bool = False, *,
               start: dt.date, done: Iterable[str] = frozenset(), per_gap: int = PER_GAP) -> dict:
    """A study plan: resources prerequisites first (at most `per_gap` per gap, one per not-sure skill,
    none twice), laid out in weeks of `hours_per_week` from `start`, each skill re-assessed in the week
    its last resource ends; a skill's further resources only within HOURS_PER_SKILL unless per_gap asks
    for more. Resources already `done` (course ids) stay listed but take no time."""
    if not (hours_per_week > 0 and math.isfinite(hours_per_week)):
        raise ValueError("hours_per_week must be a positive number")
    done = set(done)
    chosen: dict[str, dict] = {}
    skills_of: dict[str, list[str]] = {}     # course id -> skill ids it is in the plan for
    uncovered = []
    for row in _order(_weak(report), report):
        quota = per_gap if row["status"] == GAP else min(per_gap, PER_UNCERTAIN)
        courses = _candidates(report, row, free_only)
        cap = HOURS_PER_SKILL if per_gap <= PER_GAP else math.inf
        hours, taken = 0.0, 0
        for course in courses:
            if taken == quota:
                break
            if course["id"] not in chosen:
                if taken and hours + course["hours"] > cap:
                    continue
                chosen[course["id"]] = _resource(course, row) | {"done": course["id"] in done}
                skills_of[course["id"]] = []
                hours += course["hours"]
            skills_of[course["id"]].append(row["skill_id"])
            taken += 1
        if not courses:
            uncovered.append(row["name"])
    names = {s["skill_id"]: s["name"] for s in report["skills"]}
    resources = [r | {"skills": [names[s] for s in skills_of[r["id"]]]} for r in chosen.values()]
    weeks, last_week = _weeks(resources, hours_per_week, start)
    # A skill is re-assessed when its last resource ends; with every resource done, in the first week.
    for skill_id in dict.fromkeys(s for ids in skills_of.values() for s in ids):
        ends = [last_week[cid] for cid, ids in skills_of.items() if skill_id in ids and cid in last_week]
        week = max(ends, default=1)
        while len(weeks) < week:
            weeks.append(_week(len(weeks) + 1, start))
        weeks[week - 1]["reassess"].append(names[skill_id])
    total = sum(r["hours"] for r in resources)
    return {"hours_per_week": hours_per_week, "free_only": free_only, "total_hours": round(total, 2),
            "remaining_hours": round(sum(r["hours"] for r in resources if not r["done"]), 2),
            "resources": resources, "weeks": weeks, "uncovered": uncovered,
            "end": weeks[-1]["end"] if weeks else None}


def _week(number: int, start: dt.date) -> dict:
    first = start + dt.timedelta(weeks=number - 1)
    return {"number": number, "start": first, "end": first + dt.timedelta(days=6), "items": [], "reassess": []}


def _weeks(resources: list[dict], hours_per_week: float, start: dt.date) -> tuple[list[dict], dict[str, int]]:
    """Fill weeks of `hours_per_week` with the resources not done, in order, splitting one across weeks
    when it does not fit; also the week each resource ends."""
    weeks: list[dict] = []
    last_week: dict[str, int] = {}
    left = 0.0
    for r in resources:
        if r["done"]:
            continue
        need = r["hours"]
        while need > _EPS:
            if left <= _EPS:
                weeks.append(_week(len(weeks) + 1, start))
                left = hours_per_week
            take = min(need, left)
            weeks[-1]["items"].append({"id": r["id"], "title": r["title"], "hours": round(take, 2), "done": False})
            need -= take
            left -= take
        last_week[r["id"]] = len(weeks)
    return weeks, last_week


def week_runs(weeks: list[dict]) -> list[dict]:
    """The weeks for reading: consecutive weeks spent on the same one resource at the same hours read as
    one run ("Weeks 4-11"), so a long course is one line rather than eight; a re-assessment ends a run."""
    runs: list[dict] = []
    for week in weeks:
        run = runs[-1] if runs else None
        if (run and not run["reassess"] and len(week["items"]) == len(run["items"]) == 1
                and week["items"][0]["id"] == run["items"][0]["id"]
                and week["items"][0]["hours"] == run["items"][0]["hours"]):
            run["last"], run["end"], run["reassess"] = week["number"], week["end"], list(week["reassess"])
        else:
            runs.append({"first": week["number"], "last": week["number"], "start": week["start"], "end": week["end"],
                         "items": [dict(i) for i in week["items"]], "reassess": list(week["reassess"])})
    return runs


def plan_calendar(plan: dict, *, name: str, assessment_url: str, plan_url: str, uid_prefix: str,
                  stamp: dt.datetime) -> bytes:
    """The plan as an iCalendar file (RFC 5545): an all-day event per week's study block, and one per
    re-assessment on the last day of its block. UIDs are stable, so importing again updates the events."""
    cal = Calendar()
    cal.add("prodid", "-//quizapp//learning plan//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for week in plan["weeks"]:
        if week["items"]:
            hours = sum(i["hours"] for i in week["items"])
            event = _event(f"{uid_prefix}-week-{week['number']}", stamp, week["start"], week["end"],
                           f"Study week {week['number']}: {hours:g} h")
            event.add("description", "\n".join(f"{i['title']}: {i['hours']:g} h" for i in week["items"])
                      + f"\n\nYour plan: {plan_url}")
            event.add("url", plan_url)
            cal.add_component(event)
        for skill in week["reassess"]:
            event = _event(f"{uid_prefix}-reassess-{week['number']}-{skill}", stamp, week["end"], week["end"],
                           f"Re-assess {skill}")
            event.add("description", f"Take the assessment again to see where {skill} stands now: {assessment_url}")
            event.add("url", assessment_url)
            cal.add_component(event)
    return cal.to_ical()


def _event(uid: str, stamp: dt.datetime, first: dt.date, last: dt.date, summary: str) -> Event:
    event = Event()
    event.add("uid", "".join(c if c.isalnum() or c in "-.@" else "-" for c in uid) + "@quizapp")
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))   # all-day events end the day after (exclusive)
    event.add("summary", summary)
    event.add("transp", "TRANSPARENT")   # a reminder of the plan, not a busy slot
    return event
