"""The report of the 23-skill "ml-readiness" assessment respects its reader (issue #21): at most 60 KB of
HTML and 1,500 elements, the next step first; the full skill table and the plan's resources fold."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from quizapp.config import PROJECT_ROOT
from quizapp.extensions import db
from quizapp.models import Attempt
from tests.helpers import Learner, make_app, right_answer, wrong_answer

MAX_BYTES, MAX_ELEMENTS = 60_000, 1_500


class ElementCounter(HTMLParser):
    """Counts elements as the browser's DOM has them (document.querySelectorAll('*').length)."""

    def __init__(self):
        super().__init__()
        self.elements = 0
        self.open_details: list[bool] = []
        self.in_closed_details = 0
        self.tables_in_closed_details = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        if tag == "details":
            closed = "open" not in dict(attrs)
            self.open_details.append(closed)
            self.in_closed_details += closed
        elif tag == "table" and self.in_closed_details:
            self.tables_in_closed_details += 1

    def handle_startendtag(self, tag, attrs):
        self.elements += 1

    def handle_endtag(self, tag):
        if tag == "details" and self.open_details:
            self.in_closed_details -= self.open_details.pop()


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """The shipped bank, imported as an operator does (`quizapp bank import`)."""
    path = tmp_path_factory.mktemp("real")
    app = make_app(path, PROJECT_ROOT / "questions", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path / 'real.sqlite'}")
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["bank", "import"])
    assert result.exit_code == 0, result.output
    return app


def sit(app, pick) -> str:
    """The report page of a sitting of ml-readiness answered by `pick(position)` to its end."""
    learner = Learner(app.test_client())
    learner.start("ml-readiness", mode="assessment", role="ml-engineer-entry")
    position = 1
    while True:
        with app.app_context():
            slot = db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id)).items[position - 1]
            definition, order = slot.definition, slot.choice_order
        if definition["type"] == "short" and not definition.get("answers"):
            response = learner.answer(position, None, dont_know="y")  # no value the helpers can write
        else:
            response = learner.answer(position, pick(position)(definition, order))
        if not response.headers["Location"].endswith(f"/q/{position + 1}"):
            break
        position += 1
    assert learner.submit().status_code in (302, 303)
    with app.app_context():
        assert len(db.session.scalar(select(Attempt).where(Attempt.public_id == learner.public_id)).results) == 23
    response = learner.client.get(f"/report/{learner.public_id}")
    assert response.status_code == 200
    return response.text


# Every answer wrong (23 gaps, the longest plan) and every other answer wrong (the longest sitting).
@pytest.mark.parametrize("pick", [lambda n: wrong_answer, lambda n: right_answer if n % 2 == 0 else wrong_answer],
                         ids=["weak", "mixed"])
def test_the_ml_readiness_report_is_at_most_60_kb_and_1500_elements(real_app, pick):
    html = sit(real_app, pick)
    counter = ElementCounter()
    counter.feed(html)
    size = len(html.encode())
    assert size <= MAX_BYTES, f"{size} bytes"
    assert counter.elements <= MAX_ELEMENTS, f"{counter.elements} elements"
    assert counter.tables_in_closed_details == 1  # the full skill table folds (without JavaScript)
    assert html.index('id="next-heading"') < html.index('aria-label="Summary"') < html.index('id="skills-heading"')
