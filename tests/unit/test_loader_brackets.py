"""Where an unclosed [ or { opens (yaml_lines._unclosed_bracket_line): PyYAML reports the end of the file,
the author needs the line of the bracket. Quotes and comments do not count."""
import pytest

from quizapp.bank.yaml_lines import _unclosed_bracket_line


@pytest.mark.parametrize(("text", "line"), [
    ("[", 1),                                   # at the very first character
    ("a: 1\nb: [x, y,\n", 2),
    ("a: 1\nb: {x: 1,\n", 2),
    ("a: [1]\nb: {c: [2,\n", 2),                # the innermost unclosed one
    ("a: [\n  1,\n  {b: 2,\n", 3),
    ("[a]\n{b}\n", None),                       # everything closed
    ("]\n[", 2),                                # a stray closer does not cancel a later opener
    ("a: '['\n", None),                         # a bracket inside single quotes
    ("'['\n", None),                            # a quote at the very first character
    ('a: "x \\" [" \nb: {', 2),                 # an escaped quote does not end a double-quoted text
    ("a: 'it''s [' \nb: [", 2),                 # '' inside single quotes
    ("a: 'x'''\nb: [\n  [1,\n", 3),             # '' then the closing quote: the text ends there
    ("a: [\n  'a]',\n  1\n", 1),                # a closer inside quotes closes nothing
    ("a: it's [x\n", 1),                        # an apostrophe inside a plain word opens no quote
    ("a: 1 # [ a comment\nb: [", 2),            # a bracket in a comment
    ("#[\n[", 2),                               # a comment at the very first character
    ("a: b#[c\n", 1),                           # '#' inside a word starts no comment
    ("[\\]", None),                             # a backslash outside double quotes escapes nothing
    ("a: '\\' [\n", 1),                         # nor inside single quotes
    ('a: "x\\"" [\n', 1),                       # the quote after an escaped one closes the text
    ("'['", None),                              # a quote at the very start, the file ending inside it
    ("a'[", 1),                                 # a quote after a letter opens nothing, at any position
    ("a: x'[\n", 1),                            # only the character right before a quote counts
    ("a: X [\n", 1),                            # letters are not quotes or brackets
    ("aX'[", 1),
    ("a: X\n", None),
    ("a: [X\n", 1),
    ("[#]", None),                              # '#' right after a bracket starts no comment
    ("[X#]", None),
    ("a: [\nb: 1 #x ]\n", 1),                   # a comment needs a space before it, not after
    ("a: 1 # c\nb: [\nc: 1\n", 2),              # a comment ends at its own line's end
    ("a: [ # x", 1),                            # and at the end of a file without a final newline
])
def test_the_line_where_an_unclosed_bracket_opens(text, line):
    assert _unclosed_bracket_line(text) == line
