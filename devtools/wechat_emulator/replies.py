"""Reply objects and WeChat-shaped JSON errors shared by every endpoint."""

import json
import secrets
from dataclasses import dataclass

JSON = "application/json"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    errcode: int | None = None
    drop: bool = False


class WxError(Exception):
    """A WeChat API error: answered as HTTP 200 with `{"errcode", "errmsg"}`, like WeChat."""

    def __init__(self, errcode: int, errmsg: str):
        super().__init__(errcode, errmsg)
        self.errcode = errcode
        self.errmsg = errmsg


def json_reply(payload: dict, status: int = 200) -> Reply:
    errcode = payload.get("errcode")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Reply(status=status, body=body, errcode=errcode if isinstance(errcode, int) else None)


def rid() -> str:
    return "-".join(secrets.token_hex(4) for _ in range(3))


def wx_error(errcode: int, errmsg: str) -> Reply:
    # WeChat appends a request id to every errmsg, so callers must not compare errmsg for equality.
    return json_reply({"errcode": errcode, "errmsg": f"{errmsg} rid: {rid()}"})


def as_int(value) -> int | None:
    """Read an integer the way WeChat tolerates it: a JSON number or a string of digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
