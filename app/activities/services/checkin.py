"""Check-in and check-out: a sign-up's signed QR code scanned by staff, or the activity's own
mini-program code scanned by the resident; a volunteer service's check-out credits hours; the
activities staff may scan at now.

The sign-up's code is an itsdangerous token (SECRET_KEY, its own salt) naming the sign-up, the
activity and an expiry (the activity's end + CHECKIN_GRACE): it cannot be forged or reused for
another activity. The activity's code carries only an opaque scene; whoever scans it is still
the logged-in person checked in. Scanning twice returns the same sign-up and changes nothing
(the answer says so: ``changed``).

Staff who scan a code are told whom it admits, as they would see them on the sign-up list:
the masked name and the flat. Nothing is shown in clear, so this is no reveal and writes no
audit row of its own (a staff scan that checks someone in or out is audited as a write).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.accounts.models import HouseholdMember, User
from app.activities.models import Activity, ActivityKind, ActivityStatus, Signup, SignupStatus
from app.activities.services import seats
from app.activities.services.activities import ADMIN, get_activity, is_organiser
from app.activities.services.errors import (
    ActivityCancelled,
    CheckinCodeExpired,
    CheckinCodeInvalid,
    CheckinNotOpen,
    NotCheckedIn,
    NotOrganiser,
    SignupNotConfirmed,
    SignupNotFound,
)
from app.activities.services.signups import get_my_signup
from app.community.models import Household, Occupant
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.crypto import mask_name
from app.core.pagination import paginate
from app.extensions import db
from app.volunteers.services import credit_hours
from app.wechat import gateway

SALT = "linli.activity-checkin"
CHECKIN_OPENS_BEFORE = timedelta(hours=1)
CHECKIN_GRACE = timedelta(hours=2)  # after the end: late check-outs, and the codes' life
CODE_MAX_AGE_SECONDS = 90 * 24 * 3600  # an outer bound; the payload's own expiry is tighter
CHECKIN_PAGE = "pages/activities/checkin"
GRID_WORKER = "grid_worker"


class ScanAction(StrEnum):
    CHECK_IN = "checkin"
    CHECK_OUT = "checkout"


@dataclass(frozen=True)
class Attendee:
    """Whom a scanned code admits, as staff see them: a masked name and the flat, if any."""

    name: str
    flat: str | None


@dataclass(frozen=True)
class ScanResult:
    """The sign-up after a scan; ``changed`` is False for a repeated check-in or check-out.
    ``attendee`` only for staff scans."""

    signup: Signup
    changed: bool
    attendee: Attendee | None = None


@dataclass(frozen=True)
class CheckinCode:
    code: str
    expires_at: datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _epoch(moment: datetime) -> int:
    return calendar.timegm(moment.timetuple())  # naive UTC → seconds


def checkin_code(actor: Actor, signup_id: int) -> CheckinCode:
    """The signed payload of the actor's confirmed sign-up, for their QR code.
    Raises SignupNotFound, SignupNotConfirmed."""
    signup = get_my_signup(actor, signup_id)
    if signup.status != SignupStatus.CONFIRMED:
        raise SignupNotConfirmed()
    activity = db.session.get(Activity, signup.activity_id)
    expires_at = activity.ends_at + CHECKIN_GRACE
    payload = {"s": signup.id, "a": activity.id, "x": _epoch(expires_at)}
    return CheckinCode(_serializer().dumps(payload), expires_at)


def read_code(code: str, now: datetime) -> tuple[int, int]:
    """(sign-up id, activity id) of a genuine, unexpired code; raises CheckinCodeInvalid,
    CheckinCodeExpired (403)."""
    try:
        data = _serializer().loads(code, max_age=CODE_MAX_AGE_SECONDS)
    except SignatureExpired as error:
        raise CheckinCodeExpired() from error
    except BadData as error:
        raise CheckinCodeInvalid() from error
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "sax"):
        raise CheckinCodeInvalid()
    if data["x"] <= _epoch(now):
        raise CheckinCodeExpired()
    return data["s"], data["a"]


def _check_window(activity: Activity, now: datetime) -> None:
    if activity.status == ActivityStatus.CANCELLED:
        raise ActivityCancelled()
    if not activity.starts_at - CHECKIN_OPENS_BEFORE <= now <= activity.ends_at + CHECKIN_GRACE:
        raise CheckinNotOpen()


def _scans_anywhere(actor: Actor) -> bool:
    """Admins, and grid workers as helpers on site, scan at any activity of the community;
    anyone else only at the activities they organise."""
    return actor.has_role(ADMIN) or actor.has_role(GRID_WORKER)


def list_scannable(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    status: ActivityStatus | None = None,
    now: datetime | None = None,
) -> dict:
    """The activities the actor may scan codes at now, soonest first: published, with the
    window _check_window enforces open (from CHECKIN_OPENS_BEFORE before the start to
    CHECKIN_GRACE after the end, so late check-outs of an ended one too); the community's for
    admins and grid workers, else those the actor organises."""
    now = now or utcnow()
    stmt = select(Activity).where(
        Activity.community_id == actor.community_id,
        Activity.status == ActivityStatus.PUBLISHED,
        Activity.starts_at <= now + CHECKIN_OPENS_BEFORE,
        Activity.ends_at >= now - CHECKIN_GRACE,
    )
    if status is not None:
        stmt = stmt.where(Activity.status == status)
    if not _scans_anywhere(actor):
        stmt = stmt.where(Activity.organiser_user_id == actor.user_id)
    return paginate(stmt.order_by(Activity.starts_at, Activity.id), page, page_size)


def scan_code(
    actor: Actor, activity_id: int, code: str, action: ScanAction, now: datetime | None = None
) -> ScanResult:
    """Staff (the organiser, an admin or a grid worker) scan a resident's code; the result
    names the attendee (masked). Audited when it changes something. Raises NotOrganiser, the
    code's errors, and _apply's."""
    now = now or utcnow()
    activity = get_activity(actor.community_id, activity_id)
    if not (_scans_anywhere(actor) or is_organiser(actor, activity)):
        raise NotOrganiser(message="只有组织者或网格员可以扫码签到")
    signup_id, code_activity_id = read_code(code, now)
    if code_activity_id != activity.id:
        raise CheckinCodeInvalid(message="这不是本活动的签到码")
    signup = seats.lock_signup(signup_id)
    if signup is None or signup.activity_id != activity.id:
        raise CheckinCodeInvalid()
    changed = _apply(actor, activity, signup, action, now)
    return ScanResult(signup, changed, _attendee(signup))


def scan_scene(
    actor: Actor, scene: str, action: ScanAction, now: datetime | None = None
) -> ScanResult:
    """A resident scans the activity's mini-program code: their own sign-up is checked in (or
    out). Raises CheckinCodeInvalid (unknown scene), SignupNotFound, and _apply's errors."""
    now = now or utcnow()
    activity = db.session.scalar(
        select(Activity).where(
            Activity.community_id == actor.community_id, Activity.checkin_scene == scene
        )
    )
    if activity is None:
        raise CheckinCodeInvalid()
    signup_id = db.session.scalar(
        select(Signup.id).where(Signup.activity_id == activity.id, Signup.user_id == actor.user_id)
    )
    if signup_id is None:
        raise SignupNotFound(message="您没有报名该活动")
    signup = seats.lock_signup(signup_id)
    return ScanResult(signup, _apply(actor, activity, signup, action, now))


def _apply(
    actor: Actor, activity: Activity, signup: Signup, action: ScanAction, now: datetime
) -> bool:
    """Check the sign-up in or out; whether that changed it (not when done before).
    Raises ActivityCancelled, CheckinNotOpen, SignupNotConfirmed, NotCheckedIn (409)."""
    now = now.replace(microsecond=0)  # as the column keeps it, so a second scan answers alike
    if signup.status != SignupStatus.CONFIRMED:
        raise SignupNotConfirmed()
    _check_window(activity, now)
    if action == ScanAction.CHECK_IN:
        if signup.checked_in_at is not None:
            return False
        signup.checked_in_at, signup.checked_in_by_user_id = now, actor.user_id
        _audit(actor, signup, "activity_signup.check_in")
        return True
    if signup.checked_in_at is None:
        raise NotCheckedIn()
    if signup.checked_out_at is not None:
        return False
    signup.checked_out_at, signup.checked_out_by_user_id = now, actor.user_id
    _audit(actor, signup, "activity_signup.check_out")
    if activity.kind == ActivityKind.VOLUNTEER_SERVICE:
        _credit(activity, signup, actor)
    db.session.flush()
    return True


def _attendee(signup: Signup) -> Attendee:
    """The masked name the roster knows the person by (their occupant's, when they signed up
    from a flat they are registered in; else their masked nickname), and the flat."""
    nickname, flat, name_masked = db.session.execute(
        select(User.nickname, Household.flat, Occupant.name_masked)
        .select_from(User)
        .outerjoin(Household, Household.id == signup.household_id)
        .outerjoin(
            HouseholdMember,
            (HouseholdMember.household_id == Household.id)
            & (HouseholdMember.user_id == User.id)
            & HouseholdMember.is_active.is_(True),
        )
        .outerjoin(Occupant, Occupant.id == HouseholdMember.occupant_id)
        .where(User.id == signup.user_id)
    ).one()
    return Attendee(name_masked or mask_name(nickname or "居民"), flat)


def _audit(actor: Actor, signup: Signup, action: str) -> None:
    db.session.flush()
    if actor.user_id != signup.user_id:  # staff scanned: a staff write
        record_audit(actor, action, "activity_signup", signup.id)


def served_minutes(activity: Activity, signup: Signup) -> int:
    """Minutes between check-in and check-out, at most the activity's scheduled length."""
    served = (signup.checked_out_at - signup.checked_in_at).total_seconds() // 60
    scheduled = (activity.ends_at - activity.starts_at).total_seconds() // 60
    return int(max(0, min(served, scheduled)))


def _credit(activity: Activity, signup: Signup, actor: Actor) -> None:
    credit_hours(
        community_id=activity.community_id,
        user_id=signup.user_id,
        team_id=activity.team_id,
        minutes=served_minutes(activity, signup),
        activity_id=activity.id,
        signup_id=signup.id,
        credit_key=f"signup:{signup.id}",
        actor=actor,
    )


def activity_wxacode(actor: Actor, activity_id: int) -> bytes:
    """The PNG of the activity's own mini-program code (scene = its opaque id), for organisers.
    Calls WeChat; raises NotOrganiser and the gateway's errors."""
    activity = get_activity(actor.community_id, activity_id)
    if not is_organiser(actor, activity):
        raise NotOrganiser()
    return gateway().get_wxa_code_unlimited(scene=activity.checkin_scene, page=CHECKIN_PAGE)
