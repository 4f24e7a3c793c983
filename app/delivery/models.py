"""Tables of the outbox: a batch per thing announced, a delivery row per recipient."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import string_enum
from app.extensions import db


class BatchStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class DeliveryBatch(db.Model):
    """One announcement (a notice, a report update …) to many people through one template."""

    __tablename__ = "delivery_batch"
    __table_args__ = (
        Index("ix_delivery_batch_source", "community_id", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    source_type: Mapped[str] = mapped_column(String(32))  # notice, report, activity …
    source_id: Mapped[int] = mapped_column(Integer)
    template_id: Mapped[str] = mapped_column(String(64))
    page: Mapped[str] = mapped_column(String(256))
    status: Mapped[BatchStatus] = mapped_column(
        string_enum(BatchStatus, 16), default=BatchStatus.QUEUED
    )
    total: Mapped[int] = mapped_column(Integer, default=0)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting for its turn (or for a retry at next_attempt_at)
    SENDING = "sending"  # claimed by a worker; a sweeper re-queues it if the worker died
    SENT = "sent"  # WeChat accepted it (final)
    NO_CREDIT = "no_credit"  # the person granted no send for this template (final)
    FAILED = "failed"  # WeChat refused it for good, or retries ran out (final)
    CANCELLED = "cancelled"  # the batch was cancelled before it went out (final)


FINAL_STATUSES = frozenset(
    {DeliveryStatus.SENT, DeliveryStatus.NO_CREDIT, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED}
)


class Delivery(db.Model):
    """One subscribe message to one person. Unique per batch and person: nobody gets two."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("batch_id", "user_id"),
        Index("ix_delivery_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_delivery_batch_status", "batch_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("delivery_batch.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    # Template values already checked and shortened to WeChat's limits.
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus, 16), default=DeliveryStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_errcode: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(255))
    msgid: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
