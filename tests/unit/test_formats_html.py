"""Moodle HTML → Markdown (formats/_html.py): what every tag does, in and out of lists, <pre> and skipped content.

One row per branch of the converter's start and end handlers, with the whole output compared: the
Markdown and the media elements it saw (which make the caller skip the question).
"""
import pytest

from quizapp.bank.formats._html import html_to_markdown

CASES = [
    # line breaks and rules
    ("br", "a<br>b", "a\\\nb", []),
    ("br at a paragraph end", "<p>a<br></p>", "a", []),
    ("br self-closed", "a<br/>b", "a\\\nb", []),
    ("br at the start", "<br>start", "start", []),
    ("br after spaces", "x  <br>  y", "x \\\ny", []),
    ("br before a closing paragraph", "<p>line   <br>\n</p>", "line", []),
    ("hr", "a<hr>b", "a\n\n---\n\nb", []),
    ("hr self-closed", "a<hr/>b", "a\n\n---\n\nb", []),
    # blocks
    ("div and section", "<div>one</div><section>two</section>", "one\n\ntwo", []),
    ("p", "<p>para</p>tail", "para\n\ntail", []),
    ("p after text", "text <p>  lead</p>", "text\n\nlead", []),
    ("blank lines between paragraphs", "<p>a</p>\n\n\n<p>b</p>", "a\n\nb", []),
    ("p inside a list item", "<ul><li><p>in</p><p>list</p></li></ul>", "- inlist", []),
    ("div inside a list item", "<ul><li><div>x</div></li></ul>after", "- x\n\nafter", []),
    ("dl dt dd", "<dl><dt>term</dt><dd>def</dd></dl>", "term\n\ndef", []),
    ("p self-closed", "<p/>x", "x", []),
    # headings: h1-h3 become h3, the smallest our renderer allows
    ("headings", "<h2>b</h2><h3>c</h3><h4>d</h4><h6>f</h6>text", "### b\n\n### c\n\n#### d\n\n###### f\n\ntext", []),
    ("h1 and h5", "<h1>Title</h1><h5>small</h5>", "### Title\n\n##### small", []),
    ("heading self-closed", "<h2/>x", "###\n\nx", []),
    # lists
    ("ul", "<ul><li>a</li><li>b</li></ul>", "- a\n- b", []),
    ("ol", "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b", []),
    ("ol start not a number", "<ol start='x'><li>a</li></ol>", "1. a", []),
    ("ol start", "<ol start='10'><li>a</li><li>b</li></ol>", "10. a\n11. b", []),
    ("ol in ul", "<ul><li>a<ol><li>b</li><li>c</li></ol></li><li>d</li></ul>", "- a\n  1. b\n  2. c\n- d", []),
    ("three levels", "<ol><li>a<ol><li>b<ul><li>c</li></ul></li></ol></li></ol>", "1. a\n   1. b\n      - c", []),
    ("li outside a list", "<li>orphan</li>text", "- orphan\ntext", []),
    ("li self-closed", "<li/>x", "-\nx", []),
    ("ul end without a list", "</ul>text", "text", []),
    ("ol end alone", "</ol>", "", []),
    ("empty ul", "a<ul></ul>b", "a\n\nb", []),
    ("ul self-closed", "<ul/>x", "x", []),
    ("li left open", "<ul><li>x</ul>y", "- x\n\ny", []),
    # pre: its content is kept as written, tags inside it only break lines or name the language
    ("br in pre", "<pre>a<br>b</pre>", "```\na\nb\n```", []),
    ("pre language", "<pre class='lang-js'>x</pre>", "```js\nx\n```", []),
    ("pre language among classes", "<pre class='highlight language-sql'>select</pre>", "```sql\nselect\n```", []),
    ("code language in pre", "<pre><code class='language-py'>x</code></pre>", "```py\nx\n```", []),
    ("pre language wins", "<pre class='language-c'><code class='language-py'>x</code></pre>", "```c\nx\n```", []),
    ("first code language", "<pre><code>a</code><code class='language-rb'>b</code></pre>", "```rb\nab\n```", []),
    ("pre holding a fence", "<pre>has ``` fence</pre>", "````\nhas ``` fence\n````", []),
    ("tags in pre", "<pre><b>bold</b> <i>it</i> <p>para</p></pre>", "```\nbold it para\n```", []),
    ("pre keeps entities and blank lines", "<pre>if a &lt; b:\n\n\n    pass</pre>", "```\nif a < b:\n\n\n    pass\n```", []),
    ("pre trims its outer newlines", "<pre>\n\nx\n\n</pre>", "```\nx\n```", []),
    ("pre keeps math delimiters", "<pre><code class='language-python'>print(\\(1\\))</code></pre>",
     "```python\nprint(\\(1\\))\n```", []),
    ("media in pre", "<pre><img src='a'></pre>", "```\n\n```", ["<img>"]),
    ("script in pre", "<pre><script>s</script>kept</pre>", "```\nkept\n```", []),
    ("pre end alone", "</pre>x", "x", []),
    ("pre left open", "<pre>unclosed", "unclosed", []),
    ("pre self-closed", "<pre/>x", "```\n\n```\n\nx", []),
    # blockquote
    ("blockquote", "<blockquote><p>quoted</p></blockquote>", "> quoted", []),
    ("blockquote lines", "<blockquote>a<br>b<p>c</p></blockquote>", "> a\\\n> b\n>\n> c", []),
    ("empty blockquote", "<blockquote>\n</blockquote>x", ">\n\nx", []),
    ("nested blockquote", "<blockquote><blockquote>in</blockquote></blockquote>", "> > in", []),
    ("blockquote end alone", "</blockquote>x", "x", []),
    ("blockquote left open", "<blockquote>unclosed", "unclosed", []),
    ("blockquote self-closed", "<blockquote/>x", ">\n\nx", []),
    # tables
    ("table", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
     "| a | b |\n| --- | --- |\n| 1 | 2 |", []),
    ("cells escape pipes and join lines; short rows are padded",
     "<table><tr><td>a|b</td><td>x<br>y</td></tr><tr><td>only</td></tr></table>",
     "| a\\|b | x y |\n| --- | --- |\n| only |  |", []),
    ("caption dropped", "<table><caption>Cap</caption><tr><td>c</td></tr></table>", "| c |\n| --- |", []),
    ("table without rows", "<table>no rows</table>", "no rows", []),
    ("cells outside a table", "<td>loose</td><td>cells</td>", "loose cells", []),
    ("cell outside a row", "<table><td>no tr</td></table>", "no tr", []),
    ("table end alone", "</table>x", "x", []),
    ("row outside a table", "<tr>stray row</tr>", "stray row", []),
    ("inline markup in a cell", "<table><tr><td><b>bold</b> <code>c</code></td></tr></table>", "| **bold** `c` |\n| --- |",
     []),
    ("table left open loses its cells", "<table><tr><td>a</td></tr>", "", []),
    ("cell whitespace", "<table><tr><td>  spaced   out  </td></tr></table>", "| spaced out |\n| --- |", []),
    ("table self-closed", "<table/>x", "x", []),
    ("cell self-closed", "<td/>x", "x", []),
    ("row self-closed", "<tr/>x", "x", []),
    ("cell end alone", "a</td>b</th>", "ab", []),
    # inline
    ("emphasis", "<b>b</b><strong>s</strong><i>i</i><em>e</em>", "**b****s***i**e*", []),
    ("bold around spaces", "<b>bold </b>and <em>it</em>", "**bold** and *it*", []),
    ("code kinds", "<code>c</code><tt>t</tt><kbd>k</kbd><samp>s</samp>", "`c``t``k``s`", []),
    ("empty emphasis", "<b> </b>x", "x", []),
    ("emphasis keeps outer spaces", "<b>  lead and trail  </b>x", "**lead and trail** x", []),
    ("code with a backtick at an edge", "<code>`tick`</code>", "`` `tick` ``", []),
    ("code with backticks inside", "<code>a``b</code>", "```a``b```", []),
    ("code keeps entities", "<p>Use <code>x &amp;&amp; y</code> or <kbd>Ctrl</kbd></p>", "Use `x && y` or `Ctrl`", []),
    ("code decodes entities once", "<code>&lt;b&gt; &amp;lt;</code>", "`<b> &lt;`", []),
    ("links", "<a href='https://x.org/a b'>docs</a> <a href='https://x.org'>https://x.org</a> "
              "<a href='javascript:alert(1)'>no</a>", "[docs](https://x.org/a%20b) <https://x.org> no", []),
    ("mailto link", "<a href='mailto:x@y.org'>mail</a>", "[mail](mailto:x@y.org)", []),
    ("link with a parenthesis", "<a href='HTTPS://X.ORG/p)q'>link</a>", "[link](HTTPS://X.ORG/p%29q)", []),
    ("anchor without href", "<a>nohref</a>", "nohref", []),
    ("autolink with spaces around href", "<a href=' https://x.org '>https://x.org</a>", "<https://x.org>", []),
    ("ftp link dropped", "<a href='ftp://x'>ftp</a>", "ftp", []),
    ("empty href", "<a href>empty</a>", "empty", []),
    ("inline left open", "<b>unclosed", "unclosed", []),
    ("inline end alone", "</b>x", "x", []),
    ("misnested inline", "<b><i>nested</b> after</i>", "**nested** after", []),
    ("inline self-closed", "<b/>x", "x", []),
    # skipped elements and media
    ("script and style", "<script>alert(1)</script><style>p{}</style>kept", "kept", []),
    ("head and title", "<head><title>t</title></head>body", "body", []),
    ("script text is raw", "<script><script>x</script>y</script>z", "yz", []),
    ("script end alone", "</script>x", "x", []),
    ("media inside a skipped element", "<noscript><img src=a></noscript>ok", "ok", []),
    ("template", "<template><p>t</p></template>ok", "ok", []),
    ("style only", "<style>a</style>", "", []),
    ("every media tag",
     "<img src='a'><audio></audio><iframe></iframe><object></object><embed><picture></picture><svg></svg>"
     "<canvas></canvas>", "", ["<img>", "<audio>", "<iframe>", "<object>", "<embed>", "<picture>", "<svg>", "<canvas>"]),
    ("media self-closed", "<img/>after", "after", ["<img>"]),
    ("svg content", "<svg><circle/></svg>x", "x", ["<svg>"]),
    ("media in a paragraph", "<p>See <img src='x.png'> and <video></video></p>", "See and", ["<img>", "<video>"]),
    # unknown tags, text, entities and math
    ("unknown tags", "<span>a</span> <font>b</font> <custom-tag x='1'>c</custom-tag>", "a b c", []),
    ("styles dropped", "<span style='color:red'><font size=2>plain</font></span>", "plain", []),
    ("whitespace collapses", "  many   spaces\n\nand\tlines  ", "many spaces and lines", []),
    ("nbsp", "a&nbsp;&nbsp;b", "a b", []),
    ("literal entity stays literal", "a &amp;lt; b", "a &amp;lt; b", []),
    ("math", "\\(a\\) \\[b\\]", "$a$ $$b$$", []),
    ("math inside inline code", "<code>\\(x\\)</code>", "`$x$`", []),
]


@pytest.mark.parametrize("html, markdown, media", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_every_tag(html, markdown, media):
    assert html_to_markdown(html) == (markdown, media)
