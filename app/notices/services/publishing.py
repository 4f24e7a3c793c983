"""Writing notices: creating (at once or scheduled), publishing when due, cancelling."""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app.community.models import Organisation, OrganisationStaff
from app.community.services.scope import ADMIN
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Forbidden, Invalid, NotFound
from app.delivery.services import DeliveryBatchFinished, Recipient, cancel_batch, enqueue_batch
from app.extensions import db
from app.notices.audience import Addressee, resolve_audience, validate_audience
from app.notices.models import Notice, NoticeRecipient, NoticeStatus
from app.subscriptions.fields import TemplateSpecInvalid, TemplateValueInvalid
from app.subscriptions.models import TemplatePurpose

log = logging.getLogger(__name__)
MAX_SCHEDULE_AHEAD = timedelta(days=90)
SUMMARY_CHARS = 40
PUBLISH_BATCH = 50


class NoticeNotFound(NotFound):
    reason = "notice_not_found"
    message = "找不到该通知"


class NoticeNotYours(Forbidden):
    reason = "notice_not_yours"
    message = "只能管理自己发布的通知"


class ExpiryBeforePublish(Invalid):
    reason = "expiry_before_publish"
    message = "过期时间须晚于发布时间"


class PublishTooFarAhead(Invalid):
    reason = "publish_too_far_ahead"
    message = "定时发布最多可提前 90 天"


def create_notice(
    actor: Actor,
    *,
    title: str,
    body: str,
    images: list[str],
    audience: dict[str, Any],
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    pinned: bool = False,
    requires_ack: bool = False,
    push: bool = True,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Notice:
    """A new notice, published at once when ``publish_at`` is None or past, else scheduled.

    The same ``idempotency_key`` from the same author returns the notice it first made, with no
    second write. Audited. Raises the audience's errors (422/403), ExpiryBeforePublish,
    PublishTooFarAhead.
    """
    now = now or utcnow()
    if idempotency_key and (earlier := _find_by_key(actor, idempotency_key)):
        return earlier
    notice = Notice(
        community_id=actor.community_id,
        author_user_id=actor.user_id,
        title=title,
        body=body,
        images=list(images),
        audience=validate_audience(actor, audience),
        status=NoticeStatus.SCHEDULED,
        publish_at=_checked_publish_at(now, publish_at, expires_at),
        expires_at=expires_at,
        pinned=pinned,
        requires_ack=requires_ack,
        push=push,
        idempotency_key=idempotency_key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:
        # A retry raced us past the look-up above; the notice of the other request stands.
        earlier = _find_by_key(actor, idempotency_key, locking=True) if idempotency_key else None
        if earlier is None:
            raise
        return earlier
    record_audit(actor, "notice.create", "notice", notice.id, detail=_audit_detail(notice))
    if notice.publish_at <= now:
        _publish(notice, now=now, actor=actor)
    return notice


def _find_by_key(actor: Actor, key: str | None, *, locking: bool = False) -> Notice | None:
    stmt = select(Notice).where(
        Notice.community_id == actor.community_id,
        Notice.author_user_id == actor.user_id,
        Notice.idempotency_key == key,
    )
    if locking:  # a locking read sees rows committed after this transaction's snapshot
        stmt = stmt.with_for_update(read=True)
    return db.session.scalar(stmt)


def _checked_publish_at(
    now: datetime, publish_at: datetime | None, expires_at: datetime | None
) -> datetime:
    publish_at = publish_at if publish_at and publish_at > now else now
    if publish_at > now + MAX_SCHEDULE_AHEAD:
        raise PublishTooFarAhead()
    if expires_at is not None and expires_at <= publish_at:
        raise ExpiryBeforePublish()
    return publish_at


def _audit_detail(notice: Notice) -> dict[str, Any]:
    return {
        "title": notice.title,
        "audience": notice.audience,
        "publish_at": notice.publish_at.isoformat(),
        "push": notice.push,
    }


def publish_due_notices(now: datetime | None = None, limit: int = PUBLISH_BATCH) -> int:
    """Publish scheduled notices whose time has come; how many were published.

    Rows are claimed FOR UPDATE SKIP LOCKED, so beat runs on several workers never publish one
    twice. Each notice is published in a savepoint: one that fails stays scheduled, is logged and
    is tried again next time, without holding back the others.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Notice)
        .where(Notice.status == NoticeStatus.SCHEDULED, Notice.publish_at <= now)
        .order_by(Notice.publish_at, Notice.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    published = 0
    for notice in due:
        try:
            with db.session.begin_nested():
                _publish(notice, now=now, actor=None)
            published += 1
        except Exception:
            log.exception("notice %s: publishing failed, will retry", notice.id)
    return published


def _publish(notice: Notice, *, now: datetime, actor: Actor | None) -> None:
    """Resolve the audience into recipient rows (one bulk insert) and queue the WeChat push."""
    addressees = resolve_audience(notice.community_id, notice.audience)
    if addressees:
        db.session.execute(
            insert(NoticeRecipient),
            [
                {
                    "notice_id": notice.id,
                    "community_id": notice.community_id,
                    "user_id": a.user_id,
                    "household_id": a.household_id,
                }
                for a in addressees
            ],
        )
    notice.status = NoticeStatus.PUBLISHED
    notice.published_at = now
    if notice.push and addressees:
        notice.delivery_batch_id = _enqueue_push(notice, addressees, actor)
    db.session.flush()


def _enqueue_push(notice: Notice, addressees: list[Addressee], actor: Actor | None) -> int | None:
    """The id of the batch queued, None when there is no usable template for notices.

    A template whose fields cannot be filled must not keep the notice from residents' phones:
    the notice is published without push (the report says push unavailable) and it is logged.
    """
    try:
        with db.session.begin_nested():
            batch = _enqueue_batch(notice, addressees, actor)
    except (TemplateSpecInvalid, TemplateValueInvalid):
        log.exception("notice %s: the notice template cannot be filled, no push", notice.id)
        return None
    return batch.id if batch is not None else None


def _enqueue_batch(notice: Notice, addressees: list[Addressee], actor: Actor | None):
    return enqueue_batch(
        community_id=notice.community_id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=notice.id,
        recipients=[Recipient(a.user_id, a.household_id) for a in addressees],
        values={
            "title": notice.title,
            "author": _author_label(notice),
            "published_at": notice.published_at,
            "summary": notice.body[:SUMMARY_CHARS],
            "notice_id": notice.id,
        },
        page_query=f"id={notice.id}",
        actor=actor,
    )


def _author_label(notice: Notice) -> str:
    """The author's organisation (物业 …) when they are its staff, else the community."""
    name = db.session.scalar(
        select(Organisation.name)
        .join(OrganisationStaff, OrganisationStaff.organisation_id == Organisation.id)
        .where(
            OrganisationStaff.community_id == notice.community_id,
            OrganisationStaff.user_id == notice.author_user_id,
            Organisation.is_active.is_(True),
        )
        .order_by(Organisation.id)
        .limit(1)
    )
    return name or "社区"


def get_staff_notice(actor: Actor, notice_id: int, *, for_update: bool = False) -> Notice:
    """A notice of the actor's community they may manage: admins any, others their own.

    Raises NoticeNotFound, NoticeNotYours.
    """
    stmt = select(Notice).where(Notice.id == notice_id, Notice.community_id == actor.community_id)
    notice = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if notice is None:
        raise NoticeNotFound()
    if not actor.has_role(ADMIN) and notice.author_user_id != actor.user_id:
        raise NoticeNotYours()
    return notice


def cancel_notice(actor: Actor, notice_id: int, now: datetime | None = None) -> Notice:
    """Withdraw a notice: residents no longer see it and pushes not yet sent are cancelled.

    Idempotent; audited. Raises NoticeNotFound, NoticeNotYours.
    """
    notice = get_staff_notice(actor, notice_id, for_update=True)
    if notice.status == NoticeStatus.CANCELLED:
        return notice
    notice.status = NoticeStatus.CANCELLED
    notice.cancelled_at = now or utcnow()
    if notice.delivery_batch_id is not None:
        _stop_push(notice.delivery_batch_id)
    db.session.flush()
    record_audit(
        actor,
        "notice.cancel",
        "notice",
        notice.id,
        detail={"title": notice.title, "delivery_batch_id": notice.delivery_batch_id},
    )
    return notice


def _stop_push(batch_id: int) -> None:
    # The notice's own rules decided who may cancel (a beat-published batch has no creator),
    # so the batch is cancelled as the system; the notice.cancel audit row names the person.
    with suppress(DeliveryBatchFinished):  # everything went out already: nothing to stop
        cancel_batch(None, batch_id)
