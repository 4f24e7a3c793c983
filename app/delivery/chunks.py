"""A chunk of claimed rows handed to the worker process's sending threads.

A worker process runs ``DELIVERY_SEND_THREADS`` sending threads. A task claims its chunk, hands
the rows to the threads and returns as soon as the last row has a thread, so one slow WeChat
answer holds a thread, never a chunk nor the process. Each row runs in its own app context:
Flask-SQLAlchemy scopes ``db.session`` to the app context, so every thread has its own session
and connection. Each thread also keeps its own gateway, hence its own keep-alive HTTP session
(a requests session is not meant to be shared by threads, and its pool holds 10 connections).
With 1 thread (the tests) rows are sent inline, in the caller's context and session.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app

from app.delivery import sending
from app.delivery.pacing import SendPacer
from app.delivery.sending import Claimed
from app.delivery.sweeping import settle_batches
from app.extensions import redis
from app.wechat import build_gateway, gateway
from app.wechat.client import WeChatGateway

log = logging.getLogger(__name__)


class _Chunk:
    """Counts a chunk's rows down; whoever sends the last one settles the chunk's batches."""

    def __init__(self, rows: list[Claimed]) -> None:
        self.left = len(rows)
        self.batch_ids = {row.batch_id for row in rows}
        self._lock = threading.Lock()

    def row_done(self) -> bool:
        with self._lock:
            self.left -= 1
            return self.left == 0


class _SendPool:
    """The sending threads of this worker process, with a bound on rows handed to them."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="delivery-send")
        self.free = threading.BoundedSemaphore(threads)
        self.pid = os.getpid()


_pool: _SendPool | None = None
_pool_lock = threading.Lock()
_local = threading.local()


def _send_pool(threads: int) -> _SendPool:
    global _pool
    with _pool_lock:
        # Made in the worker process itself: threads do not survive a fork.
        if _pool is None or _pool.pid != os.getpid() or _pool.threads != threads:
            _pool = _SendPool(threads)
        return _pool


def shutdown_pool() -> None:
    """Let the sending threads finish their rows (worker shutdown)."""
    if _pool is not None and _pool.pid == os.getpid():
        _pool.executor.shutdown(wait=True)


def _thread_gateway(app: Flask) -> WeChatGateway:
    if getattr(_local, "app", None) is not app:
        _local.gateway = build_gateway(app)
        _local.app = app
    return _local.gateway


def send_chunk(ids: list[int], settle: Callable[[set[int]], None] | None = None) -> int:
    """Claim and send the due rows among ``ids``; returns how many were claimed.

    Inline (1 thread) it returns when all are recorded; threaded, when the last has a thread.
    ``settle(batch_ids)`` runs after the chunk's last row (default: finish idle batches).
    """
    settle = settle or settle_batches
    rows = sending.claim(ids)
    if not rows:
        return 0
    config = current_app.config
    pacer = SendPacer(
        redis.client, config["DELIVERY_RATE_LIMIT_PER_SECOND"], config["DELIVERY_RATE_HEADROOM"]
    )
    chunk = _Chunk(rows)
    threads = int(config["DELIVERY_SEND_THREADS"])
    if threads <= 1:
        for row in rows:
            sending.deliver_safely(row, gateway(), pacer)
        settle(chunk.batch_ids)
        return len(rows)
    pool = _send_pool(threads)
    app = current_app._get_current_object()
    for row in rows:
        pool.free.acquire()
        pool.executor.submit(_send_in_thread, app, row, chunk, pacer, pool, settle)
    return len(rows)


def _send_in_thread(app, row, chunk: _Chunk, pacer, pool: _SendPool, settle) -> None:
    try:
        with app.app_context():
            sending.deliver_safely(row, _thread_gateway(app), pacer)
            if chunk.row_done():
                settle(chunk.batch_ids)
    except Exception:
        log.exception("delivery %s: sending thread failed", row.id)
    finally:
        pool.free.release()
