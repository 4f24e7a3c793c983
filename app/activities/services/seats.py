"""The seat counters and the waiting list: taking, queueing, releasing, promoting, expiring.

Seats are taken by one conditional UPDATE of the activity row (never a count then an insert):
``seats_taken + n <= capacity`` is checked and applied by MySQL in one statement, and the
row's CHECK constraint refuses an oversold row even if code went wrong. Every path that holds
both locks takes the activity's first and a sign-up's second, so they cannot deadlock.

Promotion is first-come-first-served among the parties that fit ("first that fits", as pretix
hands out freed quota): a waiting party of 3 does not block a party of 1 behind it while only
one seat is free; it keeps its place and gets the next 3 seats that free up together.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, update

from app.activities.models import Activity, ActivityStatus, Signup, SignupStatus
from app.activities.services import notify
from app.extensions import db


def take_seats(activity_id: int, seats: int) -> bool:
    """Take ``seats`` seats if that many are free; False (nothing changed) otherwise."""
    result = db.session.execute(
        update(Activity)
        .where(Activity.id == activity_id, Activity.seats_taken + seats <= Activity.capacity)
        .values(seats_taken=Activity.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def queue_seats(activity_id: int, seats: int) -> bool:
    """Add ``seats`` to the waiting list unless it is capped and full; False otherwise."""
    result = db.session.execute(
        update(Activity)
        .where(
            Activity.id == activity_id,
            Activity.waitlist_capacity.is_(None)
            | (Activity.waitlist_taken + seats <= Activity.waitlist_capacity),
        )
        .values(waitlist_taken=Activity.waitlist_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def move_counters(activity: Activity, *, seats: int = 0, waitlist: int = 0) -> None:
    """Shift both counters of an activity this transaction holds by ``lock_activity`` (so the
    values written are relative to the latest committed ones); negative releases."""
    activity.seats_taken += seats
    activity.waitlist_taken += waitlist
    db.session.flush()


def lock_activity(activity_id: int) -> Activity | None:
    """The activity, re-read under its row lock (the latest committed counters)."""
    return db.session.scalar(
        select(Activity)
        .where(Activity.id == activity_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_signup(signup_id: int) -> Signup | None:
    return db.session.scalar(
        select(Signup)
        .where(Signup.id == signup_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def offer_deadline(activity: Activity, now: datetime) -> datetime:
    """When an offer made now lapses: ACTIVITY_OFFER_MINUTES on, but never after the start."""
    minutes = int(current_app.config["ACTIVITY_OFFER_MINUTES"])
    return min(now + timedelta(minutes=minutes), activity.starts_at).replace(microsecond=0)


def promote(activity: Activity, now: datetime) -> list[Signup]:
    """Offer freed seats of a locked activity down the waiting list (first that fits), each
    offer held until ``offer_deadline``; the promoted get a push. Nothing once it has begun."""
    free = activity.capacity - activity.seats_taken
    promoted: list[Signup] = []
    if now >= activity.starts_at:
        return promoted
    deadline = offer_deadline(activity, now)
    while free > 0:
        candidate = db.session.scalar(
            select(Signup)
            .where(
                Signup.activity_id == activity.id,
                Signup.status == SignupStatus.WAITLISTED,
                Signup.seats <= free,
            )
            .order_by(Signup.queued_at, Signup.id)
            .limit(1)
            .with_for_update()
        )
        if candidate is None:
            break
        candidate.status = SignupStatus.OFFERED
        candidate.offer_expires_at = deadline
        free -= candidate.seats
        promoted.append(candidate)
    if promoted:
        total = sum(s.seats for s in promoted)
        move_counters(activity, seats=total, waitlist=-total)
        notify.offered(activity, promoted)
    return promoted


def has_due_offers(activity_id: int, now: datetime) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Signup.activity_id == activity_id,
                    Signup.status == SignupStatus.OFFERED,
                    Signup.offer_expires_at <= now,
                )
            )
        )
    )


def expire_offers(activity_id: int, now: datetime) -> int:
    """Lapse the activity's offers not confirmed in time and pass their seats on.

    Cheap when there are none (one read, no lock): it runs on reads of the activity as well
    as from the beat. Returns how many lapsed.
    """
    if not has_due_offers(activity_id, now):
        return 0
    activity = lock_activity(activity_id)
    due = db.session.scalars(
        select(Signup)
        .where(
            Signup.activity_id == activity_id,
            Signup.status == SignupStatus.OFFERED,
            Signup.offer_expires_at <= now,
        )
        .with_for_update()
    ).all()
    for signup in due:
        signup.status = SignupStatus.EXPIRED
    move_counters(activity, seats=-sum(s.seats for s in due))
    promote(activity, now)
    return len(due)


def activities_to_settle(now: datetime, limit: int = 100) -> list[int]:
    """Activities holding lapsed offers, or free seats while parties wait (one queued in the
    instant a seat was freed), for the beat to settle one at a time."""
    lapsed = (
        select(Signup.activity_id)
        .where(Signup.status == SignupStatus.OFFERED, Signup.offer_expires_at <= now)
        .distinct()
        .limit(limit)
    )
    idle = (
        select(Activity.id)
        .where(
            Activity.status == ActivityStatus.PUBLISHED,
            Activity.starts_at > now,
            Activity.seats_taken < Activity.capacity,
            Activity.waitlist_taken > 0,
        )
        .limit(limit)
    )
    return sorted(set(db.session.scalars(lapsed)) | set(db.session.scalars(idle)))


def settle(activity_id: int, now: datetime) -> int:
    """Lapse overdue offers, then offer any free seats down the waiting list; how many lapsed."""
    lapsed = expire_offers(activity_id, now)
    activity = lock_activity(activity_id)
    if activity.seats_taken < activity.capacity and activity.waitlist_taken > 0:
        promote(activity, now)
    return lapsed


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first party waiting, and so on; None unless the sign-up waits."""
    if signup.status != SignupStatus.WAITLISTED or signup.queued_at is None:
        return None
    ahead = db.session.scalar(
        select(db.func.count()).where(
            Signup.activity_id == signup.activity_id,
            Signup.status == SignupStatus.WAITLISTED,
            (Signup.queued_at < signup.queued_at)
            | ((Signup.queued_at == signup.queued_at) & (Signup.id < signup.id)),
        )
    )
    return int(ahead) + 1
