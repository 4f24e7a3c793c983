"""factory_boy factories; they flush into the test's session and never commit."""

from __future__ import annotations

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from app.accounts.models import Membership, User, WeChatIdentity
from app.community.models import (
    Building,
    Community,
    Grid,
    Household,
    HouseholdStatus,
    Occupant,
    OccupantRelation,
    Organisation,
    OrganisationKind,
    Unit,
)
from app.community.personal_data import sealed_name, sealed_phone
from app.extensions import db


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 — the per-test session
        sqlalchemy_session_persistence = "flush"


class CommunityFactory(_Base):
    class Meta:
        model = Community

    slug = factory.Sequence(lambda n: f"community-{n}")
    name = factory.Sequence(lambda n: f"测试社区{n}")
    city = "北京市"
    brand = factory.LazyFunction(dict)


class UserFactory(_Base):
    class Meta:
        model = User

    nickname = factory.Sequence(lambda n: f"居民{n}")


class WeChatIdentityFactory(_Base):
    class Meta:
        model = WeChatIdentity

    user_id = factory.LazyFunction(lambda: UserFactory().id)
    appid = "wx_test_app"
    openid = factory.Sequence(lambda n: f"o_factory_{n:06d}")


class MembershipFactory(_Base):
    class Meta:
        model = Membership

    user_id = factory.LazyFunction(lambda: UserFactory().id)
    community_id = factory.LazyFunction(lambda: CommunityFactory().id)


class GridFactory(_Base):
    class Meta:
        model = Grid

    name = factory.Sequence(lambda n: f"第{n}网格")


class BuildingFactory(_Base):
    class Meta:
        model = Building

    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.LazyAttribute(lambda b: f"{b.code}号楼")


class UnitFactory(_Base):
    class Meta:
        model = Unit

    code = "1"


class HouseholdFactory(_Base):
    """An occupied flat; pass ``building`` (a Building) and optionally ``unit_code``/``room``."""

    class Meta:
        model = Household
        exclude = ("building", "unit_code")

    building = None
    unit_code = "1"
    room = factory.Sequence(lambda n: f"{1 + n // 4:02d}{1 + n % 4:02d}")
    community_id = factory.LazyAttribute(lambda h: h.building.community_id)
    building_id = factory.LazyAttribute(lambda h: h.building.id)
    unit_id = factory.LazyAttribute(lambda h: _unit_for(h.building, h.unit_code).id)
    flat = factory.LazyAttribute(lambda h: f"{h.building.code}-{h.unit_code}-{h.room}")
    status = HouseholdStatus.OCCUPIED
    lease_number = factory.Sequence(lambda n: f"GZF-{n:06d}")
    lease_start = date(2024, 1, 1)
    lease_end = date(2027, 12, 31)


def _unit_for(building: Building, code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.building_id == building.id, Unit.code == code))
    return unit or UnitFactory(
        community_id=building.community_id, building_id=building.id, code=code
    )


class OccupantFactory(_Base):
    """A roster entry; pass ``household`` and optionally ``name``/``phone`` in clear."""

    class Meta:
        model = Occupant
        exclude = ("household", "name", "phone")

    household = None
    name = "张三"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    community_id = factory.LazyAttribute(lambda o: o.household.community_id)
    household_id = factory.LazyAttribute(lambda o: o.household.id)
    relation = OccupantRelation.PRIMARY_TENANT
    name_cipher = factory.LazyAttribute(lambda o: sealed_name(o.name)["name_cipher"])
    name_hash = factory.LazyAttribute(lambda o: sealed_name(o.name)["name_hash"])
    name_masked = factory.LazyAttribute(lambda o: sealed_name(o.name)["name_masked"])
    phone_cipher = factory.LazyAttribute(lambda o: sealed_phone(o.phone)["phone_cipher"])
    phone_hash = factory.LazyAttribute(lambda o: sealed_phone(o.phone)["phone_hash"])
    phone_masked = factory.LazyAttribute(lambda o: sealed_phone(o.phone)["phone_masked"])


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    kind = OrganisationKind.PROPERTY_COMPANY
    name = factory.Sequence(lambda n: f"物业公司{n}")
