"""Starting a batch, finishing batches, and the sweeper that recovers what workers lost.

Nothing here trusts the queue: a dispatch lost with the broker, a task taken by a worker that
was then killed, a retry whose countdown message vanished — the rows are still in the
database, and the sweeper (every DELIVERY_SWEEP_INTERVAL_SECONDS) queues them again. Every
selection locks with SKIP LOCKED, so several sweepers (several beats) never fight.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from app.core.clock import utcnow
from app.delivery import sending
from app.delivery.models import BatchStatus, Delivery, DeliveryBatch, DeliveryStatus
from app.extensions import db

log = logging.getLogger(__name__)

BUSY_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
SWEEP_LIMIT = 5000  # rows per step and sweep; the next sweep takes the rest
LOST_WORKER = "worker lost mid-send; the message may have reached WeChat"


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    size = max(1, int(current_app.config["DELIVERY_CHUNK_SIZE"]))
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _enqueue_all(ids: list[int], enqueue: Callable[[list[int]], object] | None) -> int:
    for chunk in _chunks(ids):
        (enqueue or sending.enqueue_chunk)(chunk)
    return len(ids)


def dispatch(batch_id: int, enqueue: Callable[[list[int]], object] | None = None) -> int:
    """Start a batch: it turns ``sending`` and its queued rows go to the queue in chunks.

    Returns how many rows were queued (0 for a batch cancelled or finished meanwhile).
    """
    started = db.session.execute(
        update(DeliveryBatch)
        .where(DeliveryBatch.id == batch_id, DeliveryBatch.status == BatchStatus.QUEUED)
        .values(status=BatchStatus.SENDING)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not started:
        return 0
    ids = list(
        db.session.scalars(
            select(Delivery.id)
            .where(Delivery.batch_id == batch_id, Delivery.status == DeliveryStatus.QUEUED)
            .order_by(Delivery.id)
        )
    )
    db.session.commit()
    return _enqueue_all(ids, enqueue)


def finish_if_idle(batch_ids: Iterable[int]) -> list[int]:
    """Mark batches without queued or sending rows finished: done, or (cancelled) settled.

    Returns the ids finished now; the caller commits.
    """
    finished = []
    now = utcnow()
    for batch_id in sorted(set(batch_ids)):
        busy = db.session.scalar(
            select(Delivery.id)
            .where(Delivery.batch_id == batch_id, Delivery.status.in_(BUSY_STATUSES))
            .limit(1)
        )
        if busy is not None:
            continue
        unfinished = (DeliveryBatch.id == batch_id, DeliveryBatch.finished_at.is_(None))
        cancelled = DeliveryBatch.status == BatchStatus.CANCELLED
        changed = 0
        for where, values in (
            (~cancelled, {"status": BatchStatus.DONE, "finished_at": now}),
            (cancelled, {"finished_at": now}),
        ):
            changed += db.session.execute(
                update(DeliveryBatch)
                .where(*unfinished, where)
                .values(**values)
                .execution_options(synchronize_session=False)
            ).rowcount
        if changed:
            finished.append(batch_id)
    return finished


def settle_batches(batch_ids: set[int]) -> None:
    """finish_if_idle and commit (after a chunk's last row)."""
    finish_if_idle(batch_ids)
    db.session.commit()


def requeue_stale() -> list[int]:
    """Rows claimed longer than DELIVERY_CLAIM_TIMEOUT_SECONDS ago: their worker died.

    Each counts as an attempt (it may have been sent); out of attempts, it fails. Commits.
    """
    config = current_app.config
    now = utcnow().replace(microsecond=0)
    cutoff = now - timedelta(seconds=config["DELIVERY_CLAIM_TIMEOUT_SECONDS"])
    rows = db.session.execute(
        select(Delivery.id, Delivery.attempts)
        .where(Delivery.status == DeliveryStatus.SENDING, Delivery.claimed_at < cutoff)
        .order_by(Delivery.id)
        .limit(SWEEP_LIMIT)
        .with_for_update(skip_locked=True)
    ).all()
    out_of_tries = {r.id for r in rows if r.attempts + 1 >= config["DELIVERY_MAX_ATTEMPTS"]}
    last_try = sorted(out_of_tries)
    again = [r.id for r in rows if r.id not in out_of_tries]
    common = {"attempts": Delivery.attempts + 1, "claimed_at": None, "last_error": LOST_WORKER}
    for ids, values in (
        (last_try, {"status": DeliveryStatus.FAILED}),
        (again, {"status": DeliveryStatus.QUEUED, "next_attempt_at": now}),
    ):
        if ids:
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(**common, **values)
                .execution_options(synchronize_session=False)
            )
    db.session.commit()
    if rows:
        log.warning("sweeper: %s deliveries of dead workers re-queued", len(rows))
    return again


def requeue_overdue() -> list[int]:
    """Queued rows nobody took DELIVERY_REQUEUE_AFTER_SECONDS after they were due.

    Their queue message was lost (dispatch after a crash, a killed worker's prefetched task, a
    vanished countdown). They are marked due now, so the next sweep waits again. Commits.
    """
    now = utcnow().replace(microsecond=0)
    cutoff = now - timedelta(seconds=current_app.config["DELIVERY_REQUEUE_AFTER_SECONDS"])
    rows = db.session.execute(
        select(Delivery.id, Delivery.batch_id)
        .where(
            Delivery.status == DeliveryStatus.QUEUED,
            or_(
                and_(Delivery.next_attempt_at.is_not(None), Delivery.next_attempt_at <= cutoff),
                and_(Delivery.next_attempt_at.is_(None), Delivery.created_at <= cutoff),
            ),
        )
        .order_by(Delivery.id)
        .limit(SWEEP_LIMIT)
        .with_for_update(skip_locked=True)
    ).all()
    ids = [r.id for r in rows]
    if ids:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(DeliveryBatch)
            .where(
                DeliveryBatch.id.in_({r.batch_id for r in rows}),
                DeliveryBatch.status == BatchStatus.QUEUED,
            )
            .values(status=BatchStatus.SENDING)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return ids


def sweep(enqueue: Callable[[list[int]], object] | None = None) -> dict[str, int]:
    """Recover stale and overdue rows, queue them again, finish idle batches."""
    ids = requeue_stale() + requeue_overdue()
    _enqueue_all(sorted(set(ids)), enqueue)
    open_batches = db.session.scalars(
        select(DeliveryBatch.id).where(DeliveryBatch.finished_at.is_(None)).limit(SWEEP_LIMIT)
    ).all()
    finished = finish_if_idle(open_batches)
    db.session.commit()
    return {"requeued": len(set(ids)), "finished": len(finished)}
