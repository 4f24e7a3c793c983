"""Queue entry points of roster imports: process one upload, and re-queue the ones lost."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from sqlalchemy import select, update

from app.core.clock import utcnow
from app.extensions import db
from app.roster.models import RosterImport, RosterImportStatus

log = logging.getLogger(__name__)
# Queued this long without a worker claiming it: the enqueue after the commit was lost.
STUCK_QUEUED = timedelta(minutes=2)
# Running this long (an import takes about a minute at most): its worker died mid-way. Its
# transaction was rolled back with it, so running it again from the start is safe.
STUCK_RUNNING = timedelta(minutes=30)
REQUEUE_BATCH = 100


def enqueue_roster_import(import_id: int) -> None:
    process_roster_import_task.delay(import_id)


@shared_task(name="roster.process_import")
def process_roster_import_task(import_id: int) -> None:
    """Process one import; safe to run twice (acks are late, so a message may come again).

    Only the run whose UPDATE moves the import from queued to running goes on; the claim is
    committed first, so a second delivery finds it taken and the API shows it running.
    """
    from app.roster.services import process_roster_import

    claim = (
        update(RosterImport)
        .where(RosterImport.id == import_id, RosterImport.status == RosterImportStatus.QUEUED)
        .values(status=RosterImportStatus.RUNNING, started_at=utcnow())
    )
    claimed = db.session.execute(claim).rowcount
    db.session.commit()
    if claimed != 1:
        log.info("roster import %s: not queued any more, skipped", import_id)
        return
    try:
        process_roster_import(import_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        _mark_failed(import_id)
        raise


def _mark_failed(import_id: int) -> None:
    # process_roster_import records ordinary failures itself; this is for a broken session.
    db.session.execute(
        update(RosterImport)
        .where(RosterImport.id == import_id, RosterImport.status == RosterImportStatus.RUNNING)
        .values(status=RosterImportStatus.FAILED, finished_at=utcnow())
    )
    db.session.commit()


@shared_task(name="roster.requeue_stuck_imports")
def requeue_stuck_roster_imports() -> int:
    """Enqueue again imports stuck in queued (and reset those whose worker died); how many."""
    now = utcnow()
    db.session.execute(
        update(RosterImport)
        .where(
            RosterImport.status == RosterImportStatus.RUNNING,
            RosterImport.started_at < now - STUCK_RUNNING,
        )
        .values(status=RosterImportStatus.QUEUED)
    )
    stuck = db.session.scalars(
        select(RosterImport.id)
        .where(
            RosterImport.status == RosterImportStatus.QUEUED,
            RosterImport.created_at < now - STUCK_QUEUED,
        )
        .order_by(RosterImport.id)
        .limit(REQUEUE_BATCH)
    ).all()
    db.session.commit()
    for import_id in stuck:
        enqueue_roster_import(import_id)
    if stuck:
        log.warning("re-queued %d stuck roster imports", len(stuck))
    return len(stuck)
