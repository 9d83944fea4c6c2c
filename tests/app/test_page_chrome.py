"""What frames every page says the same as the page (issue #21): a question's tab title and its heading, the
nav link to the history and the history's heading, the keyboard hint only where its keys apply, the icon."""
import re

from tests.helpers import items_of, visible_text

TITLE = re.compile(r"<title>(.*?) · [^<]* · quizapp</title>")
HEADING = re.compile(r'<h1 id="q-heading">(.*?)</h1>', re.S)
HINT = re.compile(r'<p class="shortcuts muted" hidden>(.*?)</p>', re.S)


def title_and_heading(html: str) -> tuple[str, str]:
    return TITLE.search(html).group(1), " ".join(visible_text(HEADING.search(html).group(1)).split())


def test_a_questions_tab_title_says_what_its_heading_says(client, learner):
    learner.start("adapt")
    assert title_and_heading(client.get(learner.url(1)).text) == ("Question 1 of up to 5", "Question 1 of up to 5")
    learner.start("everything")
    assert title_and_heading(client.get(learner.url(2)).text) == ("Question 2 of 5", "Question 2 of 5")


def hint(client, url) -> str:
    return re.sub("<[^>]+>", "", HINT.search(client.get(url).text).group(1))


def test_the_number_keys_are_offered_only_where_there_are_options_to_pick(app, client, learner):
    learner.start("everything")
    hints = {definition["type"]: (position, hint(client, learner.url(position)))
             for position, definition, _ in items_of(app, learner.public_id)}
    for qtype, (position, text) in hints.items():
        picks = qtype in ("single", "multiple", "true_false")
        assert text.startswith("Keyboard: 1–9 choose, ") == picks, (qtype, text)
        assert text.endswith("n next, p previous." if position > 1 else "n next."), (qtype, text)  # no Previous on 1
    assert {"short", "numeric"} & set(hints) and {"single", "multiple", "true_false"} & set(hints)  # both kinds seen


def test_in_practice_n_is_said_to_check_the_answer(app, client, learner):
    """n presses the first of Check answer and next (quiz.js): in practice that is Check answer."""
    learner.start("drill", mode="practice")
    assert hint(client, learner.url(2)).endswith("n check your answer, p previous.")


def test_the_history_link_is_named_as_the_page_it_opens(client, auth):
    auth.register()
    home = client.get("/").text
    link = re.search(r'<a href="/history">([^<]*)</a>', home).group(1)
    heading = re.search(r"<h1>([^<]*)</h1>", client.get("/history").text).group(1)
    assert link == heading == "My attempts"


def test_every_page_links_an_icon_and_favicon_ico_finds_it(client):
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', client.get("/").text).group(1)
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"] == icon
    svg = client.get(icon)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and svg.text.startswith("<svg")
    svg.close()
