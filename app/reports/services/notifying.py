"""Telling a report's reporter and supporters about each change of its status (WeChat
subscribe messages through the delivery outbox)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select

from app.delivery.services import Recipient, enqueue_batch
from app.extensions import db
from app.reports.models import Report, ReportCategory, ReportStatus, ReportSupporter
from app.subscriptions.fields import TemplateSpecInvalid, TemplateValueInvalid
from app.subscriptions.models import TemplatePurpose

log = logging.getLogger(__name__)

STATUS_LABELS = {
    ReportStatus.SUBMITTED: "已提交",
    ReportStatus.ACCEPTED: "已受理",
    ReportStatus.IN_PROGRESS: "处理中",
    ReportStatus.RESOLVED: "已解决",
    ReportStatus.CLOSED: "已完结",
    ReportStatus.REJECTED: "已驳回",
    ReportStatus.REOPENED: "重新处理",
    ReportStatus.CANCELLED: "已撤销",
}
TITLE_TEXT_CHARS = 12


def followers_of(report: Report) -> list[int]:
    """The reporter and the supporters, reporter first."""
    supporters = db.session.scalars(
        select(ReportSupporter.user_id)
        .where(ReportSupporter.report_id == report.id)
        .order_by(ReportSupporter.id)
    )
    return [report.reporter_user_id, *supporters]


def notify_status_change(
    report: Report, *, note: str | None, actor_user_id: int | None, now: datetime
) -> None:
    """Queue one message per follower, except the person who made the change.

    A template the community has not set up sends nothing (logged by the outbox); a template
    whose fields our values cannot fill is logged and skipped: the change itself stands.
    """
    recipients = [Recipient(u) for u in followers_of(report) if u != actor_user_id]
    if not recipients:
        return
    category_name = db.session.scalar(
        select(ReportCategory.name).where(ReportCategory.id == report.category_id)
    )
    label = STATUS_LABELS[report.status]
    values = {
        "title": f"{category_name}：{report.text[:TITLE_TEXT_CHARS]}",
        "status": label,
        "note": note or label,
        "updated_at": now,
        "report_id": report.id,
    }
    try:
        enqueue_batch(
            community_id=report.community_id,
            purpose=TemplatePurpose.REPORT_UPDATE,
            source_type="report",
            source_id=report.id,
            recipients=recipients,
            values=values,
            page_query=f"id={report.id}",
        )
    except (TemplateSpecInvalid, TemplateValueInvalid):
        log.exception("report %s: update message not queued (template cannot be filled)", report.id)
