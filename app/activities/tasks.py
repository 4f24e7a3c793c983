"""Queue entry points of activities (beat): confirmations, reminders, offers that lapsed."""

from __future__ import annotations

from celery import shared_task

from app.extensions import db


@shared_task(name="activities.send_due_reminders")
def send_due_reminders_task() -> int:
    """Queue the reminders whose time has come; safe on several workers (SKIP LOCKED)."""
    from app.activities.services import send_due_reminders

    reminded = send_due_reminders()
    db.session.commit()
    return reminded


@shared_task(name="activities.queue_confirmations")
def queue_confirmations_task() -> int:
    """Queue the 报名成功 messages owed, batched per activity; safe on several workers."""
    from app.activities.services import queue_confirmations

    queued = queue_confirmations()
    db.session.commit()
    return queued


@shared_task(name="activities.expire_offers")
def expire_offers_task() -> int:
    """Lapse offers not confirmed in time and pass their seats on (and offer seats that are
    free while parties wait), one activity per commit. Returns how many offers lapsed."""
    from app.activities.services import activities_to_settle, settle
    from app.core.clock import utcnow

    now, lapsed = utcnow(), 0
    for activity_id in activities_to_settle(now):
        lapsed += settle(activity_id, now)
        db.session.commit()
    return lapsed
