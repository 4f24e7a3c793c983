"""Workers send each claimed row once, under the rate, and record why a row ends as it does."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from app.core.clock import utcnow
from app.delivery import sending
from app.delivery.chunks import send_chunk
from app.delivery.models import BatchStatus, Delivery, DeliveryStatus
from app.delivery.pacing import SendPacer
from app.delivery.sending import claim, deliver
from app.delivery.services import Recipient, cancel_batch, enqueue_batch
from app.extensions import redis
from app.subscriptions.models import TemplatePurpose
from app.wechat import gateway
from tests.delivery.conftest import (
    TEMPLATE_ID,
    control,
    credit_of,
    delivery_ids,
    rows_of,
    send_requests,
    sends,
)

VALUES = {"title": "3号楼停水通知", "published_at": datetime(2024, 5, 1, 1, 0)}
SEND_PATH = "cgi-bin/message/subscribe/send"


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):
    monkeypatch.setattr("app.delivery.services.dispatch_batch.delay", lambda batch_id: None)


def _batch(community, people, **kwargs):
    return enqueue_batch(
        community_id=community.id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=1,
        recipients=[Recipient(p.user_id) for p in people],
        values=VALUES,
        **kwargs,
    )


def _fault(wechat, **rule):
    control(wechat, "faults", {"path": SEND_PATH, **rule})


def _make_due(db, batch_id):
    db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == batch_id, Delivery.status == DeliveryStatus.QUEUED)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )


def test_a_row_with_a_credit_is_sent_and_the_credit_spent(
    db, community, notice_template, person, enqueued, wechat
):
    alice = person(credits=2)
    batch = _batch(community, [alice], page_query="id=1")

    send_chunk(delivery_ids(db, batch.id))

    [row] = rows_of(db, batch.id)
    [sent] = sends(wechat)
    assert row.status == DeliveryStatus.SENT and row.msgid == str(sent["msgid"])
    assert row.sent_at is not None and row.attempts == 0
    assert sent["touser"] == alice.openid and sent["page"] == "pages/notice/detail?id=1"
    assert sent["data"]["thing1"] == {"value": "3号楼停水通知"}
    assert credit_of(db, alice.user_id) == 1
    db.session.refresh(batch)
    assert batch.status == BatchStatus.DONE and batch.finished_at is not None


def test_without_a_credit_wechat_is_not_called(
    db, community, notice_template, person, enqueued, wechat
):
    bob = person(credits=0, wechat_credits=1)
    batch = _batch(community, [bob])

    send_chunk(delivery_ids(db, batch.id))

    [row] = rows_of(db, batch.id)
    assert row.status == DeliveryStatus.NO_CREDIT
    assert send_requests(wechat) == []


def test_a_person_without_an_openid_fails_as_no_openid(
    db, community, notice_template, person, enqueued, wechat
):
    batch = _batch(community, [person(credits=1, openid=False)])

    send_chunk(delivery_ids(db, batch.id))

    [row] = rows_of(db, batch.id)
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "no_openid")


def test_43101_from_wechat_means_no_credit_and_clears_ours(
    db, community, notice_template, person, enqueued, wechat
):
    carol = person(credits=3, wechat_credits=0)
    batch = _batch(community, [carol])

    send_chunk(delivery_ids(db, batch.id))

    [row] = rows_of(db, batch.id)
    assert (row.status, row.last_errcode) == (DeliveryStatus.NO_CREDIT, 43101)
    assert credit_of(db, carol.user_id) == 0
    assert enqueued == []


def test_47003_fails_for_good_and_gives_the_credit_back(
    db, community, notice_template, person, enqueued, wechat
):
    dave = person(credits=1)
    _fault(wechat, kind="errcode", errcode=47003, count=1)
    batch = _batch(community, [dave])

    send_chunk(delivery_ids(db, batch.id))

    [row] = rows_of(db, batch.id)
    assert (row.status, row.last_errcode, row.attempts) == (DeliveryStatus.FAILED, 47003, 0)
    assert credit_of(db, dave.user_id) == 1
    assert enqueued == []


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "http", "status": 503, "count": 1},
        # The gateway itself retries -1 twice; the third -1 reaches the outbox.
        {"kind": "errcode", "errcode": -1, "count": 3},
        {"kind": "slow", "delay": 1.3, "count": 1},  # past the tests' 1 s WeChat timeout
    ],
    ids=["http-503", "busy-1", "timeout"],
)
def test_transient_failures_are_retried_later_then_sent(
    db, community, notice_template, person, enqueued, wechat, rule
):
    erin = person(credits=1, wechat_credits=2)
    _fault(wechat, **rule)
    batch = _batch(community, [erin])
    ids = delivery_ids(db, batch.id)

    send_chunk(ids)
    [first] = rows_of(db, batch.id)
    assert (first.status, first.attempts) == (DeliveryStatus.QUEUED, 1)
    assert first.next_attempt_at > utcnow() - timedelta(seconds=1)
    assert credit_of(db, erin.user_id) == 1  # refunded
    assert enqueued == [(ids, pytest.approx(enqueued[0][1]))] and enqueued[0][1] > 0

    _make_due(db, batch.id)
    send_chunk(ids)

    [row] = rows_of(db, batch.id)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)


def test_a_retry_is_not_claimed_before_it_is_due(
    db, community, notice_template, person, enqueued, wechat
):
    batch = _batch(community, [person(credits=1)])
    ids = delivery_ids(db, batch.id)
    later = utcnow() + timedelta(seconds=30)
    db.session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(next_attempt_at=later))

    assert send_chunk(ids) == 0
    assert send_requests(wechat) == []


def test_a_row_out_of_attempts_fails(
    db, app, community, notice_template, person, enqueued, wechat, monkeypatch
):
    monkeypatch.setitem(app.config, "DELIVERY_MAX_ATTEMPTS", 2)
    _fault(wechat, kind="http", status=503, probability=1)
    batch = _batch(community, [person(credits=1)])
    ids = delivery_ids(db, batch.id)

    send_chunk(ids)
    _make_due(db, batch.id)
    send_chunk(ids)

    [row] = rows_of(db, batch.id)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.FAILED, 2, "HTTP 503")
    assert len(enqueued) == 1


def test_45011_waits_for_the_start_of_the_next_minute(
    db, community, notice_template, person, enqueued, wechat
):
    _fault(wechat, kind="errcode", errcode=45011, count=1)
    batch = _batch(community, [person(credits=1)])
    before = utcnow()

    send_chunk(delivery_ids(db, batch.id))

    [row] = rows_of(db, batch.id)
    next_minute = before.replace(second=0, microsecond=0) + timedelta(minutes=1)
    assert row.status == DeliveryStatus.QUEUED and row.last_errcode == 45011
    assert next_minute <= row.next_attempt_at <= next_minute + timedelta(seconds=4)
    assert 0 < enqueued[0][1] <= 63


def test_rows_claimed_before_a_cancel_are_not_sent(
    db, community, notice_template, person, enqueued, wechat
):
    people = [person(credits=1) for _ in range(3)]
    batch = _batch(community, people)
    claimed = claim(delivery_ids(db, batch.id))

    cancel_batch(None, batch.id)
    pacer = SendPacer(redis.client, 1000)
    statuses = [deliver(row, gateway(), pacer) for row in claimed]

    assert statuses == [DeliveryStatus.CANCELLED] * 3
    assert send_requests(wechat) == []
    assert [credit_of(db, p.user_id) for p in people] == [1, 1, 1]


def test_a_cancel_mid_chunk_stops_the_rest(
    db, community, notice_template, person, enqueued, wechat, monkeypatch
):
    people = [person(credits=1) for _ in range(4)]
    batch = _batch(community, people)
    real_deliver = sending.deliver
    done = []

    def deliver_then_cancel(row, *args):
        status = real_deliver(row, *args)
        done.append(status)
        if len(done) == 2:
            cancel_batch(None, batch.id)
            db.session.commit()
        return status

    monkeypatch.setattr(sending, "deliver", deliver_then_cancel)
    send_chunk(delivery_ids(db, batch.id))

    assert [r.status for r in rows_of(db, batch.id)] == [
        DeliveryStatus.SENT,
        DeliveryStatus.SENT,
        DeliveryStatus.CANCELLED,
        DeliveryStatus.CANCELLED,
    ]
    assert len(sends(wechat)) == 2
    db.session.refresh(batch)
    assert batch.status == BatchStatus.CANCELLED and batch.finished_at is not None


def test_a_late_worker_does_not_overwrite_a_row_the_sweeper_took_back(
    db, community, notice_template, person, enqueued, wechat
):
    batch = _batch(community, [person(credits=1)])
    [row] = claim(delivery_ids(db, batch.id))
    db.session.execute(
        update(Delivery)
        .where(Delivery.id == row.id)
        .values(status=DeliveryStatus.QUEUED, attempts=1, claimed_at=None)
    )

    deliver(row, gateway(), SendPacer(redis.client, 1000))

    [current] = rows_of(db, batch.id)
    assert (current.status, current.attempts) == (DeliveryStatus.QUEUED, 1)


def test_the_template_id_goes_to_wechat_as_configured(
    db, community, notice_template, person, enqueued, wechat
):
    batch = _batch(community, [person(credits=1)])

    send_chunk(delivery_ids(db, batch.id))

    assert [s["template_id"] for s in sends(wechat)] == [TEMPLATE_ID]
