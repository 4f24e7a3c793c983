"""Queue tasks of the outbox: start a batch, send a chunk, sweep (beat, every 15 s)."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_shutdown

from app.delivery import chunks, sweeping


@shared_task(name="delivery.dispatch_batch")
def dispatch_batch(batch_id: int) -> int:
    """Turn a committed batch ``sending`` and queue its rows in chunks."""
    return sweeping.dispatch(batch_id)


@shared_task(name="delivery.send_deliveries")
def send_deliveries(ids: list[int]) -> int:
    """Claim and send the due queued rows among ``ids`` (safe to run twice)."""
    return chunks.send_chunk(ids)


@shared_task(name="delivery.sweep_deliveries")
def sweep_deliveries() -> dict[str, int]:
    """Re-queue rows of dead workers and lost messages; finish idle batches."""
    return sweeping.sweep()


@worker_process_shutdown.connect
def _finish_sending(**kwargs) -> None:
    # A warm shutdown lets the sending threads record the rows they hold.
    chunks.shutdown_pool()
