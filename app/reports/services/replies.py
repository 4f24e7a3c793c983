"""Staff reply templates per status: ready-made notes for accepting, resolving, rejecting …"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.extensions import db
from app.reports.models import ReportReplyTemplate, ReportStatus

DEFAULT_REPLIES = (
    (ReportStatus.ACCEPTED, "已受理", "您好，您反映的问题已受理，我们将尽快安排人员处理。"),
    (ReportStatus.IN_PROGRESS, "已派人", "维修人员已出发，请保持电话畅通。"),
    (ReportStatus.RESOLVED, "已处理", "问题已处理完毕，如仍有问题请点击“重新打开”。"),
    (ReportStatus.REJECTED, "非本单位职责", "经核实，该问题不属于本单位职责范围，已告知相关部门。"),
)


class ReportReplyNotFound(NotFound):
    reason = "report_reply_not_found"
    message = "找不到该回复模板"


def seed_default_replies(community_id: int) -> list[ReportReplyTemplate]:
    """Give a community the default replies if it has none yet."""
    if db.session.scalar(
        select(ReportReplyTemplate.id).where(ReportReplyTemplate.community_id == community_id)
    ):
        return []
    replies = [
        ReportReplyTemplate(
            community_id=community_id, status=status, title=title, body=body, sort_order=i * 10
        )
        for i, (status, title, body) in enumerate(DEFAULT_REPLIES)
    ]
    db.session.add_all(replies)
    db.session.flush()
    return replies


def list_replies(actor: Actor, status: ReportStatus | None = None) -> list[ReportReplyTemplate]:
    """The community's active replies, for one status or all."""
    stmt = select(ReportReplyTemplate).where(
        ReportReplyTemplate.community_id == actor.community_id,
        ReportReplyTemplate.is_active.is_(True),
    )
    if status is not None:
        stmt = stmt.where(ReportReplyTemplate.status == status)
    order = (ReportReplyTemplate.status, ReportReplyTemplate.sort_order, ReportReplyTemplate.id)
    return list(db.session.scalars(stmt.order_by(*order)))


def _get(actor: Actor, reply_id: int) -> ReportReplyTemplate:
    reply = db.session.get(ReportReplyTemplate, reply_id)
    if reply is None or reply.community_id != actor.community_id or not reply.is_active:
        raise ReportReplyNotFound()
    return reply


def create_reply(actor: Actor, **fields: Any) -> ReportReplyTemplate:
    reply = ReportReplyTemplate(community_id=actor.community_id, **fields)
    db.session.add(reply)
    db.session.flush()
    record_audit(actor, "report_reply.create", "report_reply_template", reply.id)
    return reply


def update_reply(actor: Actor, reply_id: int, changes: dict[str, Any]) -> ReportReplyTemplate:
    reply = _get(actor, reply_id)
    for key, value in changes.items():
        setattr(reply, key, value)
    db.session.flush()
    record_audit(actor, "report_reply.update", "report_reply_template", reply.id)
    return reply


def delete_reply(actor: Actor, reply_id: int) -> None:
    """Retire a reply (kept, inactive)."""
    reply = _get(actor, reply_id)
    reply.is_active = False
    db.session.flush()
    record_audit(actor, "report_reply.delete", "report_reply_template", reply.id)
