"""Queue entry points of reports: escalating overdue reports (beat, every minute)."""

from __future__ import annotations

from celery import shared_task

from app.extensions import db

MAX_BATCHES_PER_RUN = 20


@shared_task(name="reports.escalate_overdue")
def escalate_overdue_task() -> int:
    """Take the escalation steps that are due, a batch per commit; safe on several workers at
    once (reports are claimed SKIP LOCKED). Returns how many steps were taken."""
    from app.reports.services.escalating import ESCALATION_BATCH, escalate_overdue

    taken = 0
    for _ in range(MAX_BATCHES_PER_RUN):  # what is left waits for the next minute
        step = escalate_overdue()
        db.session.commit()
        taken += step
        if step < ESCALATION_BATCH:
            break
    return taken
