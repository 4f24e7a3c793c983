"""WeChat login, tokens and sessions through the HTTP API, against the emulator and real Redis."""

from __future__ import annotations

import requests
from sqlalchemy import func, select

from app.accounts.models import Membership, User, WeChatIdentity


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fault(emulator, **rule) -> None:
    requests.post(emulator.url + "__emulator__/faults", json=rule, timeout=5).raise_for_status()


def test_login_creates_the_user_and_answers_our_own_token(wechat_user, community, db):
    person = wechat_user()

    response = person.log_in()

    assert response.status_code == 200
    body = response.json
    assert len(body["token"]) >= 40
    assert body["user"]["community"]["slug"] == "beijiao"
    assert body["user"]["roles"] == []
    assert body["user"]["phone"] is None
    identity = db.session.scalar(
        select(WeChatIdentity).where(WeChatIdentity.openid == person.openid)
    )
    assert identity.user_id == body["user"]["id"]


def test_logging_in_again_finds_the_same_user(wechat_user, community, db):
    person = wechat_user()
    first = person.log_in().json["user"]["id"]

    second = person.log_in().json["user"]["id"]

    assert first == second
    assert _count(db, User) == 1
    assert _count(db, Membership) == 1


def test_token_opens_me(resident):
    response = resident.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json["community"]["slug"] == "beijiao"


def test_reused_code_is_refused(wechat_user, community, client):
    person = wechat_user()
    code = person.login_code()
    assert (
        client.post("/api/v1/auth/login", json={"code": code, "community": "beijiao"}).status_code
        == 200
    )

    response = client.post("/api/v1/auth/login", json={"code": code, "community": "beijiao"})

    assert response.status_code == 401
    assert response.json["reason"] == "wechat_code_used"


def test_invalid_code_is_refused_with_its_own_reason(client, community, wechat):
    response = client.post(
        "/api/v1/auth/login", json={"code": "not-a-code", "community": "beijiao"}
    )

    assert response.status_code == 401
    assert response.json["reason"] == "wechat_code_invalid"
    assert response.json["message"]


def test_wechat_down_answers_503_and_writes_no_user(wechat_user, community, db):
    person = wechat_user()
    _fault(person.emulator, path="sns/jscode2session", kind="http", status=502, count=1)

    response = person.log_in()

    assert response.status_code == 503
    assert response.json["reason"] == "wechat_unavailable"
    assert _count(db, User) == 0


def test_wechat_timing_out_answers_503_and_writes_no_user(wechat_user, community, db):
    person = wechat_user()
    _fault(person.emulator, path="sns/jscode2session", kind="slow", delay=2.5, count=1)

    response = person.log_in()

    assert response.status_code == 503
    assert response.json["reason"] == "wechat_unavailable"
    assert _count(db, User) == 0


def test_wechat_unreachable_answers_503(community, db):
    from app import create_app
    from tests.conftest import settings_for

    closed = create_app("testing", overrides=settings_for("http://127.0.0.1:9/"))
    response = closed.test_client().post(
        "/api/v1/auth/login", json={"code": "whatever", "community": "beijiao"}
    )

    assert response.status_code == 503
    assert response.json["reason"] == "wechat_unavailable"


def test_logout_revokes_the_token(resident):
    assert resident.post("/api/v1/auth/logout").status_code == 204

    response = resident.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json["reason"] == "token_invalid"


def test_expired_token_is_refused(resident, redis_client):
    for key in redis_client.scan_iter("linli:session:*"):
        redis_client.hset(key, "x", 1)  # an expiry in 1970

    response = resident.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json["reason"] == "token_invalid"


def test_token_gone_from_redis_is_refused(resident, redis_client):
    for key in redis_client.scan_iter("linli:session:*"):
        redis_client.delete(key)

    assert resident.get("/api/v1/me").status_code == 401


def test_missing_or_malformed_authorization_is_refused(client, db):
    for header in ({}, {"Authorization": "Token abc"}, {"Authorization": "Bearer "}):
        response = client.get("/api/v1/me", headers=header)
        assert response.status_code == 401
        assert response.json["reason"] == "unauthenticated"


def test_unknown_community_is_refused(wechat_user, community):
    response = wechat_user().log_in(community="nowhere")

    assert response.status_code == 404
    assert response.json["reason"] == "community_not_found"


def test_first_login_without_a_community_asks_for_one(wechat_user, community):
    response = wechat_user().log_in(community=None)

    assert response.status_code == 422
    assert response.json["reason"] == "community_required"


def test_later_logins_return_to_the_last_community(wechat_user, community):
    person = wechat_user()
    person.log_in()

    response = person.log_in(community=None)

    assert response.status_code == 200
    assert response.json["user"]["community"]["slug"] == "beijiao"
