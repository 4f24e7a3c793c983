"""Two first logins of one WeChat user at the same moment, committed for real: both succeed."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from sqlalchemy import delete, select

from app.accounts.models import Membership, MembershipRole, User, WeChatIdentity
from app.accounts.services import login as login_services
from app.community.models import Community
from app.extensions import db
from tests.factories import CommunityFactory

SLUG = "race-community"


@pytest.fixture
def committed_community(app, redis_client):
    """A committed community; it and every account that logged in to it are removed after."""
    with app.app_context():
        community = CommunityFactory(slug=SLUG)
        db.session.commit()
        community_id = community.id
    yield community_id
    with app.app_context():
        user_ids = db.session.scalars(
            select(Membership.user_id).where(Membership.community_id == community_id)
        ).all()
        memberships = select(Membership.id).where(Membership.community_id == community_id)
        db.session.execute(
            delete(MembershipRole).where(MembershipRole.membership_id.in_(memberships))
        )
        db.session.execute(delete(Membership).where(Membership.community_id == community_id))
        db.session.execute(delete(WeChatIdentity).where(WeChatIdentity.user_id.in_(user_ids)))
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
        db.session.execute(delete(Community).where(Community.id == community_id))
        db.session.commit()


def test_two_simultaneous_first_logins_both_get_a_token_and_one_user(
    app, wechat, committed_community, monkeypatch
):
    codes = []
    for _ in range(2):
        answer = requests.post(
            wechat.url + "__emulator__/login_codes", json={"openid": "o_race_twice"}, timeout=5
        ).json()
        codes.append(answer["code"])
    find_identity = login_services._find_identity

    def slow_find_identity(*args, **kwargs):
        found = find_identity(*args, **kwargs)
        if not kwargs.get("lock"):
            time.sleep(0.1)  # both requests see "no such person" before either inserts
        return found

    monkeypatch.setattr(login_services, "_find_identity", slow_find_identity)
    start, answers = threading.Barrier(2), []

    def log_in(code: str) -> None:
        client = app.test_client()
        start.wait()
        answers.append(client.post("/api/v1/auth/login", json={"code": code, "community": SLUG}))

    threads = [threading.Thread(target=log_in, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json["user"]["id"] == answers[1].json["user"]["id"]
    with app.app_context():
        identities = db.session.scalars(
            select(WeChatIdentity).where(WeChatIdentity.openid == "o_race_twice")
        ).all()
    assert len(identities) == 1
