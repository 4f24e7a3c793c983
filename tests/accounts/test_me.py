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


def test_a_used_phone_code_is_refused(resident):
    code = resident.phone_code("13812341234")
    resident.post("/api/v1/me/phone", json={"code": code})

    response = resident.post("/api/v1/me/phone", json={"code": code})

    assert response.status_code == 401
    assert response.json["reason"] == "wechat_code_invalid"


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
