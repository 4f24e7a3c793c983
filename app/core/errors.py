"""The error vocabulary of linli and the one JSON shape every error is rendered in."""

from __future__ import annotations

from typing import Any, ClassVar


class AppError(Exception):
    """Base of every error a service raises; carries what the JSON error body needs.

    Subclasses set ``reason`` (stable snake_case the mini-program branches on) and ``message``
    (Chinese, fit for a toast). Both can be overridden per instance.
    """

    status_code: ClassVar[int] = 500
    reason: str = "internal_error"
    message: str = "服务器开小差了，请稍后再试"

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: str | None = None,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if message is not None:
            self.message = message
        if reason is not None:
            self.reason = reason
        self.errors = errors or {}
        self.headers = headers or {}
        super().__init__(self.reason)


class NotFound(AppError):
    status_code = 404
    reason = "not_found"
    message = "找不到该内容"


class Forbidden(AppError):
    status_code = 403
    reason = "forbidden"
    message = "没有权限进行此操作"


class Unauthenticated(AppError):
    status_code = 401
    reason = "unauthenticated"
    message = "请先登录"


class Conflict(AppError):
    status_code = 409
    reason = "conflict"
    message = "操作与当前状态冲突"


class Invalid(AppError):
    status_code = 422
    reason = "invalid"
    message = "提交的内容有误"


class RateLimited(AppError):
    status_code = 429
    reason = "rate_limited"
    message = "操作太频繁，请稍后再试"


class Unavailable(AppError):
    status_code = 503
    reason = "unavailable"
    message = "服务暂时不可用，请稍后再试"


class DatabaseUnavailable(Unavailable):
    reason = "database_unavailable"
    message = "数据服务暂时不可用，请稍后再试"


class CacheUnavailable(Unavailable):
    reason = "redis_unavailable"
    message = "缓存服务暂时不可用，请稍后再试"
