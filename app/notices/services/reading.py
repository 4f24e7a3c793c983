"""Residents and their notices: the in-app list, unread counts, reading and 已知晓."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select, update

from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict
from app.extensions import db
from app.notices.models import Notice, NoticeRecipient, NoticeStatus
from app.notices.services.publishing import NoticeNotFound


class NoticeAckNotRequired(Conflict):
    reason = "notice_ack_not_required"
    message = "该通知无需确认"


@dataclass(frozen=True)
class MyNotice:
    """A notice as one of its recipients sees it, with their own read and 已知晓 times."""

    notice: Notice
    read_at: datetime | None
    acknowledged_at: datetime | None


def _mine(actor: Actor, now: datetime) -> Select:
    """(Notice, NoticeRecipient) of the actor's published, unexpired notices."""
    return (
        select(Notice, NoticeRecipient)
        .join(NoticeRecipient, NoticeRecipient.notice_id == Notice.id)
        .where(
            NoticeRecipient.community_id == actor.community_id,
            NoticeRecipient.user_id == actor.user_id,
            Notice.community_id == actor.community_id,
            Notice.status == NoticeStatus.PUBLISHED,
            or_(Notice.expires_at.is_(None), Notice.expires_at > now),
        )
    )


def list_my_notices(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    unread_only: bool = False,
    now: datetime | None = None,
) -> dict:
    """A page of the notices addressed to the actor: pinned first, then newest.

    Cancelled and expired notices are left out.
    """
    stmt = _mine(actor, now or utcnow())
    if unread_only:
        stmt = stmt.where(NoticeRecipient.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(
        stmt.order_by(Notice.pinned.desc(), Notice.published_at.desc(), Notice.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    items = [MyNotice(notice, r.read_at, r.acknowledged_at) for notice, r in rows]
    return {"items": items, "page": page, "page_size": page_size, "total": total}


def unread_count(actor: Actor, now: datetime | None = None) -> int:
    """How many of the actor's visible notices they have not opened yet."""
    stmt = _mine(actor, now or utcnow()).where(NoticeRecipient.read_at.is_(None))
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def _my_notice(actor: Actor, notice_id: int, now: datetime) -> tuple[Notice, NoticeRecipient]:
    row = db.session.execute(_mine(actor, now).where(Notice.id == notice_id)).first()
    if row is None:
        raise NoticeNotFound()
    return row[0], row[1]


def get_notice_for_resident(actor: Actor, notice_id: int, now: datetime | None = None) -> MyNotice:
    """A notice addressed to the actor, marked read (the first time only).

    Raises NoticeNotFound when it is not addressed to them, cancelled or expired.
    """
    now = now or utcnow()
    notice, recipient = _my_notice(actor, notice_id, now)
    if recipient.read_at is None:
        _stamp(recipient, "read_at", now)
    return MyNotice(notice, recipient.read_at, recipient.acknowledged_at)


def acknowledge(actor: Actor, notice_id: int, now: datetime | None = None) -> MyNotice:
    """已知晓: the actor confirms they have taken the notice in; idempotent (the first time stays).

    Raises NoticeNotFound, NoticeAckNotRequired (409).
    """
    now = now or utcnow()
    notice, recipient = _my_notice(actor, notice_id, now)
    if not notice.requires_ack:
        raise NoticeAckNotRequired()
    if recipient.read_at is None:
        _stamp(recipient, "read_at", now)
    if recipient.acknowledged_at is None:
        _stamp(recipient, "acknowledged_at", now)
    return MyNotice(notice, recipient.read_at, recipient.acknowledged_at)


def _stamp(recipient: NoticeRecipient, column: str, now: datetime) -> None:
    """Set a time once: a conditional UPDATE, so two taps at once keep the first time."""
    attribute = getattr(NoticeRecipient, column)
    db.session.execute(
        update(NoticeRecipient)
        .where(NoticeRecipient.id == recipient.id, attribute.is_(None))
        .values({column: now}),
        execution_options={"synchronize_session": False},
    )
    # A locking read: it sees the other tap's committed time, where a plain one may not.
    db.session.refresh(recipient, [column], with_for_update={"read": True})
