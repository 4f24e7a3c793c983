"""Tables of notices and their recipients (read receipts and acknowledgements)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import string_enum
from app.extensions import db


class NoticeStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for publish_at
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Notice(db.Model):
    """A notice (停水, 电梯维修, 活动召集 …) to an audience within one community.

    ``audience`` is what the author chose: {"kind": "community"} or {"kind": "grids", "ids": […]},
    "buildings", "households", {"kind": "roles", "roles": […]}, {"kind": "activity", "ids": [id]}.
    Recipients are resolved into NoticeRecipient rows when the notice is published.
    """

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("community_id", "author_user_id", "idempotency_key"),
        Index("ix_notice_community_status_published", "community_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    author_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[NoticeStatus] = mapped_column(
        string_enum(NoticeStatus, 16),
        default=NoticeStatus.SCHEDULED,
    )
    publish_at: Mapped[datetime] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    requires_ack: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    push: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    delivery_batch_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_batch.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class NoticeRecipient(db.Model):
    """A person a notice is addressed to; read and 已知晓 are recorded here."""

    __tablename__ = "notice_recipient"
    __table_args__ = (
        UniqueConstraint("notice_id", "user_id"),
        Index("ix_notice_recipient_user", "community_id", "user_id", "notice_id"),
        Index("ix_notice_recipient_notice_household", "notice_id", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
