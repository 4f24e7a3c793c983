"""The sweeper recovers rows whose worker died or whose queue message was lost."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from app.core.clock import utcnow
from app.delivery.chunks import send_chunk
from app.delivery.models import BatchStatus, Delivery, DeliveryBatch, DeliveryStatus
from app.delivery.sending import claim
from app.delivery.services import Recipient, enqueue_batch
from app.delivery.sweeping import LOST_WORKER, dispatch, sweep
from app.subscriptions.models import TemplatePurpose
from tests.delivery.conftest import delivery_ids, rows_of, sends

VALUES = {"title": "电梯维修", "published_at": datetime(2024, 5, 1, 1, 0)}


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):
    monkeypatch.setattr("app.delivery.services.dispatch_batch.delay", lambda batch_id: None)


def _batch(community, people):
    return enqueue_batch(
        community_id=community.id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=2,
        recipients=[Recipient(p.user_id) for p in people],
        values=VALUES,
    )


def _age(db, batch_id, **columns):
    db.session.execute(update(Delivery).where(Delivery.batch_id == batch_id).values(**columns))


def test_dispatch_starts_the_batch_and_queues_its_rows_in_chunks(
    db, app, community, notice_template, person, enqueued, monkeypatch
):
    monkeypatch.setitem(app.config, "DELIVERY_CHUNK_SIZE", 2)
    batch = _batch(community, [person() for _ in range(5)])
    ids = delivery_ids(db, batch.id)

    queued = []
    assert dispatch(batch.id, enqueue=queued.append) == 5

    assert queued == [ids[0:2], ids[2:4], ids[4:5]]
    db.session.refresh(batch)
    assert batch.status == BatchStatus.SENDING
    assert dispatch(batch.id, enqueue=queued.append) == 0  # twice: nothing more


def test_a_stale_sending_row_is_requeued_as_an_attempt_and_then_sent(
    db, community, notice_template, person, enqueued, wechat
):
    batch = _batch(community, [person()])
    ids = delivery_ids(db, batch.id)
    claim(ids)  # ... and the worker dies
    _age(db, batch.id, claimed_at=utcnow() - timedelta(minutes=5))

    result = sweep()

    [row] = rows_of(db, batch.id)
    assert result["requeued"] == 1
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.QUEUED, 1, LOST_WORKER)
    assert enqueued == [(ids, 0)]
    send_chunk(ids)
    assert rows_of(db, batch.id)[0].status == DeliveryStatus.SENT
    assert len(sends(wechat)) == 1


def test_a_row_being_sent_recently_is_left_alone(db, community, notice_template, person, enqueued):
    batch = _batch(community, [person()])
    claim(delivery_ids(db, batch.id))

    sweep()

    assert rows_of(db, batch.id)[0].status == DeliveryStatus.SENDING
    assert enqueued == []


def test_a_stale_row_on_its_last_attempt_fails(
    db, app, community, notice_template, person, enqueued, monkeypatch
):
    monkeypatch.setitem(app.config, "DELIVERY_MAX_ATTEMPTS", 2)
    batch = _batch(community, [person()])
    _age(db, batch.id, attempts=1)
    claim(delivery_ids(db, batch.id))
    _age(db, batch.id, claimed_at=utcnow() - timedelta(minutes=5))

    sweep()

    [row] = rows_of(db, batch.id)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 2)
    db.session.refresh(batch)
    assert batch.status == BatchStatus.DONE


def test_rows_whose_dispatch_was_lost_are_queued_again_once(
    db, community, notice_template, person, enqueued
):
    batch = _batch(community, [person(), person()])
    _age(db, batch.id, created_at=utcnow() - timedelta(minutes=2))

    sweep()
    sweep()  # the rows are due now: not queued a second time before the grace is over

    assert enqueued == [(delivery_ids(db, batch.id), 0)]
    db.session.refresh(batch)
    assert batch.status == BatchStatus.SENDING


def test_a_retry_whose_message_vanished_is_queued_again(
    db, community, notice_template, person, enqueued
):
    batch = _batch(community, [person()])
    _age(db, batch.id, attempts=1, next_attempt_at=utcnow() - timedelta(minutes=2))
    _age(db, batch.id, created_at=utcnow() - timedelta(minutes=3))

    sweep()

    assert enqueued == [(delivery_ids(db, batch.id), 0)]


def test_fresh_rows_and_future_retries_are_not_touched(
    db, community, notice_template, person, enqueued
):
    fresh = _batch(community, [person()])
    later = _batch(community, [person()])
    _age(db, later.id, next_attempt_at=utcnow() + timedelta(minutes=2))

    sweep()

    assert enqueued == []
    assert {r.status for r in rows_of(db, fresh.id) + rows_of(db, later.id)} == {
        DeliveryStatus.QUEUED
    }


def test_the_sweeper_finishes_batches_with_nothing_left_to_send(
    db, community, notice_template, person, enqueued
):
    batch = _batch(community, [person()])
    _age(db, batch.id, status=DeliveryStatus.SENT)

    assert sweep()["finished"] == 1

    finished = db.session.get(DeliveryBatch, batch.id, populate_existing=True)
    assert finished.status == BatchStatus.DONE and finished.finished_at is not None
