"""WeChat for linli: one gateway per app, built from config and the app's Redis client."""

from __future__ import annotations

from flask import Flask, current_app

from app.wechat.client import WeChatGateway

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com/"


def init_app(app: Flask) -> None:
    """Build the app's gateway and store it."""
    app.extensions["wechat"] = build_gateway(app)


def build_gateway(app: Flask) -> WeChatGateway:
    """A gateway from WECHAT_* config and ``app.extensions["redis"]``. One per app suffices for
    requests; a thread pool of senders builds one per thread (their HTTP sessions are not
    meant to be shared between threads)."""
    config = app.config
    return WeChatGateway(
        appid=config["WECHAT_APP_ID"],
        secret=config["WECHAT_APP_SECRET"],
        base_url=config.get("WECHAT_API_BASE_URL") or DEFAULT_API_BASE_URL,
        redis=app.extensions["redis"],
        timeout=float(config.get("WECHAT_TIMEOUT_SECONDS", 5.0)),
    )


def gateway() -> WeChatGateway:
    """The current app's gateway (requires an app context)."""
    return current_app.extensions["wechat"]
