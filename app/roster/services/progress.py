"""How far a running import has got, kept in Redis where every web process can read it.

Why Redis and not the roster_import row: the import applies the roster in ONE transaction that
stays open for up to a minute. Progress written to the row inside it would be invisible until
the commit. Written from a second connection, it would have to lock the same row; when the row
was inserted by that very transaction (the CLI, the demo generator, tests: ``import_roster_file``
stores and processes in one transaction) the second connection waits on the insert's lock until
the lock-wait timeout. Redis takes part in no transaction, so it can neither block the import nor
be rolled back with it. Progress is a courtesy: if Redis is down the import carries on, and the
final counts are written to the row with the outcome.
"""

from __future__ import annotations

import logging

import redis as redis_lib

from app.extensions import redis

log = logging.getLogger(__name__)
_KEY = "linli:roster-import:{}:progress"
_TTL_SECONDS = 24 * 3600
REPORT_EVERY_ROWS = 500


def report_progress(import_id: int, processed: int, total: int) -> None:
    try:
        key = _KEY.format(import_id)
        pipe = redis.client.pipeline()
        pipe.hset(key, mapping={"processed": processed, "total": total})
        pipe.expire(key, _TTL_SECONDS)
        pipe.execute()
    except redis_lib.RedisError:
        log.warning("roster import %s: progress not recorded (redis unavailable)", import_id)


def read_progress(import_id: int) -> tuple[int, int] | None:
    """(processed rows, total rows) last reported, or None."""
    try:
        data = redis.client.hgetall(_KEY.format(import_id))
    except redis_lib.RedisError:
        return None
    if not data:
        return None
    return int(data[b"processed"]), int(data[b"total"])


def clear_progress(import_id: int) -> None:
    try:
        redis.client.delete(_KEY.format(import_id))
    except redis_lib.RedisError:
        log.warning("roster import %s: progress not cleared (redis unavailable)", import_id)


class ProgressReporter:
    """Counts rows as they are applied and reports every REPORT_EVERY_ROWS of them."""

    def __init__(self, import_id: int, total: int) -> None:
        self.import_id, self.total, self.processed = import_id, total, 0
        self._reported = 0
        report_progress(import_id, 0, total)

    def advance(self, rows: int) -> None:
        self.processed += rows
        if self.processed - self._reported >= REPORT_EVERY_ROWS:
            self._reported = self.processed
            report_progress(self.import_id, self.processed, self.total)
