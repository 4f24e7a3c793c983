"""Who is coming: the organiser's list of sign-ups (attendees, waiting list, check-in status,
answers) and its Excel export, and the participant list residents may see.

Personal data leaves masked (a nickname, a masked phone, the flat, masked names of the household
members brought along). The export is recorded in the audit log.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl import Workbook
from sqlalchemy import Select, select

from app.accounts.models import User
from app.activities.models import HOLDS_SEATS, Activity, Signup, SignupStatus
from app.activities.services.activities import get_activity, get_organised, is_organiser
from app.activities.services.errors import ParticipantsPrivate
from app.community.models import Household, Occupant, Shop
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import to_shanghai
from app.core.crypto import mask_name
from app.core.pagination import paginate
from app.extensions import db

STATUS_LABELS = {
    SignupStatus.PENDING: "待审核",
    SignupStatus.CONFIRMED: "已报名",
    SignupStatus.WAITLISTED: "候补中",
    SignupStatus.OFFERED: "候补待确认",
    SignupStatus.CANCELLED: "已取消",
    SignupStatus.REJECTED: "未通过",
    SignupStatus.EXPIRED: "候补已过期",
}
EXPORT_MAX_ROWS = 20_000


@dataclass
class SignupRow:
    """A sign-up as the organiser sees it."""

    signup: Signup
    nickname: str | None
    phone_masked: str | None
    flat: str | None
    shop_name: str | None
    companions: list[str] = field(default_factory=list)


def _rows_stmt(activity: Activity) -> Select:
    return (
        select(Signup, User.nickname, User.phone_masked, Household.flat, Shop.name)
        .join(User, User.id == Signup.user_id)
        .outerjoin(Household, Household.id == Signup.household_id)
        .outerjoin(Shop, Shop.id == Signup.shop_id)
        .where(Signup.activity_id == activity.id, Signup.community_id == activity.community_id)
    )


def _with_companions(rows) -> list[SignupRow]:
    result = [SignupRow(*row) for row in rows]
    wanted = {i for r in result for i in r.signup.companion_ids or []}
    names: dict[int, str] = {}
    if wanted:
        names = dict(
            db.session.execute(
                select(Occupant.id, Occupant.name_masked).where(Occupant.id.in_(wanted))
            ).all()
        )
    for row in result:
        row.companions = [names.get(i, "") for i in row.signup.companion_ids or []]
    return result


def _ordered(stmt: Select, status: SignupStatus | None) -> Select:
    if status == SignupStatus.WAITLISTED:
        return stmt.where(Signup.status == status).order_by(Signup.queued_at, Signup.id)
    if status is not None:
        stmt = stmt.where(Signup.status == status)
    return stmt.order_by(Signup.id)


def list_signups(
    actor: Actor,
    activity_id: int,
    *,
    page: int,
    page_size: int,
    status: SignupStatus | None = None,
) -> dict:
    """A page of the activity's sign-ups for its organiser: the waiting list in queue order,
    anything else in sign-up order. Raises ActivityNotFound, NotOrganiser."""
    activity = get_organised(actor, activity_id)
    result = paginate(_ordered(_rows_stmt(activity), status), page, page_size, rows=True)
    result["items"] = _with_companions(result["items"])
    return result


@dataclass(frozen=True)
class Participant:
    name: str
    seats: int
    shop_name: str | None


def list_participants(actor: Actor, activity_id: int) -> list[Participant]:
    """Who holds seats, as any resident may see it: masked nicknames or shop names. A mixer's
    list (participants_private) is for its organisers only: ParticipantsPrivate (403)."""
    activity = get_activity(actor.community_id, activity_id)
    if activity.participants_private and not is_organiser(actor, activity):
        raise ParticipantsPrivate()
    rows = db.session.execute(
        select(User.nickname, Signup.seats, Shop.name)
        .join(User, User.id == Signup.user_id)
        .outerjoin(Shop, Shop.id == Signup.shop_id)
        .where(Signup.activity_id == activity.id, Signup.status.in_(HOLDS_SEATS))
        .order_by(Signup.id)
        .limit(500)
    )
    return [Participant(mask_name(nick or "居民"), seats, shop) for nick, seats, shop in rows]


def _moment(value) -> str:
    return to_shanghai(value).strftime("%Y-%m-%d %H:%M") if value else ""


_HEADERS = [
    "编号",
    "状态",
    "报名人",
    "手机",
    "房屋",
    "商户",
    "人数",
    "同行人",
    "报名时间",
    "签到",
    "签退",
]


def export_signups(actor: Actor, activity_id: int) -> tuple[str, bytes]:
    """(file name, .xlsx bytes) of every sign-up with its answers, one column per question.
    Audited. Raises ActivityNotFound, NotOrganiser."""
    activity = get_organised(actor, activity_id)
    rows = _with_companions(
        db.session.execute(_ordered(_rows_stmt(activity), None).limit(EXPORT_MAX_ROWS))
    )
    questions = activity.questions or []
    book = Workbook()
    sheet = book.active
    sheet.title = "报名名单"
    sheet.append(_HEADERS + [q["label"] for q in questions])
    for row in rows:
        s = row.signup
        sheet.append(
            [
                s.id,
                STATUS_LABELS[s.status],
                row.nickname or "",
                row.phone_masked or "",
                row.flat or "",
                row.shop_name or "",
                s.seats,
                "、".join(row.companions),
                _moment(s.created_at),
                _moment(s.checked_in_at),
                _moment(s.checked_out_at),
            ]
            + [(s.answers or {}).get(q["key"], "") for q in questions]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    record_audit(actor, "activity.export", "activity", activity.id, detail={"rows": len(rows)})
    return f"activity-{activity.id}-signups.xlsx", buffer.getvalue()
