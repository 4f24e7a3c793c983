"""Publishing notices: at once or on schedule, once per Idempotency-Key, with or without push."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.delivery.models import Delivery, DeliveryBatch
from app.notices.models import Notice, NoticeRecipient, NoticeStatus
from app.notices.services import (
    ExpiryBeforePublish,
    PublishTooFarAhead,
    create_notice,
    get_notice_for_resident,
    notice_report,
    publish_due_notices,
)
from app.notices.services.publishing import NoticeNotFound
from tests.notices.conftest import actor

NOON = datetime(2025, 6, 1, 4, 0)  # 12:00 in Beijing


def publish(author, **kwargs):
    kwargs.setdefault("audience", {"kind": "community"})
    kwargs.setdefault("push", False)
    return create_notice(author, title="电梯维修", body="3号楼电梯周五维修", images=[], **kwargs)


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_scheduled_notice_reaches_nobody_until_its_time_comes(db, place, admin_actor):
    reader = actor(place.u201, place.community.id)
    with time_machine.travel(NOON, tick=False):
        notice = publish(admin_actor, publish_at=NOON + timedelta(hours=2))
        assert notice.status == NoticeStatus.SCHEDULED
        assert publish_due_notices() == 0
        with pytest.raises(NoticeNotFound):
            get_notice_for_resident(reader, notice.id)

    with time_machine.travel(NOON + timedelta(hours=2, seconds=5), tick=False):
        assert publish_due_notices() == 1
        assert publish_due_notices() == 0  # published once only

    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.published_at == NOON + timedelta(hours=2, seconds=5)
    assert count(db, NoticeRecipient, NoticeRecipient.notice_id == notice.id) == 5
    assert get_notice_for_resident(reader, notice.id).notice.id == notice.id


def test_publish_at_in_the_past_publishes_at_once(db, place, admin_actor):
    notice = publish(admin_actor, publish_at=datetime(2020, 1, 1))

    assert notice.status == NoticeStatus.PUBLISHED
    assert count(db, NoticeRecipient, NoticeRecipient.notice_id == notice.id) == 5


def test_expiry_must_come_after_publishing(place, admin_actor):
    with time_machine.travel(NOON, tick=False):
        with pytest.raises(ExpiryBeforePublish):
            publish(
                admin_actor,
                publish_at=NOON + timedelta(days=2),
                expires_at=NOON + timedelta(days=1),
            )
        with pytest.raises(ExpiryBeforePublish):
            publish(admin_actor, expires_at=NOON - timedelta(minutes=1))


def test_publishing_may_be_scheduled_at_most_ninety_days_ahead(place, admin_actor):
    with time_machine.travel(NOON, tick=False):
        publish(admin_actor, publish_at=NOON + timedelta(days=90))
        with pytest.raises(PublishTooFarAhead):
            publish(admin_actor, publish_at=NOON + timedelta(days=90, minutes=1))


def test_the_same_idempotency_key_from_the_same_author_makes_one_notice(db, place, admin_actor):
    first = publish(admin_actor, idempotency_key="notice-key-0001")
    second = publish(admin_actor, idempotency_key="notice-key-0001")

    assert second.id == first.id
    assert count(db, Notice) == 1
    assert count(db, NoticeRecipient) == 5
    assert count(db, AuditEntry, AuditEntry.action == "notice.create") == 1


def test_push_with_a_template_queues_one_delivery_per_recipient(
    db, place, admin_actor, notice_template
):
    notice = publish(admin_actor, push=True)

    batch = db.session.get(DeliveryBatch, notice.delivery_batch_id)
    assert (batch.source_type, batch.source_id) == ("notice", notice.id)
    assert f"id={notice.id}" in batch.page
    deliveries = db.session.scalars(select(Delivery).where(Delivery.batch_id == batch.id)).all()
    assert {(d.user_id, d.household_id) for d in deliveries} == {
        (place.u101a, place.h101.id),
        (place.u101b, place.h101.id),
        (place.u102, place.h102.id),
        (place.u201, place.h201.id),
        (place.u901, place.h901.id),
    }
    assert {d.data["thing1"]["value"] for d in deliveries} == {"电梯维修"}
    report = notice_report(admin_actor, notice.id)
    assert report.push == "queued"
    assert report.progress["total"] == 5


def test_push_without_a_template_publishes_the_notice_and_says_push_is_unavailable(
    db, place, admin_actor
):
    notice = publish(admin_actor, push=True)

    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.delivery_batch_id is None
    assert count(db, DeliveryBatch) == 0
    assert count(db, NoticeRecipient, NoticeRecipient.notice_id == notice.id) == 5
    report = notice_report(admin_actor, notice.id)
    assert (report.push, report.progress) == ("unavailable", None)


def test_without_push_nothing_is_queued(db, place, admin_actor, notice_template):
    notice = publish(admin_actor, push=False)

    assert count(db, DeliveryBatch) == 0
    assert notice_report(admin_actor, notice.id).push == "off"


def test_a_scheduled_notice_queues_its_push_when_published(db, place, admin_actor, notice_template):
    with time_machine.travel(NOON, tick=False):
        notice = publish(admin_actor, push=True, publish_at=NOON + timedelta(minutes=30))
    assert count(db, DeliveryBatch) == 0

    with time_machine.travel(NOON + timedelta(minutes=31), tick=False):
        publish_due_notices()

    assert count(db, Delivery, Delivery.batch_id == notice.delivery_batch_id) == 5


def test_beat_runs_the_publishing_task_every_thirty_seconds(app, db, place, admin_actor):
    from app.notices.tasks import publish_due_notices_task

    with time_machine.travel(NOON, tick=False):
        notice = publish(admin_actor, publish_at=NOON + timedelta(seconds=20))
    with time_machine.travel(NOON + timedelta(seconds=30), tick=False):
        assert publish_due_notices_task.run() == 1

    assert notice.status == NoticeStatus.PUBLISHED
    entry = app.config["CELERY_BEAT_SCHEDULE"]["notices-publish-due"]
    assert entry == {"task": "notices.publish_due", "schedule": 30.0}
