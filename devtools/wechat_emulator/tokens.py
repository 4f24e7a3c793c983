"""Access tokens: issued, rotated and checked the way WeChat's two token endpoints do it."""

import secrets
from collections import OrderedDict
from dataclasses import dataclass

from .replies import WxError

# Normal-mode stable_token hands out a fresh token once the current one has under 5 min left.
STABLE_RENEW_WINDOW = 300.0
# Forced refreshes closer than 30 s apart are ignored (the current token comes back unchanged).
FORCE_MIN_INTERVAL = 30.0
FORCE_DAILY_LIMIT = 20
MAX_TOKENS = 10_000
BEIJING_OFFSET = 8 * 3600

INVALID_CREDENTIAL = "invalid credential, access_token is invalid or not latest"


@dataclass
class Token:
    value: str
    kind: str
    expires_at: float
    invalid_after: float | None = None

    def live(self, now: float) -> bool:
        superseded = self.invalid_after is not None and now >= self.invalid_after
        return not superseded and now < self.expires_at

    def answer(self, now: float) -> dict:
        return {"access_token": self.value, "expires_in": max(int(self.expires_at - now), 0)}


class TokenBook:
    """Every token issued so far. Not thread-safe: the caller holds the state lock."""

    def __init__(self, ttl: float, grace: float):
        self.ttl = ttl
        self.grace = grace
        self.clear()

    def clear(self) -> None:
        self._tokens: OrderedDict[str, Token] = OrderedDict()
        self._current: dict[str, Token | None] = {"plain": None, "stable": None}
        self._force_at: float | None = None
        self._force_day: int | None = None
        self._force_count = 0

    def _issue(self, kind: str, now: float) -> Token:
        token = Token(secrets.token_urlsafe(96), kind, now + self.ttl)
        self._tokens[token.value] = token
        self._current[kind] = token
        while len(self._tokens) > MAX_TOKENS:
            self._tokens.popitem(last=False)
        return token

    def issue_plain(self, now: float) -> dict:
        """cgi-bin/token: always a new token; the previous one keeps working for `grace` s."""
        old = self._current["plain"]
        if old is not None and old.invalid_after is None:
            old.invalid_after = now + self.grace
        return self._issue("plain", now).answer(now)

    def stable(self, now: float, force: bool) -> dict:
        """cgi-bin/stable_token: the same token while valid; isolated from cgi-bin/token."""
        current = self._current["stable"]
        if current is not None and not current.live(now):
            current = None
        if force and current is not None:
            if self._force_at is not None and now - self._force_at < FORCE_MIN_INTERVAL:
                return current.answer(now)
            self._count_force(now)
            current.invalid_after = now
            return self._issue("stable", now).answer(now)
        if current is None or current.expires_at - now <= STABLE_RENEW_WINDOW:
            # The token being replaced stays valid until its own expiry: WeChat's overlap.
            return self._issue("stable", now).answer(now)
        return current.answer(now)

    def _count_force(self, now: float) -> None:
        day = int((now + BEIJING_OFFSET) // 86400)
        if day != self._force_day:
            self._force_day, self._force_count = day, 0
        if self._force_count >= FORCE_DAILY_LIMIT:
            raise WxError(45009, "reach max api daily quota limit")
        self._force_count += 1
        self._force_at = now

    def check(self, value: str | None, now: float) -> None:
        """Raise the WeChat error a call carrying this access_token would get."""
        if not value:
            raise WxError(41001, "access_token missing")
        token = self._tokens.get(value)
        if token is None or (token.invalid_after is not None and now >= token.invalid_after):
            raise WxError(40001, INVALID_CREDENTIAL)
        if now >= token.expires_at:
            raise WxError(42001, "access_token expired")

    def expire_all(self, now: float) -> int:
        for token in self._tokens.values():
            token.expires_at = min(token.expires_at, now)
        return len(self._tokens)

    def revoke_all(self) -> int:
        count = len(self._tokens)
        self._tokens.clear()
        self._current = {"plain": None, "stable": None}
        return count

    def summary(self, now: float) -> list[dict]:
        return [
            {"kind": t.kind, "live": t.live(now), "expires_in": int(t.expires_at - now)}
            for t in self._tokens.values()
        ]
