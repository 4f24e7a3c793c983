"""The report lists' *generation*: a counter per community that every change to what the
lists show bumps, so anything cached under it (a list's total, a whole first page) is never
served stale, only rebuilt after a change.

Counting 100,000 index entries takes longer than fetching the page itself, and the public
list and the queues are read far more often than reports change. How generations are bumped
and trusted: ``app.core.json_cache``. Totals expire after an hour, pages sooner.
"""

from __future__ import annotations

import contextlib
import hashlib

from redis.exceptions import RedisError
from sqlalchemy import Select, event, func, inspect, select

from app.core.json_cache import fresh_snapshot, generation_changed
from app.extensions import db, redis
from app.media.models import MediaFile, MediaPurpose

_GENERATION = "linli:reports:generation:{}"
_TOTAL = "linli:reports:total:{}:{}:{}"
TOTAL_TTL_SECONDS = 3600


def lists_changed(community_id: int) -> None:
    """Note that the community's report lists changed (bumped now and once the write commits)."""
    generation_changed(generation_key(community_id))


def generation_key(community_id: int) -> str:
    return _GENERATION.format(community_id)


def list_generation(community_id: int) -> int:
    """The current generation; raises RedisError."""
    return int(redis.client.get(generation_key(community_id)) or 0)


def count_rows(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def cached_total(community_id: int, scope: str, stmt: Select) -> int:
    """The row count of ``stmt``; ``scope`` names the list and its filters (the cache key)."""
    digest = hashlib.sha1(scope.encode()).hexdigest()[:20]
    fresh_snapshot()  # a count from before the generation was read must not be cached under it
    try:
        key = _TOTAL.format(community_id, list_generation(community_id), digest)
        cached = redis.client.get(key)
    except RedisError:
        return count_rows(stmt)
    if cached is not None:
        return int(cached)
    total = count_rows(stmt)
    with contextlib.suppress(RedisError):
        redis.client.set(key, total, ex=TOTAL_TTL_SECONDS)
    return total


@event.listens_for(MediaFile, "after_update")
def _photo_moderated(mapper, connection, media: MediaFile) -> None:
    # A photo's verdict decides which thumbnail the lists show, whoever records it (WeChat's
    # pushed verdict, a moderator, a test).
    if media.purpose != MediaPurpose.REPORT:
        return
    if inspect(media).attrs.moderation.history.has_changes():
        lists_changed(media.community_id)
