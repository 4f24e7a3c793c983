"""The errors a WeChat API call can end in, mapped onto linli's HTTP-shaped error classes."""

from __future__ import annotations

import time
from typing import Any

from app.core.errors import AppError, Forbidden, RateLimited, Unauthenticated, Unavailable


class WeChatError(AppError):
    """Base of every WeChat failure; carries WeChat's ``errcode``/``errmsg`` when there is one.

    It sets no status, reason or message of its own, so each subclass takes them from the
    HTTP-shaped base it is paired with (``class X(WeChatError, Unavailable)``).
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        errcode: int | None = None,
        errmsg: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        super().__init__(message, **kwargs)


class WeChatApiError(WeChatError):
    """Any errcode without a class of its own; callers branch on ``errcode`` (43101, 47003 …)."""

    status_code = 502
    reason = "wechat_error"
    message = "微信服务返回错误，请稍后再试"


class WeChatUnavailable(WeChatError, Unavailable):
    """WeChat could not be reached, timed out, answered 5xx, -1 (busy) or something unreadable."""

    reason = "wechat_unavailable"
    message = "微信服务暂时不可用，请稍后再试"


class WeChatQuotaExhausted(WeChatError, Unavailable):
    """45009: the daily call quota is spent; nothing helps until tomorrow (or a quota reset)."""

    reason = "wechat_quota_exhausted"
    message = "微信服务今日调用次数已达上限，请稍后再试"


class WeChatRateLimited(WeChatError, RateLimited):
    """45011: the per-minute limit is hit; ``retry_after`` is the seconds to the next minute."""

    reason = "wechat_rate_limited"
    message = "微信服务繁忙，请稍后再试"

    def __init__(self, message: str | None = None, **kwargs: Any) -> None:
        # WeChat's minute quota resets on the minute, so that is the earliest useful retry.
        self.retry_after = 60 - int(time.time()) % 60
        kwargs.setdefault("headers", {"Retry-After": str(self.retry_after)})
        super().__init__(message, **kwargs)


class WeChatCodeInvalid(WeChatError, Unauthenticated):
    """40029: the login or phone code is unknown, expired or belongs to another app."""

    reason = "wechat_code_invalid"
    message = "微信授权已失效，请重试"


class WeChatCodeUsed(WeChatError, Unauthenticated):
    """40163: the code was already exchanged; codes are single-use."""

    reason = "wechat_code_used"
    message = "微信授权已被使用，请重试"


class WeChatUserRisky(WeChatError, Forbidden):
    """40226: WeChat flags the user as high-risk and refuses the login."""

    reason = "wechat_user_risky"
    message = "当前微信账号存在风险，暂时无法使用"


_BY_ERRCODE: dict[int, type[WeChatError]] = {
    -1: WeChatUnavailable,
    40029: WeChatCodeInvalid,
    40163: WeChatCodeUsed,
    40226: WeChatUserRisky,
    45009: WeChatQuotaExhausted,
    45011: WeChatRateLimited,
}


def error_for_errcode(errcode: int, errmsg: str | None) -> WeChatError:
    """The exception for a non-zero errcode; unknown codes become ``WeChatApiError``."""
    return _BY_ERRCODE.get(errcode, WeChatApiError)(errcode=errcode, errmsg=errmsg)
