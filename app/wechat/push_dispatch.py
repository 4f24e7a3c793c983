"""Who handles which pushed event: a registry other domains fill; app/wechat imports none of them.

A domain declares its handlers in its own ``push_handlers.py``::

    from app.wechat.push_dispatch import on_event
    from app.wechat.push_events import POPUP, subscription_decisions

    @on_event(POPUP)
    def record_popup(event: dict) -> None:
        for decision in subscription_decisions(event):
            ...  # call the domain's service; never commit (the task commits once)

and adds one import of that module to ``register_push_handlers`` in ``app/__init__.py``, which
``create_app`` calls, so every web and worker process holds the same registry.

Handlers receive the normalised event dict (see ``push_events.parse_body``) and must be safe to
run twice: the task is acknowledged late and retried on failure, and all of an event's handlers
run again on a retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from app.wechat.push_events import event_kind

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
_HANDLERS: dict[str, list[Handler]] = {}


def register_handler(kind: str, handler: Handler) -> Handler:
    """Run ``handler(event)`` for every pushed event of ``kind``; registering twice is a no-op."""
    handlers = _HANDLERS.setdefault(kind, [])
    if handler not in handlers:
        handlers.append(handler)
    return handler


def on_event(kind: str) -> Callable[[Handler], Handler]:
    """Decorator form of ``register_handler``."""
    return lambda handler: register_handler(kind, handler)


def unregister_handler(kind: str, handler: Handler) -> None:
    """Forget a handler (tests register fakes and remove them again)."""
    handlers = _HANDLERS.get(kind, [])
    if handler in handlers:
        handlers.remove(handler)


def handlers_for(kind: str) -> list[Handler]:
    return list(_HANDLERS.get(kind, ()))


def dispatch(event: dict[str, Any]) -> int:
    """Hand the event to every handler of its kind, in registration order; returns how many ran.

    An event nobody handles is logged and dropped. A handler's exception propagates, so the
    caller (the queue task) can roll back and retry.
    """
    kind = event_kind(event)
    handlers = handlers_for(kind)
    if not handlers:
        log.info("wechat push dropped: no handler for %r", kind or "(none)")
        return 0
    for handler in handlers:
        handler(event)
    return len(handlers)
