"""Tables of subscribe templates and credits."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import string_enum
from app.extensions import db


class TemplatePurpose(StrEnum):
    """What a template is for; the code asks for a template by purpose, never by WeChat id."""

    NOTICE = "notice"
    REPORT_UPDATE = "report_update"
    ACTIVITY_REMINDER = "activity_reminder"
    ACTIVITY_SIGNUP = "activity_signup"
    WAITLIST_PROMOTION = "waitlist_promotion"


class SubscribeTemplate(db.Model):
    """A subscribe-message template a community chose in the WeChat console, and how to fill it.

    ``fields`` maps each template key to its WeChat type ({"thing1": "thing", "time2": "time"});
    ``mapping`` maps each key to the name of the value our code supplies ({"thing1": "title"}).
    """

    __tablename__ = "subscribe_template"
    __table_args__ = (UniqueConstraint("community_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    purpose: Mapped[TemplatePurpose] = mapped_column(string_enum(TemplatePurpose, 32))
    template_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    page: Mapped[str] = mapped_column(String(128), default="pages/index/index")
    # Long-term templates (public-service categories only) need no credit per send.
    long_term: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class SubscribeCredit(db.Model):
    """How many one-time sends a person has granted us for one template.

    Each accepted ``wx.requestSubscribeMessage`` popup adds one; each send spends one.
    """

    __tablename__ = "subscribe_credit"
    __table_args__ = (UniqueConstraint("user_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    template_id: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The person's last answer: accept, reject, ban, filter; "reject" from the settings page
    # (subscribe_msg_change_event) also clears the count.
    last_status: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )
