"""The message-push (消息推送) endpoint WeChat calls: URL check (GET) and pushed events (POST).

Not behind our bearer auth: WeChat authenticates itself with the signature over our Token, so
the views are marked ``public_because`` and listed in the API contract test's PUBLIC_ROUTES.
Answers are plain text, as WeChat expects; refusals use our JSON error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, request

from app.wechat.push_inbox import PushSettings, check_url, receive_push

blp = Blueprint("wechat_push", __name__, url_prefix="/api/v1/wechat")

MAX_PUSH_BYTES = 64 * 1024  # events are a few hundred bytes; refuse anything near a flood


def signed_by_wechat(view: Callable) -> Callable:
    """Marks a view as deliberately public: its caller proves itself with WeChat's signature."""
    view.public_because = "wechat_push_signature"
    return view


def _plain(text: str) -> Response:
    return Response(text, mimetype="text/plain")


@blp.get("/push")
@signed_by_wechat
def verify_push_url():
    """WeChat's URL check when the push URL is saved: echo ``echostr`` if the signature holds."""
    return _plain(check_url(request.args, PushSettings.from_config(current_app.config)))


@blp.post("/push")
@signed_by_wechat
def receive_wechat_push():
    """A pushed event: checked, de-duplicated and queued; ``success`` at once (WeChat waits 5 s)."""
    request.max_content_length = MAX_PUSH_BYTES
    body = request.get_data(cache=False)
    receive_push(request.args, body, PushSettings.from_config(current_app.config))
    return _plain("success")
