"""Exchanging a wx.login() code for the user's openid and session key."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.wechat import gateway as current_gateway
from app.wechat.client import WeChatGateway
from app.wechat.errors import WeChatCodeInvalid, WeChatUnavailable


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    # Kept out of repr so a logged session never leaks it; it must never leave the server.
    session_key: str = field(repr=False)
    unionid: str | None = None


def exchange_login_code(code: str, *, gateway: WeChatGateway | None = None) -> WeChatSession:
    """The session for a single-use login code.

    Raises WeChatCodeInvalid (also for an empty code), WeChatCodeUsed, WeChatUserRisky,
    WeChatRateLimited or WeChatUnavailable.
    """
    if not code or not code.strip():
        raise WeChatCodeInvalid()
    result = (gateway or current_gateway()).code_to_session(code.strip())
    if not result.get("openid") or not result.get("session_key"):
        raise WeChatUnavailable(errmsg="jscode2session answered without openid/session_key")
    return WeChatSession(
        openid=result["openid"],
        session_key=result["session_key"],
        unionid=result.get("unionid") or None,
    )
