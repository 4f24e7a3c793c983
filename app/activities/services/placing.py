"""Placing a party: the few statements of a sign-up that write, ordered for a rush.

The activity row is the one hot row every sign-up for an activity must touch, so it is touched
last: the sign-up row is written first, and the conditional UPDATE of the seat counter is the
final statement before the commit — the row lock is held for one round trip. The status written
first is the one the transaction's first read of the activity promises; if another party took
the last seats meanwhile, the conditional UPDATE matches nothing and the party falls back to the
waiting list, or is refused with nothing written. (The 报名成功 message is queued afterwards by
the beat, batched per activity: see confirmations.py.)

A new party's row is one plain INSERT: a concurrent double submit makes it fail on the unique
keys (MySQL undoes just that statement) and the caller answers with the sign-up that won.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from app.activities.models import Activity, Signup, SignupStatus
from app.activities.services import seats
from app.activities.services.eligibility import Party
from app.activities.services.errors import ActivityFull
from app.core.auth import Actor
from app.extensions import db

DUPLICATE_KEY = 1062
_WRITTEN = (
    "user_id", "party_key", "household_id", "shop_id", "companion_ids", "seats", "answers",
    "status", "queued_at", "offer_expires_at", "confirmation_queued_at", "cancelled_at",
    "decided_by_user_id",
    "checked_in_at", "checked_out_at",
)  # fmt: skip


def is_duplicate(error: IntegrityError) -> bool:
    return bool(error.orig and error.orig.args and error.orig.args[0] == DUPLICATE_KEY)


def expected_status(activity: Activity, seats_wanted: int) -> SignupStatus:
    """What the activity as first read promises the party; raises ActivityFull when neither
    seats nor waiting places are left."""
    if activity.requires_approval:
        return SignupStatus.PENDING
    if activity.seats_taken + seats_wanted <= activity.capacity:
        return SignupStatus.CONFIRMED
    cap = activity.waitlist_capacity
    if cap is None or activity.waitlist_taken + seats_wanted <= cap:
        return SignupStatus.WAITLISTED
    raise ActivityFull()


def place_party(
    actor: Actor,
    activity: Activity,
    party: Party,
    answers: dict[str, str],
    now: datetime,
    existing: Signup | None = None,
) -> Signup | None:
    """Write the party's sign-up (a new row, or ``existing`` one that had ended) and take or
    queue its seats. None when a new row met the unique keys (nothing written). Raises
    ActivityFull (nothing written)."""
    status = expected_status(activity, party.seats)
    values = _values(actor, party, answers, status, now)
    if existing is None:
        row, before = _insert(activity, values, now), None
        if row is None:
            return None
    else:
        before = {key: getattr(existing, key) for key in _WRITTEN}
        row = _rewrite(existing, values)
    if status == SignupStatus.PENDING or _claim(activity.id, row, now):
        return row
    _undo(row, before)
    raise ActivityFull()


def _values(
    actor: Actor, party: Party, answers: dict[str, str], status: SignupStatus, now: datetime
) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_WRITTEN)
    values.update(
        user_id=actor.user_id,
        party_key=party.key,
        household_id=party.household_id,
        shop_id=party.shop_id,
        companion_ids=list(party.companion_ids),
        seats=party.seats,
        answers=answers,
        status=status,
        queued_at=now if status == SignupStatus.WAITLISTED else None,
    )
    return values


def _insert(activity: Activity, values: dict[str, Any], now: datetime) -> Signup | None:
    """One INSERT; the row then joins the session as if it had been loaded."""
    stamp = now.replace(microsecond=0)
    values = {
        **values,
        "community_id": activity.community_id,
        "activity_id": activity.id,
        "created_at": stamp,
        "updated_at": stamp,
    }
    try:
        result = db.session.execute(insert(Signup.__table__).values(**values))
    except IntegrityError as error:
        if not is_duplicate(error):
            raise
        return None
    row = Signup(id=result.inserted_primary_key[0], **values)
    make_transient_to_detached(row)
    db.session.add(row)
    return row


def _rewrite(row: Signup, values: dict[str, Any]) -> Signup:
    with db.session.begin_nested():
        for key, value in values.items():
            setattr(row, key, value)
    return row


def _claim(activity_id: int, row: Signup, now: datetime) -> bool:
    """Move the counter: the one statement on the hot row, the last before the commit."""
    if row.status == SignupStatus.CONFIRMED:
        if seats.take_seats(activity_id, row.seats):
            return True
        row.status, row.queued_at = SignupStatus.WAITLISTED, now
        db.session.flush()
    return seats.queue_seats(activity_id, row.seats)


def _undo(row: Signup, before: dict[str, Any] | None) -> None:
    if before is None:
        db.session.delete(row)
    else:
        for key, value in before.items():
            setattr(row, key, value)
    db.session.flush()
