"""What residents read: an activity with their own sign-up, their sign-ups, their place in the
queue. Reading an activity first lapses its overdue offers (the check on read), so nobody is
shown a seat held by an offer that has run out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.activities.models import ACTIVE, Activity, Signup
from app.activities.services import seats
from app.activities.services.activities import get_activity
from app.activities.services.signups import get_my_signup
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.pagination import paginate
from app.extensions import db


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    my_signup: Signup | None
    position: int | None


@dataclass(frozen=True)
class SignupView:
    signup: Signup
    activity: Activity
    position: int | None


def refresh_offers(activity_id: int, now: datetime | None = None) -> None:
    """Lapse this activity's overdue offers and pass their seats on (the caller commits)."""
    seats.expire_offers(activity_id, now or utcnow())


def show_activity(actor: Actor, activity_id: int, now: datetime | None = None) -> ActivityView:
    """The activity, with the caller's sign-up and queue position. Raises ActivityNotFound."""
    activity = get_activity(actor.community_id, activity_id)
    refresh_offers(activity.id, now)
    mine = db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == actor.user_id)
    )
    position = seats.waitlist_position(mine) if mine is not None else None
    return ActivityView(activity, mine, position)


def show_my_signup(actor: Actor, signup_id: int, now: datetime | None = None) -> SignupView:
    """The caller's sign-up with its activity and queue position. Raises SignupNotFound."""
    signup = get_my_signup(actor, signup_id)
    refresh_offers(signup.activity_id, now)
    activity = db.session.get(Activity, signup.activity_id)
    return SignupView(signup, activity, seats.waitlist_position(signup))


# What a list of sign-ups shows of each one's activity (its summary), loaded for the whole page
# in one query: enough for the list, without the rules and JSON columns of the full activity.
_SUMMARY = (
    Activity.id, Activity.title, Activity.kind, Activity.starts_at, Activity.ends_at,
    Activity.place, Activity.status,
)  # fmt: skip


def list_my_signups(actor: Actor, *, page: int, page_size: int, active_only: bool = False):
    """A page of the caller's sign-ups in their community, newest first, each with its
    activity's summary (``signup.activity``; one more query for the page)."""
    stmt = select(Signup).where(
        Signup.community_id == actor.community_id, Signup.user_id == actor.user_id
    )
    if active_only:
        stmt = stmt.where(Signup.status.in_(ACTIVE))
    stmt = stmt.options(selectinload(Signup.activity).load_only(*_SUMMARY))
    return paginate(stmt.order_by(Signup.id.desc()), page, page_size)
