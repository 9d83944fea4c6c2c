from quizapp.scoring.ability import SkillEstimate
from quizapp.scoring.gaps import GAP, NO_GAP, UNCERTAIN, SkillGap, Target
from quizapp.scoring.recommend import CourseInfo, course_level_for, prerequisite_order, recommend

PREREQS = {"ml": ["stats", "python"], "stats": ["prob"], "prob": [], "python": []}
NAMES = {"ml": "Machine learning", "stats": "Statistics", "prob": "Probability", "python": "Python"}


def gap(skill, status, theta=-1.0, p=0.9):
    return SkillGap(skill, SkillEstimate(theta, 0.5, p, 1.0, 0.0, 4), Target(3), status)


def course(cid, skills, level="beginner", cost="free", hours=10):
    return CourseInfo(cid, cid.title(), "Prov", f"https://example.org/{cid}", tuple(skills), level, hours, cost)


def test_prerequisites_come_first_even_when_ranked_lower():
    assert prerequisite_order(["ml", "python", "prob"], PREREQS) == ["python", "prob", "ml"]
    # transitive: prob is a prerequisite of stats, which ml needs
    assert prerequisite_order(["ml", "prob"], PREREQS) == ["prob", "ml"]


def test_unrelated_skills_keep_priority_order():
    assert prerequisite_order(["python", "prob"], PREREQS) == ["python", "prob"]


def test_recommend_orders_by_prerequisites_and_skips_no_gap_skills():
    gaps = [gap("ml", GAP), gap("prob", UNCERTAIN, p=0.5), gap("python", NO_GAP, theta=1.0, p=0.1)]
    courses = [course("ml-course", ["ml"]), course("prob-course", ["prob"]), course("py-course", ["python"])]
    recs = recommend(gaps, courses, PREREQS, NAMES)
    assert [r.course.id for r in recs] == ["prob-course", "ml-course"]
    assert "not sure yet" in recs[0].reason and "prerequisite of Machine learning" in recs[0].reason
    assert recs[1].reason.startswith("Machine learning is a gap (90 %")


def test_level_free_and_short_courses_win():
    g = gap("ml", GAP, theta=-1.2)  # a beginner
    courses = [course("adv", ["ml"], "advanced"), course("paid", ["ml"], cost="paid"),
               course("long", ["ml"], hours=100), course("best", ["ml"], hours=5)]
    recs = recommend([g], courses, PREREQS, NAMES)
    assert [r.course.id for r in recs] == ["best", "long"]


def test_a_course_covering_two_gaps_is_listed_once():
    recs = recommend([gap("ml", GAP), gap("stats", GAP)], [course("both", ["ml", "stats"])], PREREQS, NAMES)
    assert len(recs) == 1 and recs[0].skill_ids == ("stats", "ml")


def test_course_level_for():
    assert [course_level_for(t) for t in (-1, 0, 1)] == ["beginner", "intermediate", "advanced"]


def project(pid, skills, hours=10):
    from quizapp.scoring.recommend import ProjectInfo

    return ProjectInfo(pid, pid.title(), "desc", tuple(skills), "beginner", hours)


def test_project_builds_on_strengths_and_stretches_one_gap():
    from quizapp.scoring.recommend import suggest_project

    gaps = [gap("ml", GAP), gap("stats", GAP), gap("python", NO_GAP, theta=1, p=0.1), gap("prob", NO_GAP, theta=1, p=0.1)]
    projects = [project("two-gaps", ["ml", "stats", "python", "prob"]),
                project("one-gap", ["ml", "python", "prob"]),
                project("no-gap", ["python", "prob"]),
                project("one-gap-fewer-strengths", ["stats", "python"])]
    s = suggest_project(gaps, projects, NAMES)
    assert s.project.id == "one-gap" and s.stretch == "ml" and s.strengths == ("python", "prob")
    assert s.reason == "Builds on your strengths in Python and Probability and stretches Machine learning."


def test_no_project_without_a_gap():
    from quizapp.scoring.recommend import suggest_project

    assert suggest_project([gap("python", NO_GAP, p=0.1)], [project("p", ["python"])], NAMES) is None


# --- edges found by mutation testing (docs/mutation.md) -----------------------------------------

from quizapp.scoring.recommend import all_prerequisites, suggest_project  # noqa: E402


def weighted_gap(skill, status, shortfall, weight=1.0):
    return SkillGap(skill, SkillEstimate(-1.0, 0.5, 0.9 if status == GAP else 0.5, shortfall, 0.0, 4),
                    Target(3, weight), status)


def test_course_level_cuts_belong_to_the_level_above():
    assert [course_level_for(t) for t in (-0.75, 0.75)] == ["intermediate", "advanced"]


def test_all_prerequisites_follow_chains_and_stop_at_cycles():
    assert all_prerequisites("ml", PREREQS) == {"stats", "python", "prob"}
    assert all_prerequisites("unlisted", PREREQS) == set()
    assert all_prerequisites("a", {"a": ["b"]}) == {"b"}                       # b has no entry of its own
    assert all_prerequisites("a", {"a": ["b"], "b": ["a"]}) == {"b"}           # a skill is not its own prerequisite


def test_prerequisite_order_survives_a_cycle():
    assert prerequisite_order(["a", "b"], {"a": ["b"], "b": ["a"]}) == ["a", "b"]


def test_courses_nearest_the_learners_level_come_first():
    middle = gap("ml", GAP, theta=0.0)                                        # an intermediate learner
    courses = [course("beg", ["ml"], "beginner", hours=1), course("mid", ["ml"], "intermediate", hours=50),
               course("adv", ["ml"], "advanced", hours=2)]
    assert [r.course.id for r in recommend([middle], courses, PREREQS, NAMES)] == ["mid", "beg"]


def test_a_course_of_unknown_level_counts_as_intermediate():
    middle = gap("ml", GAP, theta=0.0)
    courses = [course("adv", ["ml"], "advanced", hours=1), course("any", ["ml"], "all levels", hours=50)]
    assert [r.course.id for r in recommend([middle], courses, PREREQS, NAMES)] == ["any", "adv"]


def test_a_course_covering_more_of_the_gaps_comes_first():
    courses = [course("ml-only", ["ml"], hours=1), course("both", ["ml", "stats"], hours=50)]
    recs = recommend([gap("ml", GAP), gap("stats", GAP)], courses, {}, NAMES)
    assert [r.course.id for r in recs][:1] == ["both"]


def test_a_not_sure_skill_gets_one_course_and_a_gap_two():
    courses = [course("one", ["ml"], hours=1), course("two", ["ml"], hours=2), course("three", ["ml"], hours=3)]
    assert [r.course.id for r in recommend([gap("ml", UNCERTAIN, p=0.5)], courses, {}, NAMES)] == ["one"]
    assert [r.course.id for r in recommend([gap("ml", GAP)], courses, {}, NAMES)] == ["one", "two"]


def test_reasons_are_spelled_out():
    gaps = [gap("prob", UNCERTAIN, p=0.5), gap("ml", GAP), gap("stats", GAP, p=0.8)]
    courses = [course("p", ["prob"], hours=7.5, cost="paid"), course("m", ["ml"]), course("s", ["stats"])]
    recs = {r.course.id: r.reason for r in recommend(gaps, courses, PREREQS, NAMES)}
    assert recs["p"] == ("Probability is not sure yet (50 % likely below the target) and is a prerequisite of "
                         "Machine learning, Statistics; beginner level, about 7.5 h, paid.")
    assert recs["m"] == "Machine learning is a gap (90 % likely below the target); beginner level, about 10 h, free."
    unnamed = recommend([gap("ml", GAP)], [course("m", ["ml"])], PREREQS, {})
    assert unnamed[0].reason.startswith("ml is a gap (90 % likely below the target);")
    assert "prerequisite of stats" in recommend([gap("prob", GAP), gap("stats", GAP)], [course("p", ["prob"])],
                                                PREREQS, {})[0].reason


def test_project_stretches_the_weak_skill_that_matters_most():
    gaps = [weighted_gap("stats", GAP, 0.5), weighted_gap("ml", GAP, 2.0), gap("python", NO_GAP, theta=1, p=0.1)]
    s = suggest_project(gaps, [project("p", ["stats", "ml", "python"])], NAMES)
    assert s.stretch == "ml"


def test_project_choice_prefers_a_gap_then_shorter_and_reads_every_project():
    gaps = [weighted_gap("ml", GAP, 1.0), weighted_gap("stats", UNCERTAIN, 1.0)]
    projects = [project("strong-only", ["python"]), project("on-stats", ["stats"], hours=1),
                project("on-ml-long", ["ml"], hours=30), project("on-ml-short", ["ml"], hours=20)]
    s = suggest_project(gaps, projects, NAMES)
    assert s.project.id == "on-ml-short"
    assert s.reason == "Practises Machine learning in a project you can show." and s.strengths == ()


def test_project_reason_names_fall_back_to_ids_and_join_lists():
    gaps = [gap("ml", GAP), gap("a", NO_GAP, p=0.1), gap("b", NO_GAP, p=0.1), gap("c", NO_GAP, p=0.1)]
    s = suggest_project(gaps, [project("p", ["ml", "a", "b", "c"])], {})
    assert s.reason == "Builds on your strengths in a, b and c and stretches ml."
    s = suggest_project(gaps[:2], [project("p", ["ml", "a"])], {"a": "Algebra"})
    assert s.reason == "Builds on your strengths in Algebra and stretches ml."


def test_a_project_stretches_its_highest_priority_gap():
    """Two gaps in one project: it stretches the one that matters most (weight × shortfall), not the first by name."""
    gaps = [weighted_gap("algebra", GAP, 0.2), weighted_gap("stats", GAP, 0.9), gap("python", NO_GAP, theta=1, p=0.1)]
    s = suggest_project(gaps, [project("p", ["algebra", "stats", "python"])], NAMES)
    assert s.stretch == "stats"
