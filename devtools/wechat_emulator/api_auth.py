"""WeChat endpoints for credentials: access tokens, wx.login codes and phone-number codes."""

from .replies import WxError
from .state import State, session_key


def _check_app(state: State, appid, secret, grant_type, expected_grant: str) -> None:
    config = state.config
    if not appid:
        raise WxError(41002, "appid missing")
    if not secret:
        raise WxError(41004, "appsecret missing")
    if grant_type != expected_grant:
        raise WxError(40002, "invalid grant_type")
    if appid != config.appid:
        raise WxError(40013, "invalid appid")
    if secret != config.secret:
        raise WxError(40125, "invalid appsecret")


def get_token(emu, query: dict, body: dict) -> dict:
    """GET cgi-bin/token: a new token each call; the previous one survives the grace period."""
    state: State = emu.state
    _check_app(
        state, query.get("appid"), query.get("secret"), query.get("grant_type"), "client_credential"
    )
    with state.lock:
        return state.tokens.issue_plain(state.now())


def stable_token(emu, query: dict, body: dict) -> dict:
    """POST cgi-bin/stable_token: the same token while valid, unless force_refresh."""
    state: State = emu.state
    if "access_token" in query:
        # The official doc lists no query parameters; an access_token here means the caller
        # went through the token-adding client path, which we want tests to catch.
        raise WxError(40097, "invalid args, stable_token takes no access_token")
    _check_app(
        state, body.get("appid"), body.get("secret"), body.get("grant_type"), "client_credential"
    )
    force = body.get("force_refresh", False)
    if not isinstance(force, bool):
        raise WxError(40097, "invalid args, force_refresh must be a boolean")
    with state.lock:
        return state.tokens.stable(state.now(), force)


def code_to_session(emu, query: dict, body: dict) -> dict:
    """GET sns/jscode2session: authenticated by appid+secret; any access_token is ignored."""
    state: State = emu.state
    _check_app(
        state,
        query.get("appid"),
        query.get("secret"),
        query.get("grant_type"),
        "authorization_code",
    )
    user = state.redeem_login_code(query.get("js_code"))
    # Like WeChat, success carries no errcode at all.
    answer = {"session_key": session_key(), "openid": user["openid"]}
    if user.get("unionid"):
        answer["unionid"] = user["unionid"]
    return answer


def get_phone_number(emu, query: dict, body: dict) -> dict:
    """POST wxa/business/getuserphonenumber {code} -> phone_info."""
    state: State = emu.state
    entry = state.redeem_phone_code(body.get("code"))
    country_code = entry["country_code"]
    phone = entry["phone"]
    full = phone if str(country_code) == "86" else f"+{country_code} {phone}"
    return {
        "errcode": 0,
        "errmsg": "ok",
        "phone_info": {
            "phoneNumber": full,
            "purePhoneNumber": phone,
            "countryCode": country_code,
            "watermark": {"timestamp": int(state.now()), "appid": state.config.appid},
        },
    }
