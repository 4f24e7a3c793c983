"""Exchanging a getPhoneNumber button code for the user's phone number."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.wechat import gateway as current_gateway
from app.wechat.client import WeChatGateway
from app.wechat.errors import WeChatCodeInvalid, WeChatUnavailable


@dataclass(frozen=True)
class PhoneNumber:
    # Out of repr so logging the object never logs a full phone number.
    pure_number: str = field(repr=False)
    country_code: str


def fetch_phone_number(code: str, *, gateway: WeChatGateway | None = None) -> PhoneNumber:
    """The phone number behind a single-use code (5 minutes).

    Raises WeChatCodeInvalid (also for an empty code), WeChatCodeUsed or WeChatUnavailable.
    """
    if not code or not code.strip():
        raise WeChatCodeInvalid()
    info = (gateway or current_gateway()).get_phone_number(code.strip())
    pure_number = info.get("purePhoneNumber")
    if not pure_number:
        raise WeChatUnavailable(errmsg="phone_info without purePhoneNumber")
    # countryCode arrives as "86" or 86 depending on the day; store it as text.
    return PhoneNumber(pure_number=str(pure_number), country_code=str(info.get("countryCode", "")))
