"""Tables of the accounts domain."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    VARBINARY,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.columns import string_enum
from app.extensions import db


class Role(StrEnum):
    """What a person may do in one community; a person may hold several."""

    RESIDENT = "resident"  # bound to a flat on the lease roster
    GRID_WORKER = "grid_worker"  # 网格员
    ORG_STAFF = "org_staff"  # staff of a partner organisation (物业, 维保 …)
    MERCHANT = "merchant"  # 商户 of the business alliance
    ADMIN = "admin"  # community staff running linli


STAFF_ROLES = frozenset({Role.GRID_WORKER, Role.ORG_STAFF, Role.ADMIN})


class User(db.Model):
    """A person, across every community they take part in.

    The phone number is kept only encrypted, with a keyed hash to find it and a masked copy to
    show; the full number is never sent to a client.
    """

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    nickname: Mapped[str | None] = mapped_column(String(64))
    avatar_url: Mapped[str | None] = mapped_column(String(512))
    phone_cipher: Mapped[bytes | None] = mapped_column(VARBINARY(255))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class WeChatIdentity(db.Model):
    """A user's openid in one WeChat app; WeChat's session_key is never stored here."""

    __tablename__ = "wechat_identity"
    __table_args__ = (UniqueConstraint("appid", "openid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    appid: Mapped[str] = mapped_column(String(32))
    openid: Mapped[str] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Membership(db.Model):
    """A user's place in a community; roles hang off it."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("community_id", "user_id"),
        Index("ix_membership_user_last_seen", "user_id", "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    roles: Mapped[list[MembershipRole]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role.value for r in self.roles)


class MembershipRole(db.Model):
    __tablename__ = "membership_role"
    __table_args__ = (UniqueConstraint("membership_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(string_enum(Role, 20))
    granted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    membership: Mapped[Membership] = relationship(back_populates="roles")


class BindingMethod(StrEnum):
    PHONE_MATCH = "phone_match"  # the WeChat-verified phone is on the roster
    STAFF_APPROVAL = "staff_approval"  # flat + name + last four digits, approved by staff


class HouseholdMember(db.Model):
    """A user bound to a household; being bound to an occupied flat is what makes a resident."""

    __tablename__ = "household_member"
    __table_args__ = (
        UniqueConstraint("household_id", "user_id"),
        Index("ix_household_member_community_user", "community_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    occupant_id: Mapped[int | None] = mapped_column(ForeignKey("occupant.id"))
    method: Mapped[BindingMethod] = mapped_column(string_enum(BindingMethod, 20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class BindingRequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class BindingRequest(db.Model):
    """A resident's claim to a flat whose details matched the roster, awaiting staff approval."""

    __tablename__ = "binding_request"
    __table_args__ = (Index("ix_binding_request_community_status", "community_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    occupant_id: Mapped[int] = mapped_column(ForeignKey("occupant.id"))
    status: Mapped[BindingRequestStatus] = mapped_column(
        string_enum(BindingRequestStatus, 20),
        default=BindingRequestStatus.PENDING,
    )
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
