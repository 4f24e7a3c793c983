"""Reminders before an activity starts, queued once through the delivery outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.activities.models import Activity, ActivityStatus, Signup, SignupStatus
from app.activities.services import notify
from app.core.clock import utcnow
from app.delivery.services import Recipient
from app.extensions import db

BATCH = 50


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the reminder of every activity whose reminder time has come and that has not
    started, to its confirmed participants; the activity is marked in the same transaction, so
    no activity is ever reminded twice (rows are claimed SKIP LOCKED: several beats may run).
    Returns how many activities were reminded; the caller commits."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Activity)
        .where(
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.reminded_at.is_(None),
            Activity.remind_at <= now,
            Activity.starts_at > now,
        )
        .order_by(Activity.remind_at)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    for activity in due:
        activity.reminded_at = now
        notify.reminded(activity, _participants(activity.id))
    db.session.flush()
    return len(due)


def _participants(activity_id: int) -> list[Recipient]:
    rows = db.session.execute(
        select(Signup.user_id, Signup.household_id).where(
            Signup.activity_id == activity_id, Signup.status == SignupStatus.CONFIRMED
        )
    )
    return [Recipient(user_id, household_id) for user_id, household_id in rows]
