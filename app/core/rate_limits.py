"""Rate limits counted in Redis (the `limits` library), shared by every process."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app
from limits import parse
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from app.core.errors import RateLimited
from app.core.network import client_ip


class RateLimiter:
    """Counts hits per (scope, key) against a rate like "30 per minute"."""

    def __init__(self, redis_client) -> None:
        storage = RedisStorage("redis://", connection_pool=redis_client.connection_pool)
        self._strategy = MovingWindowRateLimiter(storage)

    def hit(self, rate: str, scope: str, key: str, error: type[RateLimited] = RateLimited) -> None:
        """Count one hit; raise ``error`` (429, with Retry-After) when the rate is exceeded."""
        item = parse(rate)
        if self._strategy.hit(item, scope, key):
            return
        stats = self._strategy.get_window_stats(item, scope, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise error(headers={"Retry-After": str(retry_after)})


def init_app(app: Flask) -> None:
    app.extensions["rate_limiter"] = RateLimiter(app.extensions["redis"])


def rate_limiter() -> RateLimiter:
    return current_app.extensions["rate_limiter"]


def limit_per_ip(config_key: str, scope: str) -> Callable:
    """Refuse a view's callers beyond the rate in ``app.config[config_key]`` per client IP."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            rate_limiter().hit(current_app.config[config_key], scope, client_ip())
            return view(*args, **kwargs)

        return wrapper

    return decorator
