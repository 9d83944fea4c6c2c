"""My history: the progress chart's points dated, never internal ids; assessments listed apart from practice."""
import re

from quizapp.models import utcnow
from tests.helpers import items_of, right_answer


def sit(learner, app, assessment, mode):
    learner.start(assessment, mode=mode)
    for position, definition, order in items_of(app, learner.public_id):
        learner.answer(position, right_answer(definition, order))
    assert learner.submit().status_code == 303


def test_history_dates_each_point_and_keeps_practice_apart(app, client, auth, learner):
    auth.register()
    sit(learner, app, "everything", "assessment")
    sit(learner, app, "drill", "practice")
    sit(learner, app, "everything", "assessment")
    page = client.get("/history").text
    assessments, practice = page.index("<h2>Assessments</h2>"), page.index("<h2>Practice</h2>")
    rows = [(m.start(), m.group(1)) for m in re.finditer(r'<th scope="row">\s*<a href="/report/[^"]+">([^<]+)</a>', page)]
    assert [name for at, name in rows if assessments < at < practice] == ["Everything", "Everything"]
    assert [name for at, name in rows if at > practice] == ["Drill"]
    today = utcnow()
    assert f"({today.day} {today:%b} " in page and ", practice)" in page and ", assessment)" in page
    assert not re.search(r"#\d", page)                              # no internal ids, in the chart or the table
    assert "after practice" in page and "after an assessment" in page  # the chart's legend


def test_history_says_when_there_is_no_practice_yet(app, client, auth, learner):
    auth.register()
    sit(learner, app, "everything", "assessment")
    page = client.get("/history").text
    assert "No practice yet." in page and "No assessments yet." not in page and "Everything" in page
