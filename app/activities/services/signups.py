"""Signing up, confirming an offered seat, cancelling; the organiser's approvals.

A sign-up reads the activity together with the caller's own sign-up (one query, no locks: a
retry gets its sign-up back unchanged, and a closed or full activity turns the crowd away at
once), checks the party, then places it (placing.py: the row, the confirmation's outbox rows,
and last the one conditional UPDATE of the seat counter). A second member of a flat that has
signed up, or a concurrent double submit, meets the unique keys and gets the sign-up that won.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from app.activities.models import (
    ACTIVE,
    HOLDS_SEATS,
    Activity,
    ActivityStatus,
    Signup,
    SignupStatus,
)
from app.activities.services import seats
from app.activities.services.activities import get_organised
from app.activities.services.eligibility import Party, check_answers, resolve_party
from app.activities.services.errors import (
    ActivityCancelled,
    ActivityFull,
    ActivityNotFound,
    CancelDeadlinePassed,
    NoOffer,
    OfferExpired,
    SignupClosed,
    SignupConflict,
    SignupNotCancellable,
    SignupNotFound,
    SignupNotOpen,
    SignupNotPending,
    SignupRejectedBefore,
)
from app.activities.services.placing import expected_status, is_duplicate, place_party
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.extensions import db


def _check_open(activity: Activity, now: datetime) -> None:
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled()
    if now < activity.signup_opens_at:
        raise SignupNotOpen()
    if now >= activity.signup_closes_at:
        raise SignupClosed()


def _find_existing(
    activity_id: int, user_id: int, party_key: str | None = None, lock: bool = False
) -> Signup | None:
    """The caller's sign-up, or (given ``party_key``) their party's — a flat signs up once —
    an active one first. ``lock`` reads the latest committed rows, and holds them."""
    match = Signup.user_id == user_id
    if party_key is not None:
        match = or_(match, Signup.party_key == party_key)
    stmt = select(Signup).where(Signup.activity_id == activity_id, match)
    rows = db.session.scalars(stmt.with_for_update() if lock else stmt).all()
    rows.sort(key=lambda s: (s.status not in ACTIVE, s.user_id != user_id))
    return rows[0] if rows else None


# What a sign-up reads of its activity: its rules, counters and what a confirmation shows.
# Loading only these keeps the busiest query of a rush small (timestamps are costly to parse).
_FOR_SIGNUP = (
    Activity.community_id, Activity.kind, Activity.status, Activity.title, Activity.place,
    Activity.organiser_name, Activity.starts_at, Activity.ends_at, Activity.signup_opens_at,
    Activity.signup_closes_at, Activity.capacity, Activity.seats_taken,
    Activity.waitlist_capacity, Activity.waitlist_taken, Activity.seats_per_household,
    Activity.requires_approval, Activity.audience_kind, Activity.audience_ids,
    Activity.questions, Activity.shop_teams,
)  # fmt: skip


# Built once: constructing it (twenty load_only columns) costs more than running it.
_READ_FOR_SIGNUP = (
    select(Activity, Signup.id, Signup.status)
    .outerjoin(
        Signup,
        (Signup.activity_id == Activity.id) & (Signup.user_id == bindparam("user_id")),
    )
    .where(Activity.id == bindparam("activity_id"))
    .options(load_only(*_FOR_SIGNUP))
    .execution_options(populate_existing=True)
)


def _read(actor: Actor, activity_id: int) -> tuple[Activity, Row | None]:
    """The activity as committed now, with the id and status of the caller's own sign-up for it
    (one query: a retry or a refusal needs no other). Raises ActivityNotFound."""
    row = db.session.execute(
        _READ_FOR_SIGNUP, {"user_id": actor.user_id, "activity_id": activity_id}
    ).first()
    if row is None or row[0].community_id != actor.community_id:
        raise ActivityNotFound()
    return row[0], (row if row.id is not None else None)


def sign_up(
    actor: Actor,
    activity_id: int,
    *,
    household_id: int | None = None,
    companion_ids: list[int] | None = None,
    shop_id: int | None = None,
    team_size: int | None = None,
    answers: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> tuple[Signup, bool]:
    """Sign the actor's party up: (sign-up, True) when this call made it, (existing, False)
    when the caller or their flat already holds one (a retry changes nothing, even once the
    activity is full or sign-up has closed).

    Without approval the party is confirmed if its seats are free, else waitlisted (FIFO), else
    refused; with approval it pends and takes no seat until approved. A closed or full
    activity is refused before the party is checked (ActivityCancelled, SignupNotOpen,
    SignupClosed, ActivityFull: 409), then the party's and the answers' errors (403/422),
    SignupRejectedBefore (409). Raises ActivityNotFound (404).
    """
    now = now or utcnow()
    activity, own = _read(actor, activity_id)
    if own is not None and own.status in ACTIVE:
        return db.session.get(Signup, own.id), False  # a retry: nothing changes
    if own is not None and own.status == SignupStatus.REJECTED:
        raise SignupRejectedBefore()
    _check_open(activity, now)
    expected_status(activity, 1)  # a full activity turns the crowd away before anything else
    party = resolve_party(
        actor,
        activity,
        household_id=household_id,
        companion_ids=companion_ids,
        shop_id=shop_id,
        team_size=team_size,
    )
    checked = check_answers(activity.questions, answers or {})
    earlier = seats.lock_signup(own.id) if own is not None else None  # it ended: begin again
    if earlier is not None and earlier.status in ACTIVE:
        return earlier, False  # begun again a moment ago by a double tap
    return _place(actor, activity, party, checked, now, earlier)


def _place(
    actor: Actor,
    activity: Activity,
    party: Party,
    answers: dict[str, str],
    now: datetime,
    earlier: Signup | None,
) -> tuple[Signup, bool]:
    """Most sign-ups are new: write first, and look for the flat's sign-up (or a concurrent
    double submit's) only when the unique keys say there is one."""
    try:
        signup = place_party(actor, activity, party, answers, now, earlier)
    except (ActivityFull, IntegrityError) as error:
        if isinstance(error, IntegrityError) and not is_duplicate(error):
            raise
        existing = _find_existing(activity.id, actor.user_id, party.key, lock=True)
        if existing is not None and existing.status in ACTIVE:
            return existing, False
        if isinstance(error, ActivityFull):
            raise
        raise SignupConflict() from error
    if signup is not None:
        return signup, True
    existing = _find_existing(activity.id, actor.user_id, party.key, lock=True)
    if existing is None:
        raise SignupConflict()
    if existing.status in ACTIVE:
        return existing, False
    if existing.status == SignupStatus.REJECTED:
        raise SignupRejectedBefore()
    return place_party(actor, activity, party, answers, now, existing), True


def get_my_signup(actor: Actor, signup_id: int) -> Signup:
    """The actor's own sign-up; raises SignupNotFound for anyone else's."""
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.user_id != actor.user_id:
        raise SignupNotFound()
    if signup.community_id != actor.community_id:
        raise SignupNotFound()
    return signup


def _locked_pair(signup_id: int, activity_id: int) -> tuple[Activity, Signup]:
    """Activity first, then the sign-up: the lock order every path keeps."""
    activity = seats.lock_activity(activity_id)
    return activity, seats.lock_signup(signup_id)


def cancel_signup(actor: Actor, signup_id: int, now: datetime | None = None) -> Signup:
    """Cancel the actor's sign-up; freed seats go down the waiting list in the same
    transaction. A confirmed sign-up can be cancelled until the activity's cancel deadline
    (CancelDeadlinePassed after it); waiting, pending or offered ones at any time. Cancelling
    twice returns the cancelled sign-up. Raises SignupNotFound, SignupNotCancellable."""
    now = now or utcnow()
    signup = get_my_signup(actor, signup_id)
    activity, signup = _locked_pair(signup.id, signup.activity_id)
    if signup.status == SignupStatus.CANCELLED:
        return signup
    if signup.status not in ACTIVE:
        raise SignupNotCancellable()
    if signup.status == SignupStatus.CONFIRMED and now > activity.cancel_deadline:
        raise CancelDeadlinePassed()
    _release(activity, signup, now)
    signup.status = SignupStatus.CANCELLED
    signup.cancelled_at = now.replace(microsecond=0)
    db.session.flush()
    return signup


def _release(activity: Activity, signup: Signup, now: datetime) -> None:
    if signup.status in HOLDS_SEATS:
        seats.move_counters(activity, seats=-signup.seats)
        signup.status = SignupStatus.CANCELLED  # out of the waiting list before promoting
        db.session.flush()
        seats.promote(activity, now)
    elif signup.status == SignupStatus.WAITLISTED:
        seats.move_counters(activity, waitlist=-signup.seats)


def confirm_offer(actor: Actor, signup_id: int, now: datetime | None = None) -> Signup:
    """Take up an offered seat: the sign-up is confirmed (its seats were held already).
    Confirming twice returns the confirmed sign-up. Raises NoOffer, OfferExpired (409)."""
    now = now or utcnow()
    signup = seats.lock_signup(get_my_signup(actor, signup_id).id)
    if signup.status == SignupStatus.CONFIRMED:
        return signup
    if signup.status != SignupStatus.OFFERED:
        raise NoOffer()
    if signup.offer_expires_at <= now:
        raise OfferExpired()
    signup.status = SignupStatus.CONFIRMED  # its 报名成功 message follows (confirmations.py)
    signup.offer_expires_at = None
    db.session.flush()
    return signup


def approve_signup(actor: Actor, activity_id: int, signup_id: int, now: datetime | None = None):
    """The organiser admits a pending sign-up: confirmed if seats are free, else waitlisted;
    seats are taken now, not when it was submitted. Audited. Raises SignupNotPending,
    ActivityFull (the waiting list is full too: it stays pending)."""
    now = now or utcnow()
    activity = get_organised(actor, activity_id)
    activity, signup = _locked_pair(signup_id, activity.id)
    if signup is None or signup.activity_id != activity.id:
        raise SignupNotFound()
    if signup.status != SignupStatus.PENDING:
        raise SignupNotPending()
    if seats.take_seats(activity.id, signup.seats):
        signup.status = SignupStatus.CONFIRMED
    elif seats.queue_seats(activity.id, signup.seats):
        signup.status, signup.queued_at = SignupStatus.WAITLISTED, now
    else:
        raise ActivityFull()
    signup.decided_by_user_id = actor.user_id
    db.session.flush()
    record_audit(
        actor,
        "activity_signup.approve",
        "activity_signup",
        signup.id,
        detail={"status": signup.status.value},
    )
    return signup


def reject_signup(actor: Actor, activity_id: int, signup_id: int, reason: str | None = None):
    """The organiser turns a pending sign-up down. Audited. Raises SignupNotPending."""
    activity = get_organised(actor, activity_id)
    activity, signup = _locked_pair(signup_id, activity.id)
    if signup is None or signup.activity_id != activity.id:
        raise SignupNotFound()
    if signup.status != SignupStatus.PENDING:
        raise SignupNotPending()
    signup.status = SignupStatus.REJECTED
    signup.decided_by_user_id = actor.user_id
    db.session.flush()
    record_audit(actor, "activity_signup.reject", "activity_signup", signup.id, reason=reason)
    return signup
