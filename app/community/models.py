"""Tables of the community domain: the tenant itself and its places, grids and parties."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    VARBINARY,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.columns import string_enum
from app.extensions import db


class Community(db.Model):
    """A residential community running linli under its own name and brand names."""

    __tablename__ = "community"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    city: Mapped[str] = mapped_column(String(32), default="")
    district: Mapped[str] = mapped_column(String(32), default="")
    # The community's own names for modules (焦我办, 北焦益家 …): data, not code.
    brand: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Settings residents feel: how many people may bind to one flat, and so on.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class Grid(db.Model):
    """网格: a set of buildings looked after by one or more grid workers."""

    __tablename__ = "grid"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class GridWorker(db.Model):
    """A grid worker's assignment to a grid (one person may look after several)."""

    __tablename__ = "grid_worker"
    __table_args__ = (
        UniqueConstraint("grid_id", "user_id"),
        Index("ix_grid_worker_community_user", "community_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Building(db.Model):
    """楼栋, known by the code residents use ("3" for 3号楼); belongs to at most one grid."""

    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("community_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Unit(db.Model):
    """单元: a stairwell of a building."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("building_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    code: Mapped[str] = mapped_column(String(8))


class HouseholdStatus(StrEnum):
    OCCUPIED = "occupied"
    VACANT = "vacant"


class Household(db.Model):
    """户: one flat and its current lease; ``flat`` reads "楼栋-单元-房号", e.g. "3-2-1502"."""

    __tablename__ = "household"
    __table_args__ = (
        UniqueConstraint("community_id", "flat"),
        Index("ix_household_building_status", "building_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    room: Mapped[str] = mapped_column(String(8))
    flat: Mapped[str] = mapped_column(String(32))
    status: Mapped[HouseholdStatus] = mapped_column(
        string_enum(HouseholdStatus, 32), default=HouseholdStatus.VACANT
    )
    lease_number: Mapped[str | None] = mapped_column(String(32))
    lease_start: Mapped[date | None] = mapped_column(Date)
    lease_end: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class OccupantRelation(StrEnum):
    PRIMARY_TENANT = "primary_tenant"  # 承租人
    CO_RESIDENT = "co_resident"  # 同住人


class Occupant(db.Model):
    """A person registered on a household's lease; name and phone are kept only encrypted.

    ``*_hash`` are keyed hashes for look-ups (binding by phone, matching a claimed name);
    ``*_masked`` are what staff see without a recorded reveal.
    """

    __tablename__ = "occupant"
    __table_args__ = (
        Index("ix_occupant_community_phone_hash", "community_id", "phone_hash"),
        Index("ix_occupant_household_active", "household_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    relation: Mapped[OccupantRelation] = mapped_column(string_enum(OccupantRelation, 32))
    name_cipher: Mapped[bytes] = mapped_column(VARBINARY(255))
    name_hash: Mapped[str] = mapped_column(String(64))
    name_masked: Mapped[str] = mapped_column(String(64))
    phone_cipher: Mapped[bytes | None] = mapped_column(VARBINARY(255))
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class OrganisationKind(StrEnum):
    """The parties of the paper's joint governance, plus room for more."""

    PARTY_BRANCH = "party_branch"  # 社区党总支
    HOUSING_CENTRE = "housing_centre"  # 保障房中心
    PROPERTY_COMPANY = "property_company"  # 物业公司
    MAINTENANCE_CONTRACTOR = "maintenance_contractor"  # 维保单位
    POLICE_STATION = "police_station"  # 派出所
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    MERCHANT_ALLIANCE = "merchant_alliance"  # 商圈联盟 / 商户代表
    RESIDENT_REPRESENTATIVES = "resident_representatives"  # 居民代表
    OTHER = "other"


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    kind: Mapped[OrganisationKind] = mapped_column(string_enum(OrganisationKind, 32))
    name: Mapped[str] = mapped_column(String(64))
    # A service number the organisation publishes (not a person's): shown as is.
    service_phone: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class OrganisationStaff(db.Model):
    __tablename__ = "organisation_staff"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id"),
        Index("ix_organisation_staff_community_user", "community_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Shop(db.Model):
    """商铺 in the community's commercial space; merchants join the alliance later."""

    __tablename__ = "shop"
    __table_args__ = (UniqueConstraint("community_id", "unit_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"))
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"))
    unit_label: Mapped[str] = mapped_column(String(32))  # e.g. "商业楼A-105"
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
