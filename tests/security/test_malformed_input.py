"""No malformed input is a 5xx: every route of app.url_map, with generated path arguments and form fields.

The explicit cases are the ones found before (ids beyond 64 bits, a problem report without its note);
the Hypothesis walk covers the class: for each rule, its arguments are real objects of a world
(learner A's attempts, the instructor's cohort and upload) or hostile values (huge and negative
numbers, Unicode digits, empty, very long), requested with GET and with POST (a valid CSRF token, so
the view body runs, and fields named as the app's forms name them) as learner A, the instructor and
a guest. With TESTING on, an exception in a view propagates and fails the example too.
Run on PostgreSQL as well (scripts/test_postgres.py): that is where INTEGER overflow raises.
"""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from quizapp.extensions import db
from quizapp.models import ProblemReport
from quizapp.web.ids import MAX_ID
from tests.helpers import INSTRUCTOR, LEARNER_A, add_user, build_world, login, new_client, next_address, token_of

HUGE = ["99999999999999999999999", str(MAX_ID + 1), str(2**63), str(2**64), "1" + "0" * 400]
HOSTILE = HUGE + [
    "0", "-1", "-99999999999999999999999", "00000000000000000001", "١٢", "²", "1_000", " 1", "1 ", "+1", "1e3",
    "0x10", "nan", "", "a" * 3000, "é" * 500, "\U0001F600" * 20, "\x00", "../../etc/passwd", "..", ".", "%", "%00",
    "<script>", "' OR 1=1 --", "{{7*7}}", "\u202e", "null", "true", "[]",
]
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
HOSTILE_VALUE = st.one_of(st.sampled_from(HOSTILE), TEXT,
                          st.integers(min_value=-(2**80), max_value=2**80).map(str))
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# Every route is walked with this many examples per method (about 30 s in all on SQLite, 2 cores).
WALK = settings(max_examples=25, deadline=None, database=None, phases=(Phase.explicit, Phase.generate),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def own_world(tmp_path_factory):
    """A world of its own: the walk posts to every route (it submits, publishes, discards, joins)."""
    world = build_world(tmp_path_factory.mktemp("malformed"))
    yield world
    with world.app.app_context():
        db.session.remove()
        db.drop_all()


# --- the defects found before, named --------------------------------------------------------------

@pytest.mark.parametrize("huge", HUGE)
def test_an_id_beyond_the_database_range_in_a_url_is_a_404(own_world, huge):
    learner, teacher = own_world.clients[LEARNER_A], own_world.clients[INSTRUCTOR]
    attempt = own_world.ids["in_progress"]
    assert learner.get(f"/attempt/{attempt}/q/{huge}").status_code == 404
    token = token_of(learner, f"/attempt/{attempt}/q/1")
    response = learner.post(f"/attempt/{attempt}/q/{huge}", data={"csrf_token": token, "answer": "0"})
    assert response.status_code == 404
    response = learner.post(f"/attempt/{attempt}/q/{huge}/problem", data={"csrf_token": token, "p1-reason": "typo"})
    assert response.status_code == 404
    assert teacher.get(f"/instructor/cohorts/{huge}").status_code == 404
    assert teacher.get(f"/instructor/cohorts/{huge}/responses.csv").status_code == 404


@pytest.mark.parametrize("report_id", HUGE + ["²", "١٢", "-1", "0", "1_0", "", " 1", "abc"])
def test_a_malformed_report_id_in_the_resolve_form_is_a_400_with_a_message(own_world, report_id):
    teacher = own_world.clients[INSTRUCTOR]
    token = token_of(teacher, "/instructor/reports")
    response = teacher.post("/instructor/reports/resolve", data={"csrf_token": token, "report_id": report_id})
    assert response.status_code == 400
    assert "Choose a report to resolve." in response.text


def test_the_largest_id_the_database_holds_is_still_a_plain_404(own_world):
    assert own_world.clients[INSTRUCTOR].get(f"/instructor/cohorts/{MAX_ID}").status_code == 404


def test_a_problem_report_without_its_optional_note_is_stored_with_an_empty_note(own_world):
    learner = own_world.clients[LEARNER_A]
    attempt = own_world.ids["in_progress"]
    token = token_of(learner, f"/attempt/{attempt}/q/1")
    response = learner.post(f"/attempt/{attempt}/q/1/problem", data={"csrf_token": token, "p1-reason": "ambiguous"})
    assert response.status_code == 303
    with own_world.app.app_context():
        report = db.session.scalars(select(ProblemReport).order_by(ProblemReport.id.desc())).first()
        assert (report.reason, report.note) == ("ambiguous", "")


# --- every route, generated -----------------------------------------------------------------------

def _form_classes() -> list[type[FlaskForm]]:
    from quizapp.questiontypes import QUESTION_TYPES
    from quizapp.quiz.forms import _answer_form_class

    for name in QUESTION_TYPES:  # the answer forms are classes built (and cached) per question type
        _answer_form_class(name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def form_fields() -> dict[str, list[str]]:
    """Every field name the app's forms read (ProblemForm also with the prefix of position 1), each
    with the values its choices allow: so generated posts pass validation often enough to run the view."""
    fields: dict[str, set[str]] = {}
    for form in _form_classes():
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            choices = [c[0] if isinstance(c, tuple) else getattr(c, "value", c)
                       for c in unbound.kwargs.get("choices") or []]
            for key in (name, f"p1-{name}"):
                fields.setdefault(key, set()).update(str(c) for c in choices)
    fields.pop("csrf_token", None)
    return {name: sorted(values) for name, values in sorted(fields.items())}


def sample_arguments(world, principal: str) -> dict[str, list[str]]:
    """Real values for every URL argument, the principal's own objects where it has some: so a hostile
    field or argument reaches the body of a view that would otherwise stop at its 404."""
    ids = world.ids
    attempts = {"learner": [ids["in_progress"], ids["submitted"], ids["adaptive"]],
                "guest": [ids["guest_attempt"]]}.get(principal, [ids["in_progress"]])
    return {
        "public_id": attempts,
        "position": ["1", "2"],
        "skill_id": [ids["skill"]],
        "assessment_id": ["everything", "adapt", "drill"],
        "token": [ids["upload"]],
        "relpath": ["topics/basics.yaml"],
        "fmt": ["gift", "moodle-xml", "csv", "json"],
        "cohort_id": [str(ids["cohort"])],
        "version_id": [str(ids["version"])],
        "question_id": [ids["question"]],
        "filename": ["style.css"],
        "user_id": ["1", "2"],
        "session_id": ["1", "2"],
    }


def argument_values(rule, samples: dict[str, list[str]]):
    """A real value or a hostile one for each of the rule's arguments; numbers beyond the database's
    range are drawn as often as anything else for an `int` argument."""
    def one(name: str):
        hostile = HOSTILE_VALUE
        if isinstance(rule._converters[name], IntegerConverter):
            hostile = st.one_of(st.sampled_from(HUGE), st.integers(min_value=MAX_ID + 1, max_value=2**80).map(str),
                                HOSTILE_VALUE)
        return st.one_of(st.sampled_from(samples[name]), hostile)
    return st.fixed_dictionaries({name: one(name) for name in rule.arguments})


def _url(rule: str, values: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda m: quote(values[m.group(1)].encode("utf-8"), safe=""), rule)


def _body(token: str, fields: dict) -> dict:
    return {"csrf_token": token, **{name: value for name, value in fields.items() if value is not None}}


def test_every_route_argument_has_samples(own_world):
    samples = sample_arguments(own_world, "learner")
    missing = sorted({f"{rule.endpoint}: {arg}" for rule in own_world.app.url_map.iter_rules()
                      for arg in rule.arguments if arg not in samples})
    assert not missing, f"add samples for these URL arguments to sample_arguments(): {missing}"


# (auth.guest_data forgets the guest's attempts: a throwaway session too)
SESSION_CHANGING = {"auth.login", "auth.register", "auth.logout", "auth.logout_everywhere", "auth.change_password",
                    "auth.end_one_session", "auth.guest_data"}


def test_no_route_answers_5xx_to_generated_arguments_and_fields(own_world):
    world, app = own_world, own_world.app
    fields = form_fields()
    with app.app_context():
        add_user("walk-logout@example.org")
        db.session.commit()
    principals = {name: world.clients[key] for name, key in (("learner", LEARNER_A), ("instructor", INSTRUCTOR),
                                                              ("guest", "guest"))}
    tokens = {name: token_of(client) for name, client in principals.items()}
    field_values = st.fixed_dictionaries({name: st.one_of(st.none(), st.sampled_from(values or ["y"]), HOSTILE_VALUE)
                                          for name, values in fields.items()})
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    walked = []
    for rule in rules:
        requests = st.sampled_from(sorted(principals)).flatmap(
            lambda principal, rule=rule: st.tuples(st.just(principal),
                                                   argument_values(rule, sample_arguments(world, principal))))
        for method in sorted(rule.methods & {"GET", "POST"}):
            _walk(app, rule, method, requests, field_values, principals, tokens)
            walked.append(f"{method} {rule.rule}")
    assert len(walked) >= 30, walked


def _walk(app, rule, method: str, requests, field_values, principals: dict, tokens: dict) -> None:
    """`method` on `rule` with generated arguments (`requests`: principal and URL values) and form
    fields: no answer is a 5xx."""

    @WALK
    @given(requests, field_values)
    def request(principal_and_values, posted):
        principal, values = principal_and_values
        url = _url(rule.rule, values)
        client, token = principals[principal], tokens[principal]
        if method == "POST" and rule.endpoint in SESSION_CHANGING:
            # A login, registration or logout would change the principal's session (a logout
            # ends every session of the account): use a throwaway session instead.
            client = (login(app, "walk-logout@example.org")
                      if rule.endpoint in ("auth.logout", "auth.logout_everywhere", "auth.change_password",
                                           "auth.end_one_session")
                      else new_client(app))
            token = token_of(client)
        client.environ_base["REMOTE_ADDR"] = next_address()  # never the throttle's 429 instead
        response = client.open(url, method=method, data=_body(token, posted) if method == "POST" else None)
        response.close()
        assert response.status_code < 500, (method, url, principal, posted, response.status_code)

    request()
