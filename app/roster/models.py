"""Tables of roster imports: one row per uploaded file, with its progress and outcome."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.mysql import MEDIUMBLOB
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.core.columns import string_enum
from app.extensions import db


class RosterImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    REFUSED = "refused"  # some row was bad: nothing written, errors listed
    DONE = "done"
    FAILED = "failed"  # an unexpected error; nothing written


class RosterImport(db.Model):
    """An uploaded roster file and what became of it.

    The file itself is kept in MySQL so any worker on any machine can read it.
    """

    __tablename__ = "roster_import"
    __table_args__ = (Index("ix_roster_import_community_created", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))  # xlsx | csv
    file_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(MEDIUMBLOB))
    status: Mapped[RosterImportStatus] = mapped_column(
        string_enum(RosterImportStatus, 16),
        default=RosterImportStatus.QUEUED,
    )
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    # [{"row": 7, "column": "手机号", "reason": "bad_phone", "message": "手机号格式不正确"}, ...]
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # {"households_created": n, "households_vacated": n, "occupants_added": n, ...}
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
