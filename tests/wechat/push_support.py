"""Helpers of the push endpoint tests: WeChat's side of a push, and the shapes we check."""

from __future__ import annotations

import time

import time_machine

from devtools.wechat_emulator import push as emulator_push
from tests.wechat.push_vectors import OFFICIAL_ENCRYPT

URL = "/api/v1/wechat/push"
SEEN_KEYS = "linli:wechat-push:seen:*"
# The plaintext body of the official 明文模式 example (message-push document, see push_vectors).
OFFICIAL_PLAIN_BODY = {
    "ToUserName": "gh_97417a04a28d",
    "FromUserName": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
    "CreateTime": 1714037059,
    "MsgType": "event",
    "Event": "debug_demo",
    "debug_str": "hello world",
}
# The body of the official 安全模式 example.
OFFICIAL_AES_BODY = {"ToUserName": "gh_97417a04a28d", "Encrypt": OFFICIAL_ENCRYPT}
SENT_EVENT = {
    "ToUserName": "gh_123456789abc",
    "FromUserName": "o_resident",
    "CreateTime": "1620963428",
    "MsgType": "event",
    "Event": "subscribe_msg_sent_event",
    "List": {"TemplateId": "T1", "MsgID": "1864323726461255680", "ErrorCode": "0"},
}


POPUP_EVENT = {
    "ToUserName": "gh_123456789abc",
    "FromUserName": "o_resident",
    "CreateTime": 1620973045,
    "MsgType": "event",
    "Event": "subscribe_msg_popup_event",
    "List": [
        {"TemplateId": "T1", "SubscribeStatusString": "accept", "PopupScene": "0"},
        {"TemplateId": "T2", "SubscribeStatusString": "reject", "PopupScene": "0"},
    ],
}


def at(timestamp: str, offset: int = 0):
    """Freeze the clock ``offset`` seconds after ``timestamp`` (the examples are from 2024)."""
    return time_machine.travel(int(timestamp) + offset, tick=False)


class Signer:
    """Signs (and encrypts) pushes for the app under test, with the emulator's own code."""

    def __init__(self, config) -> None:
        self.token = config["WECHAT_PUSH_TOKEN"]
        self.aes_key = config["WECHAT_PUSH_AES_KEY"]
        self.appid = config["WECHAT_APP_ID"]

    def push(self, event: dict, mode: str = "aes", fmt: str = "json") -> dict:
        """Test-client arguments for POSTing ``event`` as WeChat would."""
        query, body, content_type = emulator_push.build(
            event,
            token=self.token,
            appid=self.appid,
            mode=mode,
            fmt=fmt,
            encoding_aes_key=self.aes_key,
        )
        return {"query_string": query, "data": body, "content_type": content_type}

    def plain_query(self, timestamp: str | None = None) -> dict:
        """A valid plaintext-mode query (signature over Token, timestamp, nonce)."""
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        nonce = "486452656"
        signature = emulator_push.sign(self.token, timestamp, nonce)
        return {"timestamp": timestamp, "nonce": nonce, "signature": signature}


def assert_refused(response, status: int, reason: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["reason"] == reason
