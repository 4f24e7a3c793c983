"""Fixtures of the subscriptions tests: the community's templates and people with openids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.auth import Actor
from app.subscriptions.models import SubscribeCredit, SubscribeTemplate, TemplatePurpose
from tests.conftest import TEST_APP_ID
from tests.factories import MembershipFactory, UserFactory, WeChatIdentityFactory

NOTICE_ID, REPORT_ID, REMINDER_ID = "tmpl_notice", "tmpl_report", "tmpl_reminder"


def make_template(community_id, purpose, template_id, long_term=False) -> SubscribeTemplate:
    from app.extensions import db

    template = SubscribeTemplate(
        community_id=community_id,
        purpose=purpose,
        template_id=template_id,
        title=f"{purpose.value} 模板",
        fields={"thing1": "thing"},
        mapping={"thing1": "title"},
        page="pages/index/index",
        long_term=long_term,
    )
    db.session.add(template)
    db.session.flush()
    return template


@pytest.fixture
def templates(db, community) -> dict[str, SubscribeTemplate]:
    return {
        "notice": make_template(community.id, TemplatePurpose.NOTICE, NOTICE_ID),
        "report": make_template(community.id, TemplatePurpose.REPORT_UPDATE, REPORT_ID),
        "reminder": make_template(
            community.id, TemplatePurpose.ACTIVITY_REMINDER, REMINDER_ID, long_term=True
        ),
    }


@pytest.fixture
def member(db, community):
    """``member()``: an Actor (no roles) with an openid in the test app; ``.openid`` attached."""

    def make() -> Actor:
        user = UserFactory()
        MembershipFactory(user_id=user.id, community_id=community.id)
        identity = WeChatIdentityFactory(user_id=user.id, appid=TEST_APP_ID)
        actor = Actor(user.id, community.id, frozenset(), "session")
        object.__setattr__(actor, "openid", identity.openid)
        return actor

    return make


def credit(db, user_id: int, template_id: str) -> tuple[int, str | None] | None:
    row = db.session.execute(
        select(SubscribeCredit.count, SubscribeCredit.last_status).where(
            SubscribeCredit.user_id == user_id, SubscribeCredit.template_id == template_id
        )
    ).first()
    return None if row is None else tuple(row)
