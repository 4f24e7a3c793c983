"""The caller's own account: phone binding, masking, communities and roles."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.services.roles import grant_role
from app.core.audit import AuditEntry
from tests.factories import CommunityFactory


def test_binding_a_phone_stores_it_encrypted_and_shows_it_masked(resident, db):
    response = resident.post("/api/v1/me/phone", json={"code": resident.phone_code("13812341234")})

    assert response.status_code == 200
    assert response.json["phone"] == "138****1234"
    assert response.json["phone_bound"] is True
    user = db.session.get(User, response.json["id"])
    assert b"13812341234" not in user.phone_cipher
    assert user.phone_hash and "13812341234" not in user.phone_hash
    assert resident.get("/api/v1/me").json["phone"] == "138****1234"


def test_a_used_phone_code_is_refused_without_ending_the_login(resident):
    code = resident.phone_code("13812341234")
    resident.post("/api/v1/me/phone", json={"code": code})

    response = resident.post("/api/v1/me/phone", json={"code": code})

    # 422, not 401: the mini-program treats 401 as "log in again", but only the code was bad.
    assert response.status_code == 422
    assert response.json["reason"] == "wechat_code_invalid"
    assert resident.get("/api/v1/me").status_code == 200


def test_session_key_and_full_phone_appear_in_no_response_and_no_log(
    wechat_user, community, app, caplog, monkeypatch
):
    gateway = app.extensions["wechat"]
    session_keys = []
    real_exchange = gateway.code_to_session

    def spying_exchange(code):
        answer = real_exchange(code)
        session_keys.append(answer["session_key"])
        return answer

    monkeypatch.setattr(gateway, "code_to_session", spying_exchange)
    caplog.set_level("DEBUG")
    person = wechat_user()
    bodies = [person.log_in().data]
    bodies.append(
        person.post("/api/v1/me/phone", json={"code": person.phone_code("13912345678")}).data
    )
    bodies.append(person.get("/api/v1/me").data)

    assert session_keys, "the emulator must have handed out a session_key"
    for leak in [*session_keys, "13912345678"]:
        assert all(leak.encode() not in body for body in bodies)
        assert leak not in caplog.text
    assert all(b"session_key" not in body for body in bodies)


def test_switching_community_moves_the_token_and_joins_it(resident, db):
    CommunityFactory(slug="shuangjing", name="双井社区")

    response = resident.post("/api/v1/me/community", json={"community": "shuangjing"})

    assert response.status_code == 200
    assert response.json["community"]["slug"] == "shuangjing"
    assert resident.get("/api/v1/community").json["slug"] == "shuangjing"
    assert len(resident.get("/api/v1/me").json["memberships"]) == 2


def test_roles_are_per_community(resident, db, community):
    other = CommunityFactory(slug="shuangjing")
    me = resident.get("/api/v1/me").json
    grant_role(None, me["id"], other.id, Role.ADMIN, reason="test")

    assert resident.get("/api/v1/me").json["roles"] == []
    resident.post("/api/v1/me/community", json={"community": "shuangjing"})
    assert resident.get("/api/v1/me").json["roles"] == ["admin"]


def test_granting_a_role_is_audited_once(resident, db, community):
    user_id = resident.get("/api/v1/me").json["id"]

    grant_role(None, user_id, community.id, Role.GRID_WORKER, reason="任命")
    grant_role(None, user_id, community.id, Role.GRID_WORKER, reason="任命")

    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "role.grant")).all()
    assert len(entries) == 1
    assert json.loads(json.dumps(entries[0].detail)) == {"role": "grid_worker"}


def test_a_disabled_account_cannot_log_in_or_use_its_token(resident, db):
    user = db.session.get(User, resident.get("/api/v1/me").json["id"])
    user.is_active = False
    db.session.flush()

    assert resident.get("/api/v1/me").status_code == 401
    response = resident.log_in()
    assert response.status_code == 403
    assert response.json["reason"] == "account_disabled"


def test_tokens_stop_working_when_the_community_is_deactivated(resident, community, db):
    community.is_active = False
    db.session.flush()

    assert resident.get("/api/v1/me").status_code == 401


def test_switching_community_with_an_ended_session_does_not_revive_it(resident, db, redis_client):
    CommunityFactory(slug="shuangjing")
    for key in redis_client.scan_iter("linli:session:*"):
        redis_client.delete(key)

    response = resident.post("/api/v1/me/community", json={"community": "shuangjing"})

    assert response.status_code == 401
    assert list(redis_client.scan_iter("linli:session:*")) == []
