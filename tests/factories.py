"""factory_boy factories; they flush into the test's session and never commit."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounts.models import Membership, User, WeChatIdentity
from app.community.models import Community
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
