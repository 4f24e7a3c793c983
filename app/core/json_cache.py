"""Answers kept in Redis as the JSON sent, valid while the *generations* they were built under
are current: counters that every change to what the answer shows bumps.

A change bumps its generation twice: at once, so later readers stop trusting what is cached,
and again after its commit, so a reader that raced the commit (and cached what it read before
it) is outdated too. Entries also expire, a bound if a bump was lost with its process. Without
Redis nothing is cached and every answer is built.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence

from flask import Response, current_app
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.after_commit import run_after_commit
from app.extensions import db, redis

log = logging.getLogger(__name__)
_WROTE = "linli_wrote"


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, flush_context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def generation_changed(key: str) -> None:
    """Bump the generation ``key`` now and once the current transaction commits."""
    _bump(key)
    run_after_commit(_bump, key)


def _bump(key: str) -> None:
    try:
        redis.client.incr(key)
    except RedisError:
        log.warning("%s not bumped: what is cached under it may be served until it expires", key)


def cached_json(
    entry_key: str, generation_keys: Sequence[str], build: Callable[[], object], ttl: int
) -> Response:
    """The JSON answer of ``build()`` (something ``jsonify`` takes), from Redis while every
    generation in ``generation_keys`` is what it was when the entry was built."""
    try:
        *generations, cached = redis.client.mget(*generation_keys, entry_key)
    except RedisError:
        return _respond(_fresh(build))
    stamp = (":".join(str(int(g or 0)) for g in generations) + "\n").encode()
    if cached is not None and cached.startswith(stamp):
        return _respond(cached[len(stamp) :])
    body = _fresh(build)
    with contextlib.suppress(RedisError):
        redis.client.set(entry_key, stamp + body, ex=ttl)
    return _respond(body)


def fresh_snapshot() -> None:
    """End the request's transaction if it has only read, so the next query reads a snapshot
    taken from now on: the request may have begun one earlier (reading the caller's roles),
    before a change whose generation bump has since been read. A transaction that has written
    is left alone (its writes are its view's to commit)."""
    session = db.session()
    if session.in_transaction() and not session.info.get(_WROTE):
        session.commit()  # nothing to write: the same as a rollback, but a test's savepoint stays


def _fresh(build: Callable[[], object]) -> bytes:
    fresh_snapshot()
    return current_app.json.dumps(build()).encode()


def _respond(body: bytes) -> Response:
    return current_app.response_class(body, mimetype="application/json")
