"""Queue tasks of media: submitting WeChat's image check, and the beat sweep of lost ones."""

from __future__ import annotations

from celery import shared_task

from app.extensions import db
from app.media import moderation
from app.wechat.errors import WeChatQuotaExhausted, WeChatRateLimited, WeChatUnavailable


@shared_task(
    name="media.submit_check",
    autoretry_for=(WeChatUnavailable, WeChatRateLimited, WeChatQuotaExhausted),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def submit_check(media_id: int) -> str | None:
    """Submit one image to WeChat's check and keep the trace id (safe to run twice)."""
    try:
        trace_id = moderation.submit_check(media_id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return trace_id


@shared_task(name="media.submit_pending_checks")
def submit_pending_checks() -> int:
    """Beat, every minute: queue the check of images whose after-commit submission was lost."""
    ids = moderation.pending_check_ids()
    db.session.rollback()
    for media_id in ids:
        submit_check.delay(media_id)
    return len(ids)
