"""The templates' url_for remembers the paths it built (web/templating.py): the same paths as Flask's own."""
from flask import url_for as flask_url_for

CALLS = [
    ("main.index", {}),
    ("static", {"filename": "style.css"}),
    ("quiz.question", {"public_id": "abc", "position": 3}),
    ("quiz.question", {"public_id": "abc", "position": 4}),
    ("reports.report", {"public_id": "abc", "_anchor": "q3"}),
    ("main.index", {"page": 2}),
]


def test_template_url_for_gives_flasks_paths_under_each_script_root(app):
    url_for = app.jinja_env.globals["url_for"]
    for base_url in ("http://localhost/", "http://localhost/under/a/prefix/"):
        with app.test_request_context("/", base_url=base_url):
            for endpoint, values in CALLS * 2:  # the second time from what it remembered
                assert url_for(endpoint, **values) == flask_url_for(endpoint, **values), (base_url, endpoint, values)
    with app.test_request_context("/", base_url="http://localhost/under/a/prefix/"):
        assert url_for("main.index") == "/under/a/prefix/"


def test_template_url_for_builds_unhashable_values_afresh(app):
    url_for = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        assert url_for("main.index", tag=["a", "b"]) == flask_url_for("main.index", tag=["a", "b"])


def test_a_fragment_is_rendered_once_per_arguments_and_again_when_its_template_changes(app):
    from jinja2 import ChoiceLoader, DictLoader

    from quizapp.render.fragments import fragment

    sources = {"probe.html": '{% macro hello(name) %}<b>Hello {{ name }}</b>{% endmacro %}'}
    app.jinja_env.loader = ChoiceLoader([DictLoader(sources), app.jinja_env.loader])
    app.jinja_env.auto_reload = True
    with app.test_request_context("/"):
        first = fragment("probe.html", "hello", "<Ada>")
        assert first == "<b>Hello &lt;Ada&gt;</b>"  # escaped once, when rendered
        assert fragment("probe.html", "hello", "<Ada>") is first  # the same object: not rendered again
        assert fragment("probe.html", "hello", "Bob") == "<b>Hello Bob</b>"
        sources["probe.html"] = '{% macro hello(name) %}<i>Hi {{ name }}</i>{% endmacro %}'
        assert fragment("probe.html", "hello", "<Ada>") == "<i>Hi &lt;Ada&gt;</i>"
