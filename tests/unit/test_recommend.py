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
