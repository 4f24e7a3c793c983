"""Tables of activities: the activity with its seat counters, and the sign-ups for it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.mysql import DATETIME
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.core.columns import string_enum
from app.extensions import db


class ActivityKind(StrEnum):
    COMMUNITY_EVENT = "community_event"  # 社区活动
    VOLUNTEER_SERVICE = "volunteer_service"  # 志愿服务: check-out credits hours
    YOUTH_LOUNGE = "youth_lounge"  # 青年会客厅: the shops' alliance events


class AudienceKind(StrEnum):
    """Who may sign up; ``audience_ids`` holds the buildings, grids or team named."""

    EVERYONE = "everyone"  # every resident (bound to an occupied flat)
    BUILDINGS = "buildings"  # residents of these buildings
    GRIDS = "grids"  # residents of these grids
    TEAM = "team"  # members of this volunteer team
    MERCHANTS = "merchants"  # holders of the merchant role


class ActivityStatus(StrEnum):
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Activity(db.Model):
    """An activity of one community, with the counters its seats are sold by.

    ``seats_taken`` counts the seats of confirmed and offered sign-ups, ``waitlist_taken`` those of
    waiting ones. Both change only by conditional UPDATEs (or under this row's lock), and the
    CHECK constraints make the database itself refuse an oversold activity.
    """

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_community_starts", "community_id", "starts_at"),
        Index("ix_activity_status_remind", "status", "remind_at"),
        UniqueConstraint("checkin_scene"),
        CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within"),
        CheckConstraint("waitlist_taken >= 0", name="waitlist_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    kind: Mapped[ActivityKind] = mapped_column(string_enum(ActivityKind, 24))
    status: Mapped[ActivityStatus] = mapped_column(
        string_enum(ActivityStatus, 24), default=ActivityStatus.PUBLISHED
    )
    title: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    organiser_user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organiser_name: Mapped[str] = mapped_column(String(64))  # shown: "北焦益家·红队"
    place: Mapped[str] = mapped_column(String(128))
    # The media table arrives on a parallel migration branch: a plain id until both merge.
    cover_media_id: Mapped[int | None] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    signup_opens_at: Mapped[datetime] = mapped_column(DateTime)
    signup_closes_at: Mapped[datetime] = mapped_column(DateTime)
    cancel_deadline: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    waitlist_capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    waitlist_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seats_per_household: Mapped[int] = mapped_column(Integer, default=1)
    requires_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    audience_kind: Mapped[AudienceKind] = mapped_column(string_enum(AudienceKind, 24))
    audience_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # [{"key": "q1", "label": "…", "kind": "text" | "choice", "required": bool, "options": []}]
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"))
    shop_teams: Mapped[bool] = mapped_column(Boolean, default=False)  # a shop signs up a team
    participants_private: Mapped[bool] = mapped_column(Boolean, default=False)  # mixers
    reminder_minutes: Mapped[int] = mapped_column(Integer, default=60)
    remind_at: Mapped[datetime] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    checkin_scene: Mapped[str] = mapped_column(String(32))  # the wxacode's opaque scene
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def audience(self) -> dict[str, Any]:
        return {"kind": self.audience_kind.value, "ids": list(self.audience_ids or [])}


class SignupStatus(StrEnum):
    PENDING = "pending"  # awaits the organiser's approval; holds no seat yet
    CONFIRMED = "confirmed"  # holds its seats
    WAITLISTED = "waitlisted"  # queued for seats (候补)
    OFFERED = "offered"  # seats held for it until offer_expires_at; the resident confirms
    CANCELLED = "cancelled"
    REJECTED = "rejected"  # the organiser said no
    EXPIRED = "expired"  # an offer not confirmed in time


HOLDS_SEATS = frozenset({SignupStatus.CONFIRMED, SignupStatus.OFFERED})
ACTIVE = frozenset(
    {SignupStatus.PENDING, SignupStatus.CONFIRMED, SignupStatus.WAITLISTED, SignupStatus.OFFERED}
)


class Signup(db.Model):
    """One party's sign-up: a resident and the household members they bring, a shop's team, or
    one person. It takes ``seats`` seats at once, waits and is promoted as one.

    ``party_key`` says whose sign-up it is ("h:<household>", "s:<shop>", "u:<user>"): unique per
    activity, like the user, so neither a retry nor a second member of the flat adds a second one.
    """

    __tablename__ = "activity_signup"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id"),
        UniqueConstraint("activity_id", "party_key"),
        Index("ix_activity_signup_queue", "activity_id", "status", "queued_at"),
        Index("ix_activity_signup_offer", "status", "offer_expires_at"),
        Index("ix_activity_signup_confirmation", "status", "confirmation_queued_at"),
        Index("ix_activity_signup_community_user", "community_id", "user_id"),
        CheckConstraint("seats >= 1", name="seats_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    # No foreign key to activity, deliberately: InnoDB checks one by taking a shared lock on the
    # activity row at every insert, and two sign-ups each holding it could then not move its
    # seat counter (a deadlock on the hottest row of a rush). Activities are never deleted (they
    # are cancelled), and a sign-up is made only by the service, for an activity it just read.
    activity_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"))
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shop.id"))
    party_key: Mapped[str] = mapped_column(String(32))
    companion_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # occupants brought
    seats: Mapped[int] = mapped_column(Integer)
    status: Mapped[SignupStatus] = mapped_column(string_enum(SignupStatus, 24))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The waiting list's order (first come, first served), to the microsecond.
    queued_at: Mapped[datetime | None] = mapped_column(DATETIME(fsp=6))
    offer_expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    # When its 报名成功 message was queued; NULL on a confirmed sign-up means still to queue (the
    # beat batches them per activity, so a rush of confirmations is one outbox batch, not 300).
    confirmation_queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_in_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime)
    checked_out_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    # For reading only (there is no foreign key, see activity_id), and never lazily: a list
    # that shows its sign-ups' activities loads them for the page in one query (selectinload).
    activity: Mapped[Activity] = relationship(
        Activity,
        primaryjoin=lambda: foreign(Signup.activity_id) == Activity.id,
        viewonly=True,
        lazy="raise",
    )
