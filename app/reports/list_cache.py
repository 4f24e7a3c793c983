"""Answers of the busiest report lists kept in Redis as the JSON sent, under the community's
list generation (``services.totals``), so a page is built once per change of the reports.

The public list reads the same for everyone; a person's own list is kept per person. A page
is built from a fresh snapshot: the request's transaction may have begun (reading the
caller's roles) before a write that has since committed and bumped the generation read here,
and a page built from that older snapshot would be cached as current.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable

from flask import Response, current_app
from redis.exceptions import RedisError

from app.extensions import db, redis
from app.reports.services.totals import generation_key

_PAGE = "linli:reports:page:{}:{}"  # the value: generation, newline, the JSON
PAGE_TTL_SECONDS = 600


def cached_list(community_id: int, scope: dict, build: Callable[[], dict]) -> Response:
    """The JSON answer of ``build()`` (a dumped page), from Redis when the reports have not
    changed since it was built; ``scope`` names the list, its viewer if it has one, and the
    query."""
    digest = hashlib.sha1(json.dumps(scope, sort_keys=True).encode()).hexdigest()[:24]
    key = _PAGE.format(community_id, digest)
    try:
        generation, cached = redis.client.mget(generation_key(community_id), key)
    except RedisError:
        return _respond(_fresh(build))  # without Redis, nothing is cached
    stamp = b"%d\n" % int(generation or 0)
    if cached is not None and cached.startswith(stamp):
        return _respond(cached[len(stamp) :])
    body = _fresh(build)
    with contextlib.suppress(RedisError):
        redis.client.set(key, stamp + body, ex=PAGE_TTL_SECONDS)
    return _respond(body)


def _fresh(build: Callable[[], dict]) -> bytes:
    if db.session().in_transaction():
        # Ends the read-only transaction (nothing to write) so the page's query reads a
        # snapshot taken after the generation was read.
        db.session.commit()
    return current_app.json.dumps(build()).encode()


def _respond(body: bytes) -> Response:
    return current_app.response_class(body, mimetype="application/json")
