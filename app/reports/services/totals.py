"""The ``total`` of a report list, counted once per change of the community's reports.

Counting 100,000 index entries takes longer than fetching the page itself, and the public
list and the queues are read far more often than reports change. So a total is cached in Redis
under the community's list *generation*, which every report write bumps after its commit: a
total is never stale, only re-counted after a change (or an hour later, if a bump was lost
with its process). Without Redis the total is simply counted.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging

from redis.exceptions import RedisError
from sqlalchemy import Select, func, select

from app.core.after_commit import run_after_commit
from app.extensions import db, redis

log = logging.getLogger(__name__)

_GENERATION = "linli:reports:generation:{}"
_TOTAL = "linli:reports:total:{}:{}:{}"
TOTAL_TTL_SECONDS = 3600


def lists_changed(community_id: int) -> None:
    """Note that the community's report lists changed (bumped once the write commits)."""
    run_after_commit(_bump, community_id)


def _bump(community_id: int) -> None:
    try:
        redis.client.incr(_GENERATION.format(community_id))
    except RedisError:
        log.warning("report list totals of community %s may stay cached an hour", community_id)


def count_rows(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def cached_total(community_id: int, scope: str, stmt: Select) -> int:
    """The row count of ``stmt``; ``scope`` names the list and its filters (the cache key)."""
    digest = hashlib.sha1(scope.encode()).hexdigest()[:20]
    try:
        generation = int(redis.client.get(_GENERATION.format(community_id)) or 0)
        key = _TOTAL.format(community_id, generation, digest)
        cached = redis.client.get(key)
    except RedisError:
        return count_rows(stmt)
    if cached is not None:
        return int(cached)
    total = count_rows(stmt)
    with contextlib.suppress(RedisError):
        redis.client.set(key, total, ex=TOTAL_TTL_SECONDS)
    return total
