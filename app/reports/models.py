"""Tables of problem reports: categories, reports, their photos, timeline, supporters, replies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    and_,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from app.core.columns import string_enum
from app.extensions import db


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"  # 已提交: routed, waiting for someone to take it
    ACCEPTED = "accepted"  # 已受理: the responsible party has taken it
    IN_PROGRESS = "in_progress"  # 处理中
    RESOLVED = "resolved"  # 已解决: waiting for the reporter's confirmation (or reopen)
    CLOSED = "closed"  # 已完结
    REJECTED = "rejected"  # 已驳回, with a reason
    REOPENED = "reopened"  # 重新处理: the reporter was not satisfied
    CANCELLED = "cancelled"  # 已撤销 by the reporter before anyone took it


OPEN_STATUSES = frozenset(
    {ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.IN_PROGRESS, ReportStatus.REOPENED}
)


class TextModeration(StrEnum):
    PASS = "pass"  # WeChat passed it, or a moderator released it
    REVIEW = "review"  # WeChat was unsure: seen by the reporter and staff only, until decided
    HIDDEN = "hidden"  # a moderator hid it: seen by the reporter and staff only


class ReportCategory(db.Model):
    """What a report is about, who fixes it, how fast, and whether neighbours see it."""

    __tablename__ = "report_category"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    code: Mapped[str] = mapped_column(String(32))  # street_light, lift … (Open311 service_code)
    name: Mapped[str] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    response_hours: Mapped[int] = mapped_column(Integer)
    resolution_hours: Mapped[int] = mapped_column(Integer)
    # Facilities are public (neighbours see and join them); households and disputes private.
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Report(db.Model):
    """A resident's report of a problem, routed to an organisation and a grid.

    ``listed`` (public category, text passed, not cancelled) is kept by the workflow service so
    the public list is one index range. ``grid_id`` and ``organisation_id`` are the routing;
    the ``*_due_at``, ``*_at``, escalation and rating columns feed deadlines and the rates.
    """

    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("community_id", "reporter_user_id", "idempotency_key"),
        Index("ix_report_reporter", "reporter_user_id", "id"),
        Index("ix_report_listed", "community_id", "listed", "id"),
        Index("ix_report_listed_category", "community_id", "listed", "category_id", "status", "id"),
        Index("ix_report_listed_building", "community_id", "listed", "building_id", "status", "id"),
        Index("ix_report_listed_status", "community_id", "listed", "status", "id"),
        Index("ix_report_community_status", "community_id", "status", "id"),
        Index("ix_report_grid_queue", "grid_id", "status", "id"),
        Index("ix_report_org_queue", "organisation_id", "status", "id"),
        Index("ix_report_similar", "building_id", "category_id", "status"),
        Index("ix_report_asset", "community_id", "asset_code", "status"),
        Index("ix_report_point", "community_id", "lat", "lng"),
        Index("ix_report_overdue_resolution", "status", "resolution_due_at"),
        Index("ix_report_overdue_response", "status", "response_due_at"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("report_category.id"))
    reporter_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(String(1000))
    # The place: a building (and unit), a map point, an asset code on a lamp post or charger.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    asset_code: Mapped[str | None] = mapped_column(String(32))
    place_note: Mapped[str | None] = mapped_column(String(100))
    # Routing: who fixes it, whose grid it is in.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id"))
    is_public: Mapped[bool] = mapped_column(Boolean)
    moderation: Mapped[TextModeration] = mapped_column(
        string_enum(TextModeration, 16), default=TextModeration.PASS
    )
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ReportStatus] = mapped_column(
        string_enum(ReportStatus, 16), default=ReportStatus.SUBMITTED
    )
    status_changed_at: Mapped[datetime] = mapped_column(DateTime)
    supporter_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    # Deadlines and their bookkeeping (escalation works on these).
    response_due_at: Mapped[datetime] = mapped_column(DateTime)
    resolution_due_at: Mapped[datetime] = mapped_column(DateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    last_escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The reporter's rating once resolved.
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    def refresh_listed(self) -> None:
        """``listed``: neighbours see it (public category, text passed, not cancelled)."""
        self.listed = bool(
            self.is_public
            and self.moderation == TextModeration.PASS
            and self.status != ReportStatus.CANCELLED
        )


def listed_clause(is_public: bool) -> ColumnElement[bool]:
    """``Report.refresh_listed`` as SQL, for a bulk update of a category's reports."""
    if not is_public:
        return false()
    return and_(Report.moderation == TextModeration.PASS, Report.status != ReportStatus.CANCELLED)


class ReportPhoto(db.Model):
    """An uploaded image attached to a report; an image belongs to one report at most."""

    __tablename__ = "report_photo"
    __table_args__ = (UniqueConstraint("report_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    media_id: Mapped[int] = mapped_column(ForeignKey("media_file.id"), unique=True)
    position: Mapped[int] = mapped_column(SmallInteger)


class ReportEvent(db.Model):
    """One step of a report's timeline. Append-only: the table refuses UPDATE and DELETE."""

    __tablename__ = "report_event"
    __table_args__ = (Index("ix_report_event_report", "report_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the system
    # What the actor acted as: reporter, grid_worker, org_staff, admin, system.
    actor_role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ReportSupporter(db.Model):
    """A "me too" supporter: a neighbour who joined a report and follows it like its reporter."""

    __tablename__ = "report_supporter"
    __table_args__ = (
        UniqueConstraint("report_id", "user_id"),
        Index("ix_report_supporter_user", "user_id", "report_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ReportReplyTemplate(db.Model):
    """A staff reply ready to use when moving a report to ``status`` (e.g. 已受理 …)."""

    __tablename__ = "report_reply_template"
    __table_args__ = (Index("ix_report_reply_template_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    status: Mapped[ReportStatus] = mapped_column(string_enum(ReportStatus, 16))
    title: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(String(500))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
