"""Database ids and positions taken from a URL or a form: digits within the database's integer range.

Python's int() reads any number of digits (and Unicode digits, underscores, spaces), and a value beyond
the column's range makes the database driver raise (SQLite: OverflowError past 2**63 - 1; PostgreSQL:
"integer out of range" past 2**31 - 1 where a value is written or typed as INTEGER). Every id and
position column is an INTEGER, so anything outside 1 … 2**31 - 1 cannot name a row: it is a 404 in a
URL and a 400 in a form, decided before any query.
"""
from __future__ import annotations

import re

from werkzeug.routing import IntegerConverter
from wtforms import IntegerField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

MIN_ID = 1
MAX_ID = 2**31 - 1  # PostgreSQL INTEGER, the type of every id and position column (SQLite's is wider)
_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """The id `text` spells in ASCII digits, or None if it names no possible row."""
    if text is None or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if MIN_ID <= value <= MAX_ID else None


class DatabaseIntConverter(IntegerConverter):
    """Flask's `int` converter bounded to the database's range (registered app-wide as `int`): an
    out-of-range number in a URL matches no route, a 404, instead of reaching a query and overflowing."""

    regex = r"[0-9]+"  # ASCII only: `\d` also matches other scripts' digits

    def __init__(self, map, fixed_digits: int = 0, min: int | None = MIN_ID, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class IdField(IntegerField):
    """A hidden form field carrying a row id: anything but 1 … MAX_ID in ASCII digits fails validation
    with `message` (so the view answers 400 before any query)."""

    widget = HiddenInput()

    def __init__(self, label=None, validators=None, message: str = "That is not a valid id.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = parse_id(valuelist[0]) if valuelist else None
        if self.data is None:
            raise ValidationError(self.message)
