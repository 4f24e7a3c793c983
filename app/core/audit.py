"""The append-only audit log: every staff write and every reveal of personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.auth import Actor
from app.core.pagination import paginate
from app.extensions import db


class AuditEntry(db.Model):
    """One staff action. The table refuses UPDATE and DELETE (triggers in the migration)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_community_created", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community.id"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_roles: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(255))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


def record_audit(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    *,
    community_id: int | None = None,
    reason: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an audit row to the current transaction; it commits or rolls back with the action.

    ``actor`` is None for actions of the system itself (command line, workers).
    """
    entry = AuditEntry(
        community_id=community_id
        if community_id is not None
        else getattr(actor, "community_id", None),
        actor_user_id=getattr(actor, "user_id", None),
        actor_roles=",".join(sorted(getattr(actor, "roles", ()))),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        reason=reason,
        detail=detail,
        ip=getattr(actor, "ip", None) or None,
        request_id=getattr(actor, "request_id", None) or None,
    )
    db.session.add(entry)
    return entry


def list_audit_entries(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    action: str | None = None,
    object_type: str | None = None,
    actor_user_id: int | None = None,
) -> dict:
    """A page of the actor's community's audit log, newest first."""
    stmt = select(AuditEntry).where(AuditEntry.community_id == actor.community_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if actor_user_id:
        stmt = stmt.where(AuditEntry.actor_user_id == actor_user_id)
    return paginate(stmt.order_by(AuditEntry.id.desc()), page, page_size)
