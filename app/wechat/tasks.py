"""Queue tasks of the WeChat domain: pushed events, handled off the 5-second push deadline."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from app.extensions import db
from app.wechat.push_dispatch import dispatch


@shared_task(
    name="wechat.handle_push_event",
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def handle_push_event(event: dict[str, Any]) -> int:
    """Run the registered handlers of one pushed event in one transaction, committed at the end.

    Any failure rolls back and the task retries with backoff (handlers are idempotent); an
    event of a kind nobody handles is logged and dropped. Returns how many handlers ran.
    """
    try:
        count = dispatch(event)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return count
