"""报名成功 messages, queued by the beat for every confirmed sign-up, batched per activity.

The sign-up row is its own outbox entry: confirmed with ``confirmation_queued_at`` still NULL
means its message is owed. Queuing it outside the sign-up keeps the rush's transactions short,
and turns a rush's hundreds of confirmations into one delivery batch per activity.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from app.activities.models import Activity, Signup, SignupStatus
from app.activities.services import notify
from app.core.clock import utcnow
from app.extensions import db

BATCH = 2000


def queue_confirmations(now: datetime | None = None) -> int:
    """Queue the message of every confirmed sign-up that has none yet, one outbox batch per
    activity, and mark them in the same transaction (each is queued once; rows are claimed
    SKIP LOCKED, so several beats may run). Returns how many; the caller commits."""
    now = (now or utcnow()).replace(microsecond=0)
    owed = db.session.scalars(
        select(Signup)
        .where(Signup.status == SignupStatus.CONFIRMED, Signup.confirmation_queued_at.is_(None))
        .order_by(Signup.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    by_activity: dict[int, list[Signup]] = defaultdict(list)
    for signup in owed:
        signup.confirmation_queued_at = now
        by_activity[signup.activity_id].append(signup)
    for activity_id, signups in sorted(by_activity.items()):
        notify.confirmed(db.session.get(Activity, activity_id), signups)
    db.session.flush()
    return len(owed)
