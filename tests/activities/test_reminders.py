"""Reminders go through the outbox once, to the confirmed, when the activity's time comes."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.activities import services
from app.activities.tasks import send_due_reminders_task
from app.delivery.models import Delivery, DeliveryBatch
from app.subscriptions.models import TemplatePurpose


def reminder_batches(db, templates):
    template_id = templates[TemplatePurpose.ACTIVITY_REMINDER].template_id
    return db.session.scalars(
        select(DeliveryBatch).where(DeliveryBatch.template_id == template_id)
    ).all()


def test_the_reminder_is_queued_once_to_the_confirmed(db, place, person, make_activity, templates):
    activity = make_activity(capacity=1, reminder_minutes=90)
    confirmed = person(place.h101)
    services.sign_up(confirmed, activity.id)
    services.sign_up(person(place.h102), activity.id)  # waiting: no reminder
    due = activity.starts_at - timedelta(minutes=89)

    first = services.send_due_reminders(now=due)
    second = services.send_due_reminders(now=due + timedelta(minutes=5))

    assert (first, second) == (1, 0)
    (batch,) = reminder_batches(db, templates)
    assert (batch.source_type, batch.source_id) == ("activity", activity.id)
    rows = db.session.scalars(select(Delivery).where(Delivery.batch_id == batch.id)).all()
    assert [r.user_id for r in rows] == [confirmed.user_id]
    assert rows[0].data["thing3"] == {"value": "活动即将开始"}
    assert activity.reminded_at is not None


def test_no_reminder_before_its_time_nor_for_a_cancelled_activity(
    db, place, person, make_activity, organiser, templates
):
    soon = make_activity()  # default: one hour before the start
    called_off = make_activity()
    services.cancel_activity(organiser, called_off.id)

    assert services.send_due_reminders(now=soon.starts_at - timedelta(minutes=61)) == 0
    assert services.send_due_reminders(now=soon.starts_at - timedelta(minutes=59)) == 1
    assert called_off.reminded_at is None


def test_the_beat_task_commits_what_it_queued(
    db, place, person, make_activity, templates, monkeypatch
):
    activity = make_activity()
    services.sign_up(person(place.h101), activity.id)
    moment = activity.starts_at - timedelta(minutes=30)
    monkeypatch.setattr("app.activities.services.reminders.utcnow", lambda: moment)

    assert send_due_reminders_task.run() == 1
    assert send_due_reminders_task.run() == 0
    assert len(reminder_batches(db, templates)) == 1
