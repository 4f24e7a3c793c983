"""Our own login sessions (opaque bearer tokens kept in Redis), the acting person, role checks."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

import redis as redis_lib
from flask import Flask, current_app, g, request

from app.core.errors import Forbidden, Unauthenticated
from app.core.network import client_ip, current_request_id

RoleLoader = Callable[[int, int], "frozenset[str] | None"]
_KEY = "linli:session:{}"
_USER_INDEX = "linli:user-sessions:{}"
# HSET on a key that expired a moment ago would recreate it without an expiry.
_SET_IF_EXISTS = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then "
    "return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 0"
)


class TokenInvalid(Unauthenticated):
    reason = "token_invalid"
    message = "登录已失效，请重新登录"


class RoleRequired(Forbidden):
    reason = "role_required"
    message = "当前身份无权进行此操作"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: int


@dataclass(frozen=True)
class Actor:
    """The person behind a request, in the community their token is on, with its context.

    Services take it as ``actor=`` so they never read request state; ip and request_id are
    here for the audit log.
    """

    user_id: int
    community_id: int
    roles: frozenset[str]
    session_id: str
    ip: str = ""
    request_id: str = ""

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def _digest(token: str) -> str:
    # Only a digest is stored, so a copy of Redis cannot be replayed as tokens.
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """Issues, resolves and revokes tokens; every process shares them through Redis."""

    def __init__(self, redis: redis_lib.Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl = ttl_seconds

    def issue(self, user_id: int, community_id: int) -> IssuedToken:
        token = secrets.token_urlsafe(32)
        expires_at = int(time.time()) + self.ttl
        key = _KEY.format(_digest(token))
        pipe = self.redis.pipeline()
        pipe.hset(key, mapping={"u": user_id, "c": community_id, "x": expires_at})
        pipe.expire(key, self.ttl)
        pipe.sadd(_USER_INDEX.format(user_id), _digest(token))
        pipe.expire(_USER_INDEX.format(user_id), self.ttl)
        pipe.execute()
        return IssuedToken(token, expires_at)

    def resolve(self, token: str) -> tuple[str, int, int] | None:
        """(session id, user id, community id) for a live token, else None."""
        session_id = _digest(token)
        data = self.redis.hgetall(_KEY.format(session_id))
        if not all(field in data for field in (b"u", b"c", b"x")) or int(data[b"x"]) <= time.time():
            return None
        return session_id, int(data[b"u"]), int(data[b"c"])

    def switch_community(self, session_id: str, community_id: int) -> None:
        """Point a live session at another community; a session that ended stays ended."""
        self.redis.eval(_SET_IF_EXISTS, 1, _KEY.format(session_id), "c", community_id)

    def revoke(self, session_id: str, user_id: int) -> None:
        pipe = self.redis.pipeline()
        pipe.delete(_KEY.format(session_id))
        pipe.srem(_USER_INDEX.format(user_id), session_id)
        pipe.execute()

    def revoke_all(self, user_id: int) -> int:
        index = _USER_INDEX.format(user_id)
        session_ids = [s.decode() for s in self.redis.smembers(index)]
        keys = [_KEY.format(s) for s in session_ids]
        if keys:
            self.redis.delete(*keys)
        self.redis.delete(index)
        return len(keys)


def init_app(app: Flask, role_loader: RoleLoader) -> None:
    app.extensions["sessions"] = SessionStore(
        app.extensions["redis"], app.config["SESSION_TTL_SECONDS"]
    )
    app.extensions["role_loader"] = role_loader


def sessions() -> SessionStore:
    return current_app.extensions["sessions"]


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


def authenticate() -> Actor:
    """The Actor for this request's bearer token; raises Unauthenticated (401)."""
    resolved = sessions().resolve(_bearer_token())
    if resolved is None:
        raise TokenInvalid()
    session_id, user_id, community_id = resolved
    roles = current_app.extensions["role_loader"](user_id, community_id)
    if roles is None:
        raise TokenInvalid()
    return Actor(user_id, community_id, roles, session_id, client_ip(), current_request_id() or "")


def auth_required(*roles: str):
    """Let the view run only for a logged-in person holding one of ``roles`` (any, if none)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = authenticate()
            if roles and not actor.has_role(*roles):
                raise RoleRequired()
            g.actor = actor
            return view(*args, **kwargs)

        apidoc = getattr(wrapper, "_apidoc", None)
        if apidoc is None:
            apidoc = wrapper._apidoc = {}
        apidoc.setdefault("manual_doc", {})["security"] = [{"bearerAuth": []}]
        wrapper.required_roles = roles
        return wrapper

    return decorator


def current_actor() -> Actor:
    return g.actor
