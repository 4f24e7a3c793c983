"""A Celery worker killed with SIGKILL mid-fan-out: after a restart every row reaches one final
state, and WeChat saw nobody twice except rows that were in a worker's hands at the kill.

This test commits for real (a worker in another process must see the rows), in a community of
its own that it deletes again; it writes no audit rows (those cannot be deleted).
"""

from __future__ import annotations

import base64
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import delete, func, insert, select

import config
from app.accounts.models import User, WeChatIdentity
from app.community.models import Community
from app.delivery.models import FINAL_STATUSES, Delivery, DeliveryBatch, DeliveryStatus
from app.delivery.services import Recipient, enqueue_batch
from app.extensions import db
from app.subscriptions.models import SubscribeCredit, SubscribeTemplate, TemplatePurpose
from tests.conftest import TEST_APP_ID, TEST_APP_SECRET, TEST_DATABASE, TEST_REDIS_URL

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 300
TEMPLATE_ID = "tmpl_crash_test"
FIELDS = {"thing1": "thing", "time2": "time"}
SEND_PATH = "cgi-bin/message/subscribe/send"
_OWN_PREFIXES = ("LINLI_", "WECHAT_", "FLASK_", "CELERY_", "DELIVERY_")


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _worker_env(emulator_url: str) -> dict[str, str]:
    """Every setting passed explicitly: LINLI_ENV=testing would ignore the environment, and the
    repository's .env must not leak in (an empty value overrides it with the class default)."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    documented |= set(config.SECRETS) | set(config._PARSERS)
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in documented and not k.startswith(_OWN_PREFIXES)
    }
    settings = {
        **dict.fromkeys(documented, ""),
        "LINLI_ENV": "demo",
        "FLASK_SKIP_DOTENV": "1",
        "DATABASE_URL": f"mysql+pymysql://root:@127.0.0.1:3306/{TEST_DATABASE}?charset=utf8mb4",
        "REDIS_URL": TEST_REDIS_URL,
        "CELERY_BROKER_URL": TEST_REDIS_URL,
        "SECRET_KEY": "crash-test-secret",
        "WECHAT_APP_ID": TEST_APP_ID,
        "WECHAT_APP_SECRET": TEST_APP_SECRET,
        "WECHAT_API_BASE_URL": emulator_url,
        "WECHAT_TIMEOUT_SECONDS": "5",
        "WECHAT_PUSH_TOKEN": "crash_push_token",
        "WECHAT_PUSH_AES_KEY": _key()[:43],
        "DATA_ENCRYPTION_KEY": f"c1:{_key()}",
        "DATA_HASH_KEY": _key(),
        "LOG_LEVEL": "WARNING",
        "DB_POOL_SIZE": "12",
        "DELIVERY_RATE_LIMIT_PER_SECOND": "100",
        "DELIVERY_SEND_THREADS": "8",
        "DELIVERY_CHUNK_SIZE": "25",
        # Short, so the restarted worker's sweeper takes the dead worker's rows back quickly.
        "DELIVERY_CLAIM_TIMEOUT_SECONDS": "2",
        "DELIVERY_REQUEUE_AFTER_SECONDS": "2",
        "DELIVERY_SWEEP_INTERVAL_SECONDS": "1",
    }
    return {**inherited, **settings}


class Worker:
    """``celery -A app.tasks.worker worker -B`` in its own process group."""

    def __init__(self, env: dict[str, str], workdir: Path, name: str) -> None:
        self.log = workdir / f"{name}.log"
        argv = [sys.executable, "-m", "celery", "-A", "app.tasks.worker", "worker"]
        argv += ["--loglevel", "WARNING", "--concurrency", "2", "-n", f"{name}@%h"]
        argv += ["-B", "-s", str(workdir / f"{name}-beat-schedule")]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its pid is its process group: kill -9 takes all
            )

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


def _control(url: str, path: str, body: dict | None = None, method: str = "POST") -> dict:
    response = requests.request(method, f"{url}__emulator__/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def _seed(emulator_url: str) -> tuple[int, list[int]]:
    """A community of its own with PEOPLE users, openids, a template and one credit each."""
    tag = f"crash-{uuid.uuid4().hex[:8]}"
    community_id = db.session.execute(
        insert(Community).values(slug=tag, name="崩溃测试社区")
    ).inserted_primary_key[0]
    db.session.execute(insert(User), [{"nickname": f"{tag}-{n}"} for n in range(PEOPLE)])
    user_ids = list(
        db.session.scalars(select(User.id).where(User.nickname.like(f"{tag}-%")).order_by(User.id))
    )
    db.session.execute(
        insert(WeChatIdentity),
        [{"user_id": u, "appid": TEST_APP_ID, "openid": f"o_crash_{u}"} for u in user_ids],
    )
    db.session.execute(
        insert(SubscribeCredit),
        [
            {"community_id": community_id, "user_id": u, "template_id": TEMPLATE_ID, "count": 1}
            for u in user_ids
        ],
    )
    db.session.add(
        SubscribeTemplate(
            community_id=community_id,
            purpose=TemplatePurpose.NOTICE,
            template_id=TEMPLATE_ID,
            title="通知",
            fields=FIELDS,
            mapping={"thing1": "title", "time2": "published_at"},
        )
    )
    db.session.commit()
    _control(emulator_url, "templates", {"template_id": TEMPLATE_ID, "fields": FIELDS})
    with requests.Session() as http:  # one keep-alive connection for the 300 calls
        for user_id in user_ids:
            body = {"openid": f"o_crash_{user_id}", "template_id": TEMPLATE_ID, "count": 3}
            http.post(f"{emulator_url}__emulator__/credits", json=body, timeout=10)
    return community_id, user_ids


def _cleanup(community_id: int, user_ids: list[int]) -> None:
    db.session.rollback()
    batch_ids = select(DeliveryBatch.id).where(DeliveryBatch.community_id == community_id)
    db.session.execute(delete(Delivery).where(Delivery.batch_id.in_(batch_ids)))
    db.session.execute(delete(DeliveryBatch).where(DeliveryBatch.community_id == community_id))
    db.session.execute(delete(SubscribeCredit).where(SubscribeCredit.user_id.in_(user_ids)))
    db.session.execute(
        delete(SubscribeTemplate).where(SubscribeTemplate.community_id == community_id)
    )
    db.session.execute(delete(WeChatIdentity).where(WeChatIdentity.user_id.in_(user_ids)))
    db.session.execute(delete(User).where(User.id.in_(user_ids)))
    db.session.execute(delete(Community).where(Community.id == community_id))
    db.session.commit()


def _fan_out(community_id: int, user_ids: list[int]) -> int:
    batch = enqueue_batch(
        community_id=community_id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=1,
        recipients=[Recipient(u) for u in user_ids],
        values={"title": "崩溃恢复测试", "published_at": datetime(2024, 5, 1)},
    )
    db.session.commit()
    return batch.id


def _counts(batch_id: int) -> Counter:
    db.session.commit()  # a fresh snapshot
    rows = db.session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.batch_id == batch_id)
        .group_by(Delivery.status)
    )
    return Counter(dict(rows.all()))


def _unsettled(batch_id: int) -> int:
    return sum(n for status, n in _counts(batch_id).items() if status not in FINAL_STATUSES)


def _send_records(emulator_url: str) -> list[dict]:
    return _control(emulator_url, f"requests?path={SEND_PATH}", method="GET")["items"]


def _wait(condition, timeout: float, what: str, worker: Worker) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.proc.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.tail()}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}:\n{worker.tail()}")


def test_a_worker_killed_mid_fan_out_leaves_every_row_final_after_a_restart(
    app, wechat, redis_client, tmp_path
):
    url = wechat.url
    env = _worker_env(url)
    with app.app_context():
        community_id, user_ids = _seed(url)
        # Every send takes a while, so the kill lands mid-fan-out with sends in flight.
        _control(
            url, "faults", {"path": SEND_PATH, "kind": "slow", "delay": 0.15, "probability": 1}
        )
        first = second = None
        try:
            first = Worker(env, tmp_path, "crash-first")
            batch_id = _fan_out(community_id, user_ids)  # the dispatch reaches the real queue

            _wait(lambda: len(_send_records(url)) >= 60, 40, "the first sends", first)
            first.kill()
            at_kill = _counts(batch_id)
            assert at_kill[DeliveryStatus.QUEUED] + at_kill[DeliveryStatus.SENDING] > 0, (
                f"the kill came too late to test anything: {at_kill}"
            )

            second = Worker(env, tmp_path, "crash-second")
            _wait(lambda: _unsettled(batch_id) == 0, 45, "every row to be final", second)

            final = _counts(batch_id)
            assert sum(final.values()) == PEOPLE
            assert final[DeliveryStatus.SENT] == PEOPLE, final
            delivered = Counter(
                r["body"]["touser"] for r in _send_records(url) if r["errcode"] == 0
            )
            assert set(delivered) == {f"o_crash_{u}" for u in user_ids}
            duplicates = sum(n - 1 for n in delivered.values())
            assert duplicates <= at_kill[DeliveryStatus.SENDING], (duplicates, at_kill)
        finally:
            for worker in (first, second):
                if worker is not None:
                    worker.stop()
            _cleanup(community_id, user_ids)
