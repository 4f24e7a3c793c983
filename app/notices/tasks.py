"""Queue entry points of notices: publishing scheduled notices when their time comes."""

from __future__ import annotations

from celery import shared_task

from app.extensions import db


@shared_task(name="notices.publish_due")
def publish_due_notices_task() -> int:
    """Run by beat every 30 s; safe on several workers at once (rows are claimed SKIP LOCKED)."""
    from app.notices.services import publish_due_notices

    published = publish_due_notices()
    db.session.commit()
    return published
