"""Replaying the answer to a retried write that carries an `Idempotency-Key` header.

A client that did not hear our answer (a dropped connection on a phone) sends the same request
again with the same key; it gets the first answer back instead of a second write. Keys are per
person and per route, kept 24 hours in Redis. The durable guarantee still lives in the database
(unique keys), since the process could die between the commit and storing the answer here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from functools import wraps

from flask import current_app, g, make_response, request
from redis.exceptions import RedisError

from app.core.errors import Conflict, Invalid

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
_IN_FLIGHT_SECONDS = 60
_KEY_FORMAT = re.compile(r"^[A-Za-z0-9_\-:.]{8,64}$")


class IdempotencyKeyInvalid(Invalid):
    reason = "idempotency_key_invalid"
    message = "Idempotency-Key 格式不正确"


class RequestInProgress(Conflict):
    reason = "request_in_progress"
    message = "相同的请求正在处理，请稍候"


class IdempotencyKeyReused(Conflict):
    reason = "idempotency_key_reused"
    message = "该 Idempotency-Key 已用于另一个请求"


def idempotency_key() -> str | None:
    """The request's key, validated; None when the client sent none."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not _KEY_FORMAT.match(key):
        raise IdempotencyKeyInvalid()
    return key


def idempotent(view):
    """Store a successful answer under the caller's key and replay it for a retry.

    Must sit inside ``auth_required`` (it keys on the acting person).
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = idempotency_key()
        if key is None:
            return view(*args, **kwargs)
        redis = current_app.extensions["redis"]
        slot = f"linli:idem:{g.actor.user_id}:{key}"
        # The same key on another resource or method is another request, not a retry.
        fingerprint = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + request.get_data()
        ).hexdigest()
        if not redis.set(
            slot,
            json.dumps({"state": "running", "fp": fingerprint}),
            nx=True,
            ex=_IN_FLIGHT_SECONDS,
        ):
            return _replay(json.loads(redis.get(slot) or "{}"), fingerprint)
        try:
            response = make_response(view(*args, **kwargs))
        except Exception:
            redis.delete(slot)  # a failed attempt may be retried with the same key
            raise
        _remember(redis, slot, fingerprint, response)
        return response

    return wrapper


def _remember(redis, slot: str, fingerprint: str, response) -> None:
    """Store the answer for retries; the write has committed, so a Redis failure here must not
    turn it into an error for the client."""
    try:
        if response.status_code < 400:
            stored = {
                "state": "done",
                "fp": fingerprint,
                "status": response.status_code,
                "body": response.get_data(as_text=True),
            }
            redis.set(slot, json.dumps(stored), ex=TTL_SECONDS)
        else:
            redis.delete(slot)
    except RedisError:
        log.warning("could not store the answer for an idempotency key; a retry will redo it")


def _replay(stored: dict, fingerprint: str):
    if stored.get("fp") != fingerprint:
        raise IdempotencyKeyReused()
    if stored.get("state") != "done":
        raise RequestInProgress()
    response = current_app.response_class(
        stored["body"], status=stored["status"], mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    return response
