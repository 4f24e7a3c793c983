"""Queueing a batch: one row per person in the caller's transaction, dispatched after commit."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from sqlalchemy import func, insert, select

from app.accounts.models import User
from app.core.audit import AuditEntry
from app.core.auth import Actor
from app.delivery import services
from app.delivery.models import BatchStatus, Delivery, DeliveryBatch, DeliveryStatus
from app.delivery.services import (
    DeliveryBatchFinished,
    Recipient,
    batch_progress,
    cancel_batch,
    enqueue_batch,
    unreached,
)
from app.subscriptions.fields import TemplateValueInvalid
from app.subscriptions.models import TemplatePurpose
from tests.delivery.conftest import rows_of
from tests.factories import BuildingFactory, HouseholdFactory, UserFactory

VALUES = {"title": "3号楼停水通知", "published_at": datetime(2024, 5, 1, 1, 0)}


@pytest.fixture
def dispatched(monkeypatch) -> list[int]:
    calls: list[int] = []

    class FakeTask:
        @staticmethod
        def delay(batch_id):
            calls.append(batch_id)

    monkeypatch.setattr(services, "dispatch_batch", FakeTask)
    return calls


def _enqueue(community, recipients, **kwargs):
    return enqueue_batch(
        community_id=community.id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=7,
        recipients=recipients,
        values=kwargs.pop("values", VALUES),
        **kwargs,
    )


def _staff(community, user_id: int, *roles: str) -> Actor:
    return Actor(user_id, community.id, frozenset(roles), "session")


def test_one_row_per_distinct_person_with_rendered_data(db, community, notice_template, dispatched):
    household = HouseholdFactory(building=BuildingFactory(community_id=community.id))
    a, b = UserFactory(), UserFactory()

    batch = _enqueue(
        community,
        [Recipient(a.id), Recipient(b.id, household.id), Recipient(a.id, household.id)],
        page_query="id=7",
    )

    rows = rows_of(db, batch.id)
    assert batch.total == 2 and batch.status == BatchStatus.QUEUED
    assert batch.page == "pages/notice/detail?id=7"
    assert sorted((r.user_id, r.household_id) for r in rows) == sorted(
        [(a.id, household.id), (b.id, household.id)]
    )
    assert {r.status for r in rows} == {DeliveryStatus.QUEUED}
    assert rows[0].data == {
        "thing1": {"value": "3号楼停水通知"},
        "time2": {"value": "2024-05-01 09:00"},
        "thing3": {"value": "社区居委会"},
    }


def test_the_dispatch_is_queued_only_after_the_callers_commit(
    db, community, notice_template, dispatched
):
    batch = _enqueue(community, [Recipient(UserFactory().id)])
    assert dispatched == []

    db.session.commit()

    assert dispatched == [batch.id]


def test_a_rolled_back_caller_leaves_no_batch_and_no_dispatch(
    db, community, notice_template, dispatched
):
    db.session.commit()  # the fixtures' rows stay
    user_id = UserFactory().id
    _enqueue(community, [Recipient(user_id)])

    db.session.rollback()
    db.session.commit()

    assert dispatched == []
    assert db.session.scalar(select(func.count()).select_from(DeliveryBatch)) == 0


def test_without_an_active_template_nothing_is_queued(db, community, notice_template, dispatched):
    notice_template.is_active = False
    db.session.flush()

    assert _enqueue(community, [Recipient(UserFactory().id)]) is None
    db.session.commit()
    assert dispatched == []


def test_values_that_cannot_be_sent_are_refused_before_anything_is_written(
    db, community, notice_template, dispatched
):
    with pytest.raises(TemplateValueInvalid):
        _enqueue(community, [Recipient(UserFactory().id)], values={"title": "通知"})

    assert db.session.scalar(select(func.count()).select_from(DeliveryBatch)) == 0


def test_a_batch_without_recipients_is_done_at_once(db, community, notice_template, dispatched):
    batch = _enqueue(community, [])
    db.session.commit()

    assert batch.status == BatchStatus.DONE and batch.finished_at is not None
    assert dispatched == []


def test_eight_thousand_rows_go_in_well_under_a_second(db, community, notice_template, dispatched):
    db.session.execute(insert(User.__table__), [{"nickname": f"居民{n}"} for n in range(8000)])
    user_ids = db.session.scalars(select(User.id).order_by(User.id.desc()).limit(8000)).all()

    started = time.perf_counter()
    batch = _enqueue(community, (Recipient(uid) for uid in user_ids))
    elapsed = time.perf_counter() - started

    count = db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.batch_id == batch.id)
    )
    assert count == 8000
    assert elapsed < 1.0, f"enqueue took {elapsed:.2f} s"


def test_cancelling_turns_queued_rows_cancelled_and_is_audited(
    db, community, notice_template, dispatched
):
    author = UserFactory()
    batch = _enqueue(
        community,
        [Recipient(UserFactory().id) for _ in range(3)],
        actor=_staff(community, author.id, "grid_worker"),
    )

    cancel_batch(_staff(community, author.id, "grid_worker"), batch.id)
    cancel_batch(_staff(community, author.id, "grid_worker"), batch.id)  # a no-op

    assert batch.status == BatchStatus.CANCELLED and batch.cancelled_at is not None
    assert {r.status for r in rows_of(db, batch.id)} == {DeliveryStatus.CANCELLED}
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == str(batch.id))
    ).all()
    assert actions == ["delivery_batch.cancel"]


def test_a_finished_batch_cannot_be_cancelled(db, community, notice_template, dispatched):
    batch = _enqueue(community, [Recipient(UserFactory().id)])
    batch.status = BatchStatus.DONE
    db.session.flush()

    with pytest.raises(DeliveryBatchFinished):
        cancel_batch(None, batch.id)


def test_progress_counts_every_status_and_unreached_lists_the_rest(
    db, community, notice_template, dispatched
):
    household = HouseholdFactory(building=BuildingFactory(community_id=community.id))
    users = [UserFactory() for _ in range(4)]
    batch = _enqueue(community, [Recipient(u.id, household.id) for u in users])
    rows = rows_of(db, batch.id)
    rows[0].status, rows[1].status = DeliveryStatus.SENT, DeliveryStatus.NO_CREDIT
    rows[2].status, rows[2].last_errcode = DeliveryStatus.FAILED, 40003
    db.session.flush()

    progress = batch_progress(batch.id)
    missed = unreached(batch.id)

    assert progress == {
        "queued": 1,
        "sending": 0,
        "sent": 1,
        "no_credit": 1,
        "failed": 1,
        "cancelled": 0,
        "total": 4,
    }
    assert sorted((m.user_id, m.status, m.last_errcode) for m in missed) == sorted(
        [
            (rows[1].user_id, DeliveryStatus.NO_CREDIT, None),
            (rows[2].user_id, DeliveryStatus.FAILED, 40003),
        ]
    )
    assert {m.household_id for m in missed} == {household.id}
