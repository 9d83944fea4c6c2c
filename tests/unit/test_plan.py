"""The next step and the paced study plan (reports/plan.py), on a report's plain data."""
from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from quizapp.reports.plan import build_plan, next_step, plan_calendar, week_runs
from quizapp.scoring.recommend import CourseInfo, cost_label, courses_for_skill

MONDAY = dt.date(2026, 12, 7)


def skill(sid, name, status, p_gap, prerequisites=()):
    label = {"gap": "Gap", "uncertain": "Not sure yet", "no_gap": "No gap"}[status]
    return {"skill_id": sid, "name": name, "status": status, "status_label": label, "p_gap": p_gap,
            "prerequisites": list(prerequisites)}


def course(cid, hours, cost="free", skills=()):
    return {"id": cid, "title": cid.title(), "provider": "Prov", "url": f"https://example.org/{cid}",
            "level": "beginner", "hours": hours, "cost": cost, "cost_label": cost_label(cost), "format": "course",
            "skill_ids": list(skills)}


def report(skills, resources):
    return {"skills": skills, "resources": resources}


# Machine learning (the top priority) builds on Probability; Statistics is not sure yet; SQL is no gap.
SKILLS = [skill("ml", "Machine learning", "gap", 0.9, ["prob"]), skill("prob", "Probability", "gap", 0.78),
          skill("stats", "Statistics", "uncertain", 0.5), skill("sql", "SQL", "no_gap", 0.05)]
SHARED = course("shared", 6, skills=["ml", "prob"])
RESOURCES = {
    "ml": [course("ml-paid", 100, "paid"), SHARED, course("ml-a", 4), course("ml-b", 3), course("ml-c", 2)],
    "prob": [course("prob-a", 5), SHARED, course("prob-audit", 10, "free-audit"), course("prob-c", 1)],
    "stats": [course("stats-a", 2), course("stats-b", 3)],
}


def test_next_step_is_the_first_gap_in_study_order_with_its_first_resource():
    step = next_step(report(SKILLS, RESOURCES))
    # Machine learning has the higher priority, but it builds on Probability: that comes first
    assert step["skill_id"] == "prob" and step["skill_name"] == "Probability" and step["status_label"] == "Gap"
    assert step["p_gap"] == 0.78
    assert step["builds_toward"] == "Machine learning"   # why it comes before the highest-priority gap
    assert next_step(report(SKILLS[1:], RESOURCES))["builds_toward"] is None   # the top gap itself
    assert step["resource"] == {"id": "prob-a", "title": "Prob-A", "provider": "Prov", "url": "https://example.org/prob-a",
                                "hours": 5, "cost_label": "Free", "reason": "For your gap in Probability (78\u00a0% sure)"}


def test_the_top_gaps_chain_comes_before_a_free_standing_skill_of_lower_priority():
    skills = [skill("ml", "Machine learning", "gap", 0.9, ["stats"]), skill("sql", "SQL", "gap", 0.8),
              skill("stats", "Statistics", "uncertain", 0.6, ["prob"]), skill("prob", "Probability", "gap", 0.7)]
    resources = {s["skill_id"]: [course(f"{s['skill_id']}-1", 2)] for s in skills}
    plan = build_plan(report(skills, resources), start=MONDAY)
    assert [r["id"] for r in plan["resources"]] == ["prob-1", "stats-1", "ml-1", "sql-1"]
    assert next_step(report(skills, resources))["skill_name"] == "Probability"  # the first gap of that chain


def test_next_step_without_a_gap_is_the_not_sure_skill_and_none_without_either():
    only_unsure = [s for s in SKILLS if s["status"] != "gap"]
    step = next_step(report(only_unsure, RESOURCES))
    assert step["skill_name"] == "Statistics" and step["status_label"] == "Not sure yet"
    assert step["resource"]["reason"] == "To settle Statistics: not sure yet (50\u00a0% likely below the target)"
    assert next_step(report([SKILLS[3]], {})) is None
    assert next_step(report(only_unsure, {}))["resource"] is None  # no course for it: said, not invented


def test_plan_puts_prerequisites_first_takes_three_per_gap_one_per_unsure_skill_and_no_duplicates():
    plan = build_plan(report(SKILLS, RESOURCES), start=MONDAY)
    ids = [r["id"] for r in plan["resources"]]
    # Machine learning's first resource is 100 h: nothing more joins its block (HOURS_PER_SKILL)
    assert ids == ["prob-a", "shared", "prob-audit", "ml-paid", "stats-a"]
    shared = plan["resources"][1]
    assert shared["skills"] == ["Probability", "Machine learning"]          # in the plan once, for both
    assert shared["reason"] == "For your gap in Probability (78\u00a0% sure)"    # one reason, the learner's own gap
    assert plan["resources"][2]["cost_label"] == "Free to audit, paid certificate"
    assert plan["resources"][3]["cost_label"] == "Paid"
    assert plan["total_hours"] == plan["remaining_hours"] == 5 + 6 + 10 + 100 + 2
    more = build_plan(report(SKILLS, RESOURCES), start=MONDAY, per_gap=6)
    assert [r["id"] for r in more["resources"]] == ["prob-a", "shared", "prob-audit", "prob-c", "ml-paid", "ml-a",
                                                    "ml-b", "ml-c", "stats-a"]


def test_a_skills_further_resources_stay_within_its_hours_unless_more_is_asked():
    skills = [skill("prob", "Probability", "gap", 0.78)]
    resources = {"prob": [course("p1", 10), course("p2", 120), course("p3", 25), course("p4", 20)]}
    assert [r["id"] for r in build_plan(report(skills, resources), start=MONDAY)["resources"]] == ["p1", "p3"]
    assert [r["id"] for r in build_plan(report(skills, resources), start=MONDAY, per_gap=6)["resources"]] == [
        "p1", "p2", "p3", "p4"]


def test_a_not_sure_skill_gets_the_shortest_of_its_first_three_resources():
    skills = [skill("stats", "Statistics", "uncertain", 0.55)]
    resources = {"stats": [course("mit", 100), course("book", 30), course("video", 3), course("tiny", 1)]}
    plan = build_plan(report(skills, resources), start=MONDAY)
    assert [r["id"] for r in plan["resources"]] == ["video"]
    assert next_step(report(skills, resources))["resource"]["id"] == "video"


def test_free_only_keeps_free_and_free_to_audit_and_says_what_is_left_uncovered():
    plan = build_plan(report(SKILLS, RESOURCES), free_only=True, start=MONDAY)
    assert "ml-paid" not in [r["id"] for r in plan["resources"]] and plan["free_only"]
    assert "prob-audit" in [r["id"] for r in plan["resources"]]
    none_free = build_plan(report(SKILLS[:1], {"ml": [course("ml-paid", 100, "paid")]}), free_only=True, start=MONDAY)
    assert none_free["resources"] == [] and none_free["uncovered"] == ["Machine learning"] and none_free["weeks"] == []


def test_weeks_are_dated_split_resources_across_weeks_and_reassess_each_skill_when_its_block_ends():
    skills = [skill("prob", "Probability", "gap", 0.78), skill("stats", "Statistics", "uncertain", 0.5)]
    resources = {"prob": [course("p1", 3), course("p2", 4)], "stats": [course("s1", 2)]}
    plan = build_plan(report(skills, resources), hours_per_week=5, start=MONDAY)
    weeks = plan["weeks"]
    assert [(w["number"], w["start"], w["end"]) for w in weeks] == [
        (1, MONDAY, dt.date(2026, 12, 13)), (2, dt.date(2026, 12, 14), dt.date(2026, 12, 20))]
    assert [(i["id"], i["hours"], i["done"]) for i in weeks[0]["items"]] == [("p1", 3, False), ("p2", 2, False)]
    assert [(i["id"], i["hours"]) for i in weeks[1]["items"]] == [("p2", 2), ("s1", 2)]
    assert weeks[0]["reassess"] == [] and weeks[1]["reassess"] == ["Probability", "Statistics"]
    assert plan["end"] == dt.date(2026, 12, 20)
    assert sum(i["hours"] for w in weeks for i in w["items"]) == plan["total_hours"] == 9


def test_done_resources_stay_listed_take_no_time_and_a_skill_all_done_is_reassessed_now():
    skills = [skill("prob", "Probability", "gap", 0.78), skill("stats", "Statistics", "gap", 0.9)]
    resources = {"prob": [course("p1", 3)], "stats": [course("s1", 12)]}
    plan = build_plan(report(skills, resources), hours_per_week=4, start=MONDAY, done={"p1"})
    assert [(r["id"], r["done"]) for r in plan["resources"]] == [("p1", True), ("s1", False)]
    assert plan["total_hours"] == 15 and plan["remaining_hours"] == 12
    assert [i["id"] for w in plan["weeks"] for i in w["items"]] == ["s1"] * 3
    assert plan["weeks"][0]["reassess"] == ["Probability"] and plan["weeks"][2]["reassess"] == ["Statistics"]


def test_weeks_on_one_long_resource_read_as_one_run_ended_by_a_reassessment():
    skills = [skill("la", "Linear algebra", "gap", 0.9), skill("prob", "Probability", "gap", 0.8)]
    plan = build_plan(report(skills, {"la": [course("long", 22)], "prob": [course("short", 3)]}), hours_per_week=5,
                      start=MONDAY)
    runs = week_runs(plan["weeks"])
    assert [(r["first"], r["last"], [i["id"] for i in r["items"]], r["reassess"]) for r in runs] == [
        (1, 4, ["long"], []), (5, 5, ["long", "short"], ["Linear algebra", "Probability"])]
    assert runs[0]["start"] == MONDAY and runs[0]["end"] == dt.date(2027, 1, 3)


@pytest.mark.parametrize("hours", [0, -3, float("nan"), float("inf")])
def test_hours_per_week_must_be_a_positive_number(hours):
    with pytest.raises(ValueError):
        build_plan(report(SKILLS, RESOURCES), hours_per_week=hours, start=MONDAY)


def test_the_calendar_is_rfc5545_with_a_study_block_per_week_and_an_event_per_reassessment():
    skills = [skill("prob", "Probability", "gap", 0.78), skill("stats", "Statistics", "uncertain", 0.5)]
    plan = build_plan(report(skills, {"prob": [course("p1", 3), course("p2", 4)], "stats": [course("s1", 2)]}),
                      hours_per_week=5, start=MONDAY)
    body = plan_calendar(plan, name="Study plan", assessment_url="https://quiz.example/attempt/new/a",
                         plan_url="https://quiz.example/report/x/plan", uid_prefix="plan-x",
                         stamp=dt.datetime(2026, 12, 7, 9, tzinfo=dt.timezone.utc))
    cal = Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    blocks = [e for e in events if str(e["SUMMARY"]).startswith("Study week")]
    reassess = [e for e in events if str(e["SUMMARY"]).startswith("Re-assess")]
    assert [str(e["SUMMARY"]) for e in blocks] == ["Study week 1: 5 h", "Study week 2: 4 h"]
    assert blocks[0]["DTSTART"].dt == MONDAY and blocks[0]["DTEND"].dt == dt.date(2026, 12, 14)  # all day, exclusive
    assert "P1: 3 h" in str(blocks[0]["DESCRIPTION"])
    assert [str(e["SUMMARY"]) for e in reassess] == ["Re-assess Probability", "Re-assess Statistics"]
    assert all(e["DTSTART"].dt == dt.date(2026, 12, 20) for e in reassess)
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids) and all(" " not in u and u.endswith("@quizapp") for u in uids)
    assert all("DTSTAMP" in e for e in events)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")  # CRLF lines


def test_courses_for_a_skill_put_the_learners_level_then_free_then_short_first():
    mk = lambda cid, level, cost, hours: CourseInfo(cid, cid, "P", "https://x.org", ("ml",), level, hours, cost)  # noqa: E731
    courses = [mk("paid-long", "beginner", "paid", 100), mk("audit", "beginner", "free-audit", 5),
               mk("free-long", "beginner", "free", 40), mk("free-short", "beginner", "free", 4),
               mk("advanced", "advanced", "free", 1), CourseInfo("other", "o", "P", "https://x.org", ("sql",),
                                                                "beginner", 1, "free")]
    assert [c.id for c in courses_for_skill("ml", -2.0, courses)] == ["free-short", "free-long", "audit", "paid-long",
                                                                     "advanced"]
    assert cost_label("free-audit") == "Free to audit, paid certificate" and cost_label("paid") == "Paid"
