"""The workers' side of the outbox: claim queued rows, send each under the global rate, record
each outcome in its own transaction.

Why one transaction per row, holding the credit spend and the outcome together: a worker killed
mid-send loses only that transaction, so the credit is not spent and the row stays ``sending``
until the sweeper (sweeping.py) re-queues it as an ambiguous attempt (it may have reached
WeChat). Every outcome UPDATE is fenced on (status sending, attempts as claimed): a row the
sweeper took back in the meantime is not overwritten by the late worker.

How rows are spread over threads: chunks.py.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.accounts.models import WeChatIdentity
from app.core.clock import utcnow
from app.delivery.models import BatchStatus, Delivery, DeliveryBatch, DeliveryStatus
from app.delivery.pacing import SendPacer
from app.extensions import db
from app.subscriptions.services import clear_credit, is_long_term, refund_credit, spend_credit
from app.wechat.client import TOKEN_ERRCODES, WeChatGateway
from app.wechat.errors import (
    WeChatError,
    WeChatQuotaExhausted,
    WeChatRateLimited,
    WeChatUnavailable,
)

log = logging.getLogger(__name__)

NO_CREDIT_ERRCODE = 43101


@dataclass(frozen=True)
class Claimed:
    """A row this worker owns until it records an outcome, with all it needs to send it."""

    id: int
    batch_id: int
    user_id: int
    attempts: int
    data: dict[str, Any]
    template_id: str
    page: str
    openid: str | None
    long_term: bool


def enqueue_chunk(ids: list[int], countdown: float = 0) -> None:
    """Queue ``send_deliveries(ids)``; tests replace this to run or record chunks."""
    from app.delivery.tasks import send_deliveries  # tasks.py imports this module

    send_deliveries.apply_async((ids,), countdown=max(0.0, countdown))


def claim(ids: list[int]) -> list[Claimed]:
    """Take the due queued rows among ``ids`` (rows locked elsewhere are skipped) and commit."""
    now = utcnow().replace(microsecond=0)
    due = or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now)
    taken = db.session.scalars(
        select(Delivery.id)
        .where(Delivery.id.in_(ids), Delivery.status == DeliveryStatus.QUEUED, due)
        .with_for_update(skip_locked=True)
    ).all()
    if not taken:
        db.session.commit()
        return []
    db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(taken))
        .values(status=DeliveryStatus.SENDING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    rows = _load(taken)
    db.session.commit()
    return rows


def _load(ids: list[int]) -> list[Claimed]:
    appid = current_app.config["WECHAT_APP_ID"]
    result = db.session.execute(
        select(
            Delivery.id,
            Delivery.batch_id,
            Delivery.user_id,
            Delivery.attempts,
            Delivery.data,
            DeliveryBatch.template_id,
            DeliveryBatch.page,
            DeliveryBatch.community_id,
            WeChatIdentity.openid,
        )
        .join(DeliveryBatch, DeliveryBatch.id == Delivery.batch_id)
        .outerjoin(
            WeChatIdentity,
            and_(WeChatIdentity.user_id == Delivery.user_id, WeChatIdentity.appid == appid),
        )
        .where(Delivery.id.in_(ids))
        .order_by(Delivery.id)
    )
    long_term: dict[tuple[int, str], bool] = {}
    rows: dict[int, Claimed] = {}
    for r in result:
        key = (r.community_id, r.template_id)
        if key not in long_term:
            long_term[key] = is_long_term(*key)
        rows.setdefault(
            r.id,
            Claimed(
                r.id,
                r.batch_id,
                r.user_id,
                r.attempts,
                r.data,
                r.template_id,
                r.page,
                r.openid,
                long_term[key],
            ),
        )
    return list(rows.values())


# -- one row ---------------------------------------------------------------------------------


def _record(row: Claimed, status: DeliveryStatus, **values: Any) -> DeliveryStatus:
    """Write the row's outcome, fenced on the claim, and commit its transaction."""
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == row.id,
            Delivery.status == DeliveryStatus.SENDING,
            Delivery.attempts == row.attempts,
        )
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        log.warning("delivery %s was re-queued by the sweeper while being sent", row.id)
    db.session.commit()
    return status


def _error_fields(exc: BaseException) -> dict[str, Any]:
    errcode = getattr(exc, "errcode", None)
    text = getattr(exc, "errmsg", None) or type(exc).__name__
    return {"last_errcode": errcode, "last_error": str(text)[:255]}


def backoff_seconds(attempts: int) -> float:
    """Exponential from DELIVERY_RETRY_BASE_SECONDS, capped, with jitter (half fixed)."""
    config = current_app.config
    delay = min(
        config["DELIVERY_RETRY_MAX_SECONDS"],
        config["DELIVERY_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0),
    )
    return delay / 2 + random.uniform(0, delay / 2)


def _retry(
    row: Claimed, exc: BaseException, *, countdown: float | None = None, refund: bool = True
) -> DeliveryStatus:
    """Back to queued for a later attempt, or failed when the attempts are spent."""
    if refund:
        # WeChat did not take the message (or we cannot know): give the credit back. Should a
        # timed-out send have arrived after all, the next send meets 43101 and clears it.
        refund_credit(row.user_id, row.template_id, long_term=row.long_term)
    attempts = row.attempts + 1
    fields = {**_error_fields(exc), "attempts": attempts}
    if attempts >= current_app.config["DELIVERY_MAX_ATTEMPTS"]:
        return _record(row, DeliveryStatus.FAILED, **fields)
    delay = backoff_seconds(attempts) if countdown is None else countdown
    # DATETIME keeps whole seconds: the due time is floored, so the countdown message (and
    # the sweeper) never finds the row not yet due; at worst it goes out under a second early.
    due = utcnow().replace(microsecond=0) + timedelta(seconds=delay)
    _record(row, DeliveryStatus.QUEUED, next_attempt_at=due, claimed_at=None, **fields)
    try:
        enqueue_chunk([row.id], countdown=delay)
    except Exception:  # the broker is down: the sweeper re-queues the row once it is overdue
        log.exception("delivery %s retry not queued", row.id)
    return DeliveryStatus.QUEUED


def _refused(row: Claimed, exc: WeChatError) -> DeliveryStatus:
    """What a WeChat error means for the row: retry later, no credit, or failed for good."""
    if isinstance(exc, WeChatRateLimited):
        # 45011: the minute quota is spent; try again at the start of the next minute, spread.
        return _retry(row, exc, countdown=exc.retry_after + random.uniform(0, 3))
    if isinstance(exc, WeChatUnavailable | WeChatQuotaExhausted) or exc.errcode in TOKEN_ERRCODES:
        return _retry(row, exc)
    if exc.errcode == NO_CREDIT_ERRCODE:
        # WeChat holds no credit for this person: ours is wrong too. Never retried.
        clear_credit(row.user_id, row.template_id)
        note = "no credit at WeChat"
        if row.attempts:
            note += "; an earlier timed-out attempt may have been delivered"
        return _record(row, DeliveryStatus.NO_CREDIT, last_errcode=exc.errcode, last_error=note)
    # 40003, 40037, 41030, 47003 …: refused for good, and WeChat spends no credit on a refusal,
    # so ours goes back to match it.
    refund_credit(row.user_id, row.template_id, long_term=row.long_term)
    return _record(row, DeliveryStatus.FAILED, **_error_fields(exc))


def _batch_cancelled(batch_id: int) -> bool:
    status = db.session.scalar(select(DeliveryBatch.status).where(DeliveryBatch.id == batch_id))
    return status == BatchStatus.CANCELLED


def deliver(row: Claimed, wechat: WeChatGateway, pacer: SendPacer) -> DeliveryStatus:
    """Send one claimed row and record its outcome; returns the status it ends in."""
    if _batch_cancelled(row.batch_id):
        return _record(row, DeliveryStatus.CANCELLED)
    if not row.openid:
        return _record(row, DeliveryStatus.FAILED, last_error="no_openid")
    if not spend_credit(row.user_id, row.template_id, long_term=row.long_term):
        return _record(row, DeliveryStatus.NO_CREDIT, last_error="no_credit")
    pacer.wait_for_slot()
    try:
        result = wechat.send_subscribe_message(
            row.openid,
            row.template_id,
            row.data,
            page=row.page,
            miniprogram_state=current_app.config["DELIVERY_MINIPROGRAM_STATE"],
        )
    except WeChatError as exc:
        return _refused(row, exc)
    return _record(
        row,
        DeliveryStatus.SENT,
        msgid=str(result.get("msgid", ""))[:64] or None,
        sent_at=utcnow(),
        last_errcode=None,
        last_error=None,
    )


def deliver_safely(row: Claimed, wechat: WeChatGateway, pacer: SendPacer) -> None:
    """``deliver`` with a net: an unexpected error rolls the row back and retries it later."""
    try:
        deliver(row, wechat, pacer)
    except Exception as exc:
        log.exception("delivery %s: unexpected error while sending", row.id)
        db.session.rollback()  # the credit spend goes with it
        try:
            _retry(row, exc, refund=False)
        except Exception:  # the database is gone too: the sweeper recovers the row
            log.exception("delivery %s left for the sweeper", row.id)
            db.session.rollback()
