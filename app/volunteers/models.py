"""Tables of the volunteer corps: teams, their members, and the append-only hours ledger."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
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


class VolunteerTeam(db.Model):
    """A team of the corps (北焦益家's five colours: 红, 橙, 黄, 绿, 蓝 …); names are data."""

    __tablename__ = "volunteer_team"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    name: Mapped[str] = mapped_column(String(64))
    colour: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class VolunteerMember(db.Model):
    __tablename__ = "volunteer_member"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        Index("ix_volunteer_member_community_user", "community_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_team.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class EntryKind(StrEnum):
    CREDIT = "credit"  # hours served (a volunteer service's check-out)
    CORRECTION = "correction"  # a compensating entry against an earlier one


class HoursEntry(db.Model):
    """One line of the hours ledger, in minutes. The table refuses UPDATE and DELETE (triggers in
    the migration): a mistake is corrected by a compensating entry, never by editing.

    ``credit_key`` ("signup:123") is unique, so a second check-out cannot credit twice.
    """

    __tablename__ = "hours_entry"
    __table_args__ = (
        UniqueConstraint("credit_key"),
        Index("ix_hours_entry_community_user", "community_id", "user_id"),
        Index("ix_hours_entry_team", "team_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("volunteer_team.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("activity_signup.id"))
    minutes: Mapped[int] = mapped_column(Integer)  # negative for a correction that takes away
    kind: Mapped[EntryKind] = mapped_column(string_enum(EntryKind, 16))
    corrects_entry_id: Mapped[int | None] = mapped_column(ForeignKey("hours_entry.id"))
    reason: Mapped[str | None] = mapped_column(String(255))
    credit_key: Mapped[str | None] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class BalanceSubject(StrEnum):
    USER = "user"
    TEAM = "team"


class HoursBalance(db.Model):
    """The running total of a volunteer's or a team's entries, kept in the same transaction as
    each entry (rankings read it). It always equals the sum of the entries: a test checks it."""

    __tablename__ = "hours_balance"
    __table_args__ = (UniqueConstraint("community_id", "subject", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    subject: Mapped[BalanceSubject] = mapped_column(string_enum(BalanceSubject, 16))
    subject_id: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )
