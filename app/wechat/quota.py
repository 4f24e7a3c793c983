"""Stop calling an API whose daily quota (45009) is spent, until the quota resets."""

from __future__ import annotations

from datetime import datetime, timedelta

import redis as redis_lib

from app.core.clock import SHANGHAI


def seconds_until_quota_reset(now: datetime | None = None) -> int:
    """WeChat's daily quotas reset at midnight Beijing time."""
    now = now or datetime.now(SHANGHAI)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, int((midnight - now).total_seconds()))


class QuotaGuard:
    """Shared by every process through Redis: after one 45009, nobody calls that API again
    today — every further call would fail the same way and only add noise."""

    def __init__(self, redis: redis_lib.Redis, key_prefix: str) -> None:
        self._redis = redis
        self._prefix = key_prefix

    def _key(self, path: str) -> str:
        return f"{self._prefix}:quota-exhausted:{path}"

    def is_exhausted(self, path: str) -> bool:
        return bool(self._redis.exists(self._key(path)))

    def mark_exhausted(self, path: str) -> None:
        self._redis.set(self._key(path), 1, ex=seconds_until_quota_reset())
