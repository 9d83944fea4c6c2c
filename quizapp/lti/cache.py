"""pylti1p3's cache interface (get / set with an expiry) over the lti_cache table, so that the state,
nonce and launch data written by one gunicorn worker are read by another."""
from __future__ import annotations

import itertools
import json
import time

from sqlalchemy import delete

from ..extensions import db
from .models import LtiCache

DEFAULT_LIFETIME = 3600
PURGE_EVERY = 50  # writes (in this worker) between purges of expired rows
_WRITES = itertools.count(1)


class DatabaseCache:
    """get/set/delete, as pylti1p3's FlaskCacheDataStorage calls them; values are JSON. Each write
    commits at once: the value must be visible to the next request whichever worker answers it."""

    def get(self, key: str):
        row = db.session.get(LtiCache, key)
        if row is None or row.expires_at < time.time():
            return None
        return json.loads(row.value)

    def set(self, key: str, value, exp: int | None = None) -> None:
        expires = time.time() + (exp or DEFAULT_LIFETIME)
        row = db.session.get(LtiCache, key)
        if row is None:
            db.session.add(LtiCache(key=key, value=json.dumps(value), expires_at=expires))
        else:
            row.value, row.expires_at = json.dumps(value), expires
        if next(_WRITES) % PURGE_EVERY == 0:
            purge_expired()
        db.session.commit()

    def pop(self, key: str):
        """The value, deleted in the same step: a second reader (a replayed nonce) gets None. The delete's
        row count decides, so two workers racing for one nonce cannot both win."""
        value = self.get(key)
        if value is None:
            return None
        taken = db.session.execute(delete(LtiCache).where(LtiCache.key == key)).rowcount
        db.session.commit()
        return value if taken else None


def purge_expired() -> int:
    return db.session.execute(delete(LtiCache).where(LtiCache.expires_at < time.time())).rowcount
