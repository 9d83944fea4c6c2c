"""Where the login throttle counts: the database store, the choice of store, and Redis going away.

The gunicorn tests (tests/test_throttle_gunicorn.py) show the count holding across 4 workers; these
show the pieces in one process, on SQLite and (scripts/test_postgres.py) on PostgreSQL.
"""
from __future__ import annotations

import logging
import socket
import threading

import pytest
from limits.storage import MemoryStorage, RedisStorage
from sqlalchemy import func, select

from quizapp.auth import throttle_storage
from quizapp.auth.throttle import DATABASE, refuse_a_per_process_count, throttle_storages
from quizapp.auth.throttle_storage import DatabaseStorage
from quizapp.exceptions import ConfigurationError
from quizapp.extensions import db
from quizapp.models import ThrottleCount
from tests.helpers import PASSWORD, TEST_DATABASE_URL, add_user, app_with_bank, csrf_token, make_app, new_client


def log_in(client, email: str, password: str):
    page = client.get("/auth/login")
    return client.post("/auth/login", data={"csrf_token": csrf_token(page.text), "email": email,
                                            "password": password})


@pytest.fixture
def store(app):
    with app.app_context():
        yield DatabaseStorage(lambda: db.engine)


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(throttle_storage.time, "time", fake)
    return fake


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(ThrottleCount))


# --- the database store -----------------------------------------------------------------------------

def test_hits_count_up_within_a_window_and_start_again_after_it(store, clock):
    assert [store.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3 and store.get_expiry("k") == clock.now + 60
    clock.now += 59
    assert store.incr("k", 60) == 4
    clock.now += 2  # the window (from the first hit) has ended
    assert store.get("k") == 0
    assert store.incr("k", 60) == 1
    assert store.get_expiry("k") == clock.now + 60


def test_keys_count_apart_and_clear(store, clock):
    store.incr("login/10.0.0.1", 60)
    store.incr("login/10.0.0.1", 60)
    store.incr("login/10.0.0.2", 60)
    assert (store.get("login/10.0.0.1"), store.get("login/10.0.0.2"), store.get("unknown")) == (2, 1, 0)
    store.clear("login/10.0.0.1")
    assert store.get("login/10.0.0.1") == 0 and store.get("login/10.0.0.2") == 1
    assert store.reset() == 1 and store.get("login/10.0.0.2") == 0
    assert store.check()


def test_expired_windows_are_swept(store, clock, monkeypatch):
    for address in range(5):
        store.incr(f"login/10.0.0.{address}", 60)
    clock.now += 61
    monkeypatch.setattr(throttle_storage, "CLEANUP_EVERY", 1)  # sweep on this hit
    store.incr("login/10.0.0.99", 60)
    assert rows() == 1  # only the window still running


def test_a_key_longer_than_the_column_is_hashed_not_refused(store, clock):
    long_key = "LIMITER/quizapp-form-throttle/auth.login/" + "f" * 400
    assert [store.incr(long_key, 60) for _ in range(2)] == [1, 2]
    assert store.get(long_key) == 2
    assert store.incr(long_key[:-1] + "e", 60) == 1  # a different long key is a different count


def test_concurrent_hits_are_never_lost(tmp_path):
    """The upsert is one statement: 4 threads (as 4 workers) x 50 hits on one key return 1 … 200, each
    exactly once. On SQLite the write lock is taken first (BEGIN IMMEDIATE): a hit that read first and
    then asked for it while another committed would fail at once with "database is locked"."""
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'throttle.sqlite'}")
    with app.app_context():
        db.create_all()
    counts: list[int] = []
    lock = threading.Lock()

    def hammer():
        with app.app_context():
            store = DatabaseStorage(lambda: db.engine)
            mine = [store.incr("shared-key", 60) for _ in range(50)]
        with lock:
            counts.extend(mine)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 201))
    with app.app_context():
        db.drop_all()


# --- which store --------------------------------------------------------------------------------------

@pytest.mark.parametrize("config, counter, fallback", [
    ({"ENV_NAME": "production"}, DatabaseStorage, type(None)),
    ({"ENV_NAME": "production", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, RedisStorage, DatabaseStorage),
    ({"ENV_NAME": "development", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}, RedisStorage,
     DatabaseStorage),
    ({"ENV_NAME": "development"}, MemoryStorage, type(None)),
    ({"ENV_NAME": "development", "RATELIMIT_STORAGE_URI": DATABASE}, DatabaseStorage, type(None)),
])
def test_the_store_follows_the_configuration(tmp_path, config, counter, fallback):
    app = make_app(tmp_path, **{"RATELIMIT_STORAGE_URI": None, **config})
    chosen, spare = throttle_storages(app)
    assert isinstance(chosen, counter) and isinstance(spare, fallback)
    assert app.extensions["quizapp_throttle"].shared is (counter is not MemoryStorage)


def test_several_workers_on_a_per_process_count_are_refused(tmp_path):
    app = make_app(tmp_path, ENV_NAME="development", RATELIMIT_STORAGE_URI=None)
    refuse_a_per_process_count(app, 1)  # the one-process server: fine
    with pytest.raises(ConfigurationError, match="4 workers would each allow the limit"):
        refuse_a_per_process_count(app, 4)
    refuse_a_per_process_count(make_app(tmp_path, ENV_NAME="production", RATELIMIT_STORAGE_URI=None), 4)
    refuse_a_per_process_count(make_app(tmp_path, RATELIMIT_ENABLED=False), 4)  # nothing counted, nothing shared


# --- through the login form ----------------------------------------------------------------------------

def test_two_app_machines_on_one_database_share_one_count(tmp_path):
    machines = [app_with_bank(tmp_path, RATELIMIT_STORAGE_URI=DATABASE)]
    machines.append(make_app(tmp_path, SQLALCHEMY_DATABASE_URI=machines[0].config["SQLALCHEMY_DATABASE_URI"],
                             RATELIMIT_STORAGE_URI=DATABASE))
    with machines[0].app_context():
        add_user("shared-db@example.org")
        db.session.commit()
    statuses = [log_in(new_client(machines[i % 2], "10.254.0.1"), "shared-db@example.org", f"wrong {i}").status_code
                for i in range(11)]
    assert statuses == [400] * 10 + [429], statuses
    assert log_in(new_client(machines[1], "10.254.0.2"), "shared-db@example.org", PASSWORD).status_code == 302


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_unreachable_logins_work_and_count_in_the_database(tmp_path, caplog):
    """Redis down is no 500 and no free-for-all: the count goes on in the database (and says so in the log)."""
    app = app_with_bank(tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{_closed_port()}/0")
    with app.app_context():
        add_user("redis-down@example.org")
        db.session.commit()
    with caplog.at_level(logging.WARNING):
        assert log_in(new_client(app), "redis-down@example.org", PASSWORD).status_code == 302
        attacker = new_client(app)
        statuses = [log_in(attacker, "redis-down@example.org", f"wrong {i}").status_code for i in range(11)]
    assert statuses == [400] * 10 + [429], statuses
    assert "rate-limit store is unreachable" in caplog.text and "counting in the database" in caplog.text
    with app.app_context():
        assert rows() == 2  # one window per address
