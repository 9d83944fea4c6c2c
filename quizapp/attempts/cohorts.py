"""Cohort join codes: short, unambiguous to read aloud, and unique."""
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import Cohort

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_join_code(length: int = 8) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if db.session.scalar(select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())
