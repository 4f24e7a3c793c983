"""The WeChat access token in Redis: shared by every process, fetched by one at a time."""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator

import redis as redis_lib

from app.core.errors import CacheUnavailable
from app.wechat.errors import WeChatUnavailable

logger = logging.getLogger(__name__)

_MARGIN_SECONDS = 300  # forget the token five minutes before WeChat expires it
_POLL_SECONDS = 0.05


@contextlib.contextmanager
def _redis_errors() -> Iterator[None]:
    try:
        yield
    except redis_lib.RedisError as exc:
        logger.warning("redis unavailable for the wechat token: %s", type(exc).__name__)
        raise CacheUnavailable() from exc


class TokenCache:
    """The access token under ``key``, with a ``SET NX EX`` lock around fetching it.

    Whoever takes the lock fetches; the others poll Redis for the token for a bounded time.
    The lock outlives one fetch but expires, so a holder that dies blocks nobody for long.
    ``fetch`` returns WeChat's answer ``{access_token, expires_in}`` or raises.
    """

    _DELETE_IF_EQUAL = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end "
        "return 0"
    )

    def __init__(
        self, redis: redis_lib.Redis, key: str, fetch: Callable[[], dict], timeout: float
    ) -> None:
        self._redis = redis
        self._key = key
        self._lock_key = key + ":lock"
        self._fetch = fetch
        self._lock_ttl = int(2 * timeout) + 2  # connect + read timeout of one fetch, plus slack
        self._wait_seconds = self._lock_ttl + 1
        self._delete_if_equal = redis.register_script(self._DELETE_IF_EQUAL)

    def get(self) -> str:
        """The cached token, fetched if no process has; raises WeChatError or CacheUnavailable."""
        deadline = time.monotonic() + self._wait_seconds
        with _redis_errors():
            while True:
                token = self._read()
                if token:
                    return token
                owner = secrets.token_hex(8)
                if self._redis.set(self._lock_key, owner, nx=True, ex=self._lock_ttl):
                    return self._fetch_holding_lock(owner)
                if time.monotonic() >= deadline:
                    raise WeChatUnavailable(errmsg="timed out waiting for the access token")
                time.sleep(_POLL_SECONDS)

    def drop(self, token: str) -> None:
        """Forget ``token`` unless another process already replaced it (no refresh stampede)."""
        with _redis_errors():
            self._delete_if_equal(keys=[self._key], args=[token])

    def _read(self) -> str | None:
        value = self._redis.get(self._key)
        return value.decode() if isinstance(value, bytes) else value

    def _fetch_holding_lock(self, owner: str) -> str:
        try:
            # Another process may have stored a token between our read and our lock.
            token = self._read()
            if token:
                return token
            result = self._fetch()
            if not result.get("access_token"):
                raise WeChatUnavailable(errmsg="stable_token answered without a token")
            token = str(result["access_token"])
            ttl = max(int(result.get("expires_in", 7200)) - _MARGIN_SECONDS, 1)
            self._redis.set(self._key, token, ex=ttl)
            return token
        finally:
            self._delete_if_equal(keys=[self._lock_key], args=[owner])
