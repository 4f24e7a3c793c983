"""Tables of the media domain: one row per uploaded image and its thumbnail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import string_enum
from app.extensions import db


class MediaPurpose(StrEnum):
    """What an upload is for; each domain that takes images adds its member here."""

    REPORT = "report"
    ACTIVITY = "activity"
    NOTICE = "notice"
    CULTURE = "culture"


class Moderation(StrEnum):
    """WeChat's image verdict: others see an image only once it is ``pass``."""

    PENDING = "pending"  # uploaded, verdict not yet pushed
    PASS = "pass"
    REVIEW = "review"  # WeChat is unsure: held for a person to decide
    RISKY = "risky"


class MediaFile(db.Model):
    """An uploaded image, re-encoded without EXIF, and its thumbnail, both in the media storage.

    ``trace_id`` is WeChat's id of the asynchronous check; the pushed verdict is matched by it.
    """

    __tablename__ = "media_file"
    __table_args__ = (
        Index("ix_media_file_community_owner", "community_id", "owner_user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    thumb_key: Mapped[str] = mapped_column(String(128))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    moderation: Mapped[Moderation] = mapped_column(
        string_enum(Moderation, 16), default=Moderation.PENDING
    )
    trace_id: Mapped[str | None] = mapped_column(String(64), index=True)
    check_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
