"""Shared fixtures: real MariaDB (schema built by the migrations), real Redis, the WeChat emulator.

Each test runs inside a transaction that is rolled back at its end; the session joins it with
savepoints, so a view's commit releases a savepoint and nothing leaks into the next test.

A run claims one Redis database index (and a MariaDB database named after it) of its own, so two
test runs on one machine do not flush each other's keys or drop each other's tables.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pymysql
import pytest
import redis as redis_lib
import requests
from flask_sqlalchemy.session import Session as FlaskSession

from app.core.crypto import generate_key

# Redis 0 is the demo's and 13 the benchmarks'; the tests take one of these.
_TEST_REDIS_SLOTS = (15, 14, 12, 11, 10, 9, 8)
_SLOT_LOCK = "linli:test-run:redis-db:{}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _claim_redis_slot() -> int:
    """A Redis database index no other live test run on this machine is using."""
    lock = redis_lib.Redis(host="127.0.0.1", port=6379, db=0)
    for slot in _TEST_REDIS_SLOTS:
        key = _SLOT_LOCK.format(slot)
        if lock.set(key, os.getpid(), nx=True, ex=6 * 3600):
            return slot
        holder = lock.get(key)
        if holder == str(os.getpid()).encode():
            return slot  # this module is imported twice (as conftest and as tests.conftest)
        if holder is not None and not _pid_alive(int(holder)):
            lock.set(key, os.getpid(), ex=6 * 3600)  # left behind by a run that was killed
            return slot
    raise RuntimeError("every test Redis slot is taken by a live test run")


TEST_REDIS_SLOT = _claim_redis_slot()
TEST_REDIS_URL = f"redis://127.0.0.1:6379/{TEST_REDIS_SLOT}"
TEST_DATABASE = f"linli_test_{TEST_REDIS_SLOT}"
TEST_APP_ID = "wx_test_app"
TEST_APP_SECRET = "test_app_secret"


def pytest_sessionfinish(session, exitstatus):
    lock = redis_lib.Redis(host="127.0.0.1", port=6379, db=0)
    key = _SLOT_LOCK.format(TEST_REDIS_SLOT)
    if lock.get(key) == str(os.getpid()).encode():
        lock.delete(key)


@pytest.fixture(scope="session")
def emulator():
    """One WeChat API emulator for the run, in this process, on a free loopback port."""
    from devtools.wechat_emulator.server import EmulatorServer

    server = EmulatorServer(appid=TEST_APP_ID, secret=TEST_APP_SECRET)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def wechat(emulator):
    """The emulator, emptied of codes, tokens, faults and records from earlier tests."""
    requests.post(emulator.url + "__emulator__/reset", timeout=5).raise_for_status()
    requests.delete(emulator.url + "__emulator__/faults", timeout=5).raise_for_status()
    return emulator


@pytest.fixture
def redis_client():
    """Real Redis on a database index of the tests' own, emptied before each test."""
    client = redis_lib.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def settings_for(emulator_url: str) -> dict:
    return {
        "SECRET_KEY": "test-secret-key",
        "WECHAT_APP_ID": TEST_APP_ID,
        "WECHAT_APP_SECRET": TEST_APP_SECRET,
        "WECHAT_API_BASE_URL": emulator_url,
        "WECHAT_PUSH_TOKEN": "test_push_token",
        "WECHAT_PUSH_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        "DATA_ENCRYPTION_KEY": "t1:" + generate_key(),
        "DATA_HASH_KEY": generate_key(),
        "DATABASE_URL": f"mysql+pymysql://root:@127.0.0.1:3306/{TEST_DATABASE}?charset=utf8mb4",
        "REDIS_URL": TEST_REDIS_URL,
    }


def _recreate_database() -> None:
    connection = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="")
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {TEST_DATABASE}")
            cursor.execute(
                f"CREATE DATABASE {TEST_DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
    finally:
        connection.close()


@pytest.fixture(scope="session")
def app(emulator):
    """The app under test, its schema built from nothing by the Alembic migrations."""
    from flask_migrate import upgrade

    from app import create_app

    _recreate_database()
    application = create_app("testing", overrides=settings_for(emulator.url))
    with application.app_context():
        upgrade()
    return application


class _TestSession(FlaskSession):
    """Flask-SQLAlchemy picks an engine per model; in tests everything uses one connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@contextmanager
def rolled_back_session(app):
    """The app's database session joined to one transaction that is rolled back at the end;
    commits inside release savepoints."""
    from app.extensions import db as database

    with app.app_context():
        connection = database.engine.connect()
        transaction = connection.begin()
        original = database.session
        database.session = database._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _TestSession,
                "expire_on_commit": False,
            }
        )
        try:
            yield database
        finally:
            database.session.remove()
            database.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def db(app, redis_client, wechat):
    """The database session of one test, rolled back at its end; Redis and WeChat start empty."""
    with rolled_back_session(app) as database:
        yield database


@pytest.fixture
def sql_log(db):
    """The statements the app sends from here to the end of the test (``.reading(table)``)."""
    from tests.sql_log import sql_sent

    with sql_sent(db.session.get_bind()) as log:
        yield log


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def community(db):
    from tests.factories import CommunityFactory

    return CommunityFactory(slug="beijiao", name="北焦社区")


class WeChatUser:
    """A person with a WeChat account at the emulator who can log in through our API."""

    def __init__(self, emulator, client, openid: str | None = None) -> None:
        self.emulator, self.client = emulator, client
        body = {"openid": openid} if openid else {}
        self.openid = self._control("login_codes", body)["openid"]
        self.token: str | None = None

    def _control(self, path: str, body: dict) -> dict:
        response = requests.post(self.emulator.url + "__emulator__/" + path, json=body, timeout=5)
        response.raise_for_status()
        return response.json()

    def login_code(self) -> str:
        return self._control("login_codes", {"openid": self.openid})["code"]

    def phone_code(self, phone: str) -> str:
        return self._control("phone_codes", {"openid": self.openid, "phone": phone})["code"]

    def log_in(self, community: str | None = "beijiao"):
        body = {"code": self.login_code()}
        if community:
            body["community"] = community
        response = self.client.post("/api/v1/auth/login", json=body)
        if response.status_code == 200:
            self.token = response.json["token"]
        return response

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, **kwargs):
        return self.client.post(url, headers=self.headers, **kwargs)


@pytest.fixture
def wechat_user(wechat, client):
    """Makes people with WeChat accounts: ``wechat_user()`` or ``wechat_user(openid=...)``."""
    return lambda openid=None: WeChatUser(wechat, client, openid)


@pytest.fixture
def resident(wechat_user, community):
    """A logged-in member of the `beijiao` community (no roles until bound to a flat)."""
    person = wechat_user()
    assert person.log_in().status_code == 200
    return person


def _member_id(person) -> int:
    return person.get("/api/v1/me").json["id"]


@pytest.fixture
def make_staff(wechat_user, community):
    """``make_staff("admin")``: a logged-in member of `beijiao` holding that role."""
    from app.accounts.models import Role
    from app.accounts.services.roles import grant_role

    def make(role: str, community_slug: str = "beijiao"):
        person = wechat_user()
        assert person.log_in(community_slug).status_code == 200
        me = person.get("/api/v1/me").json
        grant_role(None, me["id"], me["community"]["id"], Role(role), reason="test")
        person.user_id = me["id"]
        person.community_id = me["community"]["id"]
        return person

    return make


@pytest.fixture
def admin(make_staff):
    return make_staff("admin")
