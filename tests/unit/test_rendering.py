from html.parser import HTMLParser

from quizapp.config import PROJECT_ROOT
from quizapp.render.markdown import pygments_css, render_inline, render_markdown


def test_inline_math_becomes_mathml():
    html = render_markdown(r"Let $f(x) = x^2$.")
    assert "<math" in html and "<msup>" in html and "$" not in html


def test_display_math():
    assert 'display="block"' in render_markdown(r"$$\sum_{i=1}^n i$$")


def test_dollar_amounts_are_not_math():
    assert "<math" not in render_markdown("It costs $5 and $6.")


def test_code_is_highlighted_server_side():
    html = render_markdown("```python\nprint(1)\n```")
    assert '<pre class="highlight">' in html and '<span class="nb">print</span>' in html


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser.found


def test_script_handlers_and_javascript_urls_are_inert():
    html = render_markdown('<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> '
                           '<svg onload=alert(1)></svg>')
    found = elements(html)
    assert [tag for tag, _ in found] == ["p"]
    assert "&lt;script&gt;" in html  # shown as text, never run
    assert not any(k.startswith("on") for _, attrs in found for k in attrs)


def test_sanitiser_strips_raw_html_even_if_markdown_let_it_through():
    from quizapp.render.markdown import sanitise

    found = elements(sanitise('<p onclick="x()">a</p><a href="javascript:alert(1)">b</a><script>c</script>'))
    assert found == [("p", {}), ("a", {"rel": "noopener noreferrer nofollow"})]


def test_links_get_safe_rel():
    assert 'rel="noopener noreferrer nofollow"' in render_markdown("[docs](https://docs.python.org/3/)")


def test_inline_has_no_paragraph():
    assert render_inline("`x`") == "<code>x</code>"


def test_bad_latex_falls_back_to_source():
    assert "<code>" in render_markdown(r"$\frac{1}{$ end")


def test_committed_pygments_css_is_current():
    assert (PROJECT_ROOT / "quizapp" / "static" / "pygments.css").read_text() == pygments_css()
