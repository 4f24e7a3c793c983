"""The outbox API the domains call: queue a batch of subscribe messages, cancel it, follow it.

A batch is written in the caller's transaction (one row per person, in bulk) and handed to the
workers only after that transaction commits; the workers (sending.py) do the sending.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select, update

from app.core.after_commit import run_after_commit
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, Forbidden, NotFound
from app.delivery.models import (
    FINAL_STATUSES,
    BatchStatus,
    Delivery,
    DeliveryBatch,
    DeliveryStatus,
)
from app.delivery.tasks import dispatch_batch
from app.extensions import db
from app.subscriptions.fields import render_data
from app.subscriptions.models import TemplatePurpose
from app.subscriptions.services import get_template

log = logging.getLogger(__name__)

ADMIN = "admin"
PAGE_MAX = 256


class DeliveryBatchNotFound(NotFound):
    reason = "delivery_batch_not_found"
    message = "找不到该推送任务"


class DeliveryBatchNotYours(Forbidden):
    reason = "delivery_batch_not_yours"
    message = "只有管理员或推送的发起人可以查看或取消"


class DeliveryBatchFinished(Conflict):
    reason = "delivery_batch_finished"
    message = "推送已全部完成，无法取消"


@dataclass(frozen=True)
class Recipient:
    user_id: int
    household_id: int | None = None


class Unreached(NamedTuple):
    """A person a batch did not reach, and why (status no_credit/failed/cancelled)."""

    household_id: int | None
    user_id: int
    status: DeliveryStatus
    last_errcode: int | None


def _distinct(recipients: Iterable[Recipient]) -> dict[int, int | None]:
    """user id → household id, one entry per person; a known household wins over None."""
    people: dict[int, int | None] = {}
    for recipient in recipients:
        if people.get(recipient.user_id) is None:
            people[recipient.user_id] = recipient.household_id
    return people


def enqueue_batch(
    *,
    community_id: int,
    purpose: TemplatePurpose,
    source_type: str,
    source_id: int,
    recipients: Iterable[Recipient],
    values: dict[str, Any],
    page_query: str = "",
    actor: Actor | None = None,
) -> DeliveryBatch | None:
    """Queue one subscribe message per distinct recipient, in the caller's transaction.

    Returns None (and logs) when the community has no active template for ``purpose``.
    The template data is rendered once from ``values`` (raises TemplateValueInvalid when a
    value cannot be made valid); rows are inserted in bulk; the workers are told only after
    the caller commits. A batch without recipients is done at once.
    """
    template = get_template(community_id, purpose)
    if template is None:
        log.info("no active %s template in community %s: nothing sent", purpose, community_id)
        return None
    data = render_data(template.fields, template.mapping, values)
    page = f"{template.page}?{page_query}" if page_query else template.page
    if len(page) > PAGE_MAX:
        raise ValueError(f"page with its query exceeds {PAGE_MAX} characters")
    people = _distinct(recipients)
    batch = DeliveryBatch(
        community_id=community_id,
        source_type=source_type,
        source_id=source_id,
        template_id=template.template_id,
        page=page,
        status=BatchStatus.QUEUED if people else BatchStatus.DONE,
        total=len(people),
        created_by_user_id=actor.user_id if actor else None,
        finished_at=None if people else utcnow(),
    )
    db.session.add(batch)
    db.session.flush()
    if people:
        _insert_rows(batch, data, people)
        run_after_commit(dispatch_batch.delay, batch.id)
    return batch


def _insert_rows(batch: DeliveryBatch, data: dict, people: dict[int, int | None]) -> None:
    # One executemany of plain dicts (multi-row INSERTs): 8,000 rows in a fraction of a second.
    queued = DeliveryStatus.QUEUED
    rows = [
        {
            "batch_id": batch.id,
            "community_id": batch.community_id,
            "user_id": user_id,
            "household_id": household_id,
            "data": data,
            "status": queued,
            "attempts": 0,
        }
        for user_id, household_id in people.items()
    ]
    db.session.execute(insert(Delivery.__table__), rows)


def get_batch(actor: Actor, batch_id: int, *, for_update: bool = False) -> DeliveryBatch:
    """The batch, for an admin of its community or its creator; raises NotFound/NotYours."""
    stmt = select(DeliveryBatch).where(DeliveryBatch.id == batch_id)
    batch = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if batch is None or batch.community_id != actor.community_id:
        raise DeliveryBatchNotFound()
    if not actor.has_role(ADMIN) and batch.created_by_user_id != actor.user_id:
        raise DeliveryBatchNotYours()
    return batch


def cancel_batch(actor: Actor | None, batch_id: int) -> DeliveryBatch:
    """Stop a batch: its queued rows become cancelled in one UPDATE; rows being sent finish.

    ``actor`` None is the system (no permission check). Cancelling twice is a no-op.
    Raises DeliveryBatchNotFound, DeliveryBatchNotYours, DeliveryBatchFinished. Audited.
    """
    if actor is None:
        batch = db.session.get(DeliveryBatch, batch_id, with_for_update=True)
        if batch is None:
            raise DeliveryBatchNotFound()
    else:
        batch = get_batch(actor, batch_id, for_update=True)
    if batch.status == BatchStatus.CANCELLED:
        return batch
    if batch.status == BatchStatus.DONE:
        raise DeliveryBatchFinished()
    batch.status = BatchStatus.CANCELLED
    batch.cancelled_at = utcnow()
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == batch.id, Delivery.status == DeliveryStatus.QUEUED)
        .values(status=DeliveryStatus.CANCELLED, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    record_audit(
        actor,
        "delivery_batch.cancel",
        "delivery_batch",
        batch.id,
        community_id=batch.community_id,
        detail={"cancelled": result.rowcount, "source": f"{batch.source_type}:{batch.source_id}"},
    )
    return batch


def batch_progress(batch_id: int) -> dict[str, int]:
    """Rows per status (queued, sending, sent, no_credit, failed, cancelled) and the total."""
    counts = dict(
        db.session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.batch_id == batch_id)
            .group_by(Delivery.status)
        ).all()
    )
    progress = {status.value: counts.get(status, 0) for status in DeliveryStatus}
    progress["total"] = sum(counts.values())
    return progress


def unreached(batch_id: int) -> list[Unreached]:
    """The rows of a batch that ended without a send (no credit, failed, cancelled),
    by household, for the per-grid "not reached" list."""
    rows = db.session.execute(
        select(Delivery.household_id, Delivery.user_id, Delivery.status, Delivery.last_errcode)
        .where(
            Delivery.batch_id == batch_id,
            Delivery.status.in_(FINAL_STATUSES - {DeliveryStatus.SENT}),
        )
        .order_by(Delivery.household_id, Delivery.user_id)
    )
    return [Unreached(*row) for row in rows]


@dataclass(frozen=True)
class BatchReport:
    batch: DeliveryBatch
    progress: dict[str, int]


def get_batch_report(actor: Actor, batch_id: int) -> BatchReport:
    """The batch and its progress; raises DeliveryBatchNotFound, DeliveryBatchNotYours."""
    batch = get_batch(actor, batch_id)
    return BatchReport(batch, batch_progress(batch.id))


def cancel_batch_report(actor: Actor, batch_id: int) -> BatchReport:
    """``cancel_batch`` answered with the batch's progress afterwards."""
    batch = cancel_batch(actor, batch_id)
    db.session.flush()
    return BatchReport(batch, batch_progress(batch.id))
