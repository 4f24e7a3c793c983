"""The subscriptions domain's handlers of WeChat pushes (registered in create_app)."""

from __future__ import annotations

from typing import Any

from app.subscriptions.services.events import apply_subscription_event
from app.wechat.push_dispatch import on_event
from app.wechat.push_events import CHANGE, POPUP, SENT


@on_event(POPUP)
@on_event(CHANGE)
@on_event(SENT)
def record_subscription_event(event: dict[str, Any]) -> None:
    """Popup answers add credits, settings rejections and 43101 sends clear them."""
    apply_subscription_event(event)
