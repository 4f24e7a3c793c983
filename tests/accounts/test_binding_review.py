"""Staff decide residents' claims to flats: admins any, grid workers their grids', all audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import BindingMethod, HouseholdMember
from app.community.models import GridWorker, HouseholdStatus
from app.core.audit import AuditEntry
from tests.factories import BuildingFactory, GridFactory, HouseholdFactory, OccupantFactory

QUEUE = "/api/v1/admin/binding-requests"


@pytest.fixture
def grids(community):
    """Grid A holds building 3 (flat 3-2-1502, 张三 138…1234); grid B holds building 5."""
    grid_a = GridFactory(community_id=community.id, name="A")
    grid_b = GridFactory(community_id=community.id, name="B")
    b3 = BuildingFactory(community_id=community.id, code="3", grid_id=grid_a.id)
    b5 = BuildingFactory(community_id=community.id, code="5", grid_id=grid_b.id)
    flat = HouseholdFactory(building=b3, unit_code="2", room="1502")
    OccupantFactory(household=flat, name="张三", phone="13812341234")
    other = HouseholdFactory(building=b5, unit_code="1", room="0101")
    OccupantFactory(household=other, name="李四", phone="13955556666")
    return {"a": grid_a, "b": grid_b, "flat": flat, "other": other}


def claim(person, flat="3-2-1502", name="张三", last4="1234"):
    body = {"flat": flat, "name": name, "phone_last4": last4}
    response = person.post("/api/v1/me/households/claims", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def claimant(resident, grids):
    resident.post("/api/v1/me/phone", json={"code": resident.phone_code("13700009876")})
    resident.claim_id = claim(resident)
    return resident


@pytest.fixture
def worker_of_a(make_staff, grids, community, db):
    worker = make_staff("grid_worker")
    db.session.add(
        GridWorker(community_id=community.id, grid_id=grids["a"].id, user_id=worker.user_id)
    )
    db.session.flush()
    return worker


def audit_actions(db, actor):
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_user_id == actor.user_id).order_by(AuditEntry.id)
    )
    return [row.action for row in rows]


def test_an_admin_approves_a_claim_and_the_claimant_becomes_a_resident(admin, claimant, db):
    response = admin.post(f"{QUEUE}/{claimant.claim_id}/approve")

    assert response.status_code == 200
    assert response.json["status"] == "approved"
    assert claimant.get("/api/v1/me").json["roles"] == ["resident"]
    mine = claimant.get("/api/v1/me/households").json
    assert mine["claims"] == []
    assert [(b["flat"], b["method"]) for b in mine["bindings"]] == [("3-2-1502", "staff_approval")]
    assert audit_actions(db, admin) == ["role.grant", "binding_request.approve"]


def test_an_admin_rejects_a_claim_with_a_reason(admin, claimant, db):
    response = admin.post(
        f"{QUEUE}/{claimant.claim_id}/reject", json={"reason": "租户已确认非本户"}
    )

    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert response.json["decision_reason"] == "租户已确认非本户"
    assert claimant.get("/api/v1/me").json["roles"] == []
    assert claimant.get("/api/v1/me/households").json["claims"] == []
    (entry,) = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_user_id == admin.user_id)
    )
    assert (entry.action, entry.reason) == ("binding_request.reject", "租户已确认非本户")


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "长" * 256}])
def test_a_rejection_needs_a_reason_of_at_most_255_characters(admin, claimant, db, body):
    response = admin.post(f"{QUEUE}/{claimant.claim_id}/reject", json=body)

    assert response.status_code == 422
    assert "reason" in response.json["errors"]
    assert audit_actions(db, admin) == []


def test_the_queue_shows_pending_claims_with_personal_data_masked(admin, claimant):
    response = admin.get(QUEUE)

    assert response.status_code == 200
    assert (response.json["total"], response.json["page"]) == (1, 1)
    (item,) = response.json["items"]
    assert item["id"] == claimant.claim_id
    assert item["flat"] == "3-2-1502"
    assert item["claimant_phone"] == "137****9876"
    assert item["occupant_name"] == "张*"
    assert item["status"] == "pending"
    assert "张三" not in response.get_data(as_text=True)
    assert "13700009876" not in response.get_data(as_text=True)


def test_the_queue_filters_by_status(admin, claimant):
    admin.post(f"{QUEUE}/{claimant.claim_id}/reject", json={"reason": "信息不符"})

    assert admin.get(QUEUE).json["total"] == 0
    rejected = admin.get(QUEUE, query_string={"status": "rejected"}).json["items"]
    assert [i["id"] for i in rejected] == [claimant.claim_id]


def test_a_grid_worker_approves_in_their_grid_and_is_refused_outside_it(
    worker_of_a, claimant, wechat_user, db
):
    stranger = wechat_user()
    stranger.log_in()
    outside = claim(stranger, flat="5-1-0101", name="李四", last4="6666")

    listed = worker_of_a.get(QUEUE).json["items"]
    refused = worker_of_a.post(f"{QUEUE}/{outside}/approve")
    approved = worker_of_a.post(f"{QUEUE}/{claimant.claim_id}/approve")

    assert [i["id"] for i in listed] == [claimant.claim_id]
    assert refused.status_code == 403
    assert refused.json["reason"] == "not_your_grid"
    assert stranger.get("/api/v1/me").json["roles"] == []
    assert approved.status_code == 200
    assert claimant.get("/api/v1/me").json["roles"] == ["resident"]
    assert audit_actions(db, worker_of_a) == ["role.grant", "binding_request.approve"]


def test_residents_cannot_open_the_queue(claimant):
    assert claimant.get(QUEUE).json["reason"] == "role_required"
    assert claimant.post(f"{QUEUE}/{claimant.claim_id}/approve").status_code == 403


def test_deciding_a_decided_claim_is_refused(admin, claimant, db):
    admin.post(f"{QUEUE}/{claimant.claim_id}/approve")

    again = admin.post(f"{QUEUE}/{claimant.claim_id}/reject", json={"reason": "改变主意"})

    assert again.status_code == 409
    assert again.json["reason"] == "binding_request_decided"
    assert claimant.get("/api/v1/me").json["roles"] == ["resident"]
    assert audit_actions(db, admin) == ["role.grant", "binding_request.approve"]


def test_a_withdrawn_claim_cannot_be_approved(admin, claimant):
    claimant.client.delete(
        f"/api/v1/me/households/claims/{claimant.claim_id}", headers=claimant.headers
    )

    response = admin.post(f"{QUEUE}/{claimant.claim_id}/approve")

    assert response.json["reason"] == "binding_request_decided"


def test_another_communitys_staff_find_no_such_claim(make_staff, claimant, db):
    from tests.factories import CommunityFactory

    CommunityFactory(slug="shuangjing")
    outsider = make_staff("admin", "shuangjing")

    approve = outsider.post(f"{QUEUE}/{claimant.claim_id}/approve")
    reject = outsider.post(f"{QUEUE}/{claimant.claim_id}/reject", json={"reason": "不是本社区"})

    assert (approve.status_code, approve.json["reason"]) == (404, "binding_request_not_found")
    assert reject.status_code == 404
    assert outsider.get(QUEUE).json["total"] == 0
    assert audit_actions(db, outsider) == []


def test_approval_beyond_the_household_cap_is_refused(admin, claimant, wechat_user, community, db):
    community.settings = {"max_members_per_household": 1}
    first = wechat_user()
    first.log_in()
    first.post("/api/v1/me/phone", json={"code": first.phone_code("13812341234")})

    response = admin.post(f"{QUEUE}/{claimant.claim_id}/approve")

    assert response.status_code == 409
    assert response.json["reason"] == "household_full"
    assert claimant.get("/api/v1/me").json["roles"] == []
    assert admin.get(QUEUE).json["total"] == 1
    assert audit_actions(db, admin) == []


def test_a_claim_to_a_flat_that_fell_vacant_cannot_be_approved(admin, claimant, grids, db):
    grids["flat"].status = HouseholdStatus.VACANT
    db.session.flush()

    response = admin.post(f"{QUEUE}/{claimant.claim_id}/approve")

    assert response.status_code == 409
    assert response.json["reason"] == "household_vacant"


def test_approving_after_an_earlier_unbinding_reactivates_the_same_row(admin, claimant, db):
    admin.post(f"{QUEUE}/{claimant.claim_id}/approve")
    (binding,) = claimant.get("/api/v1/me/households").json["bindings"]
    claimant.client.delete(f"/api/v1/me/households/{binding['id']}", headers=claimant.headers)
    second = claim(claimant)

    admin.post(f"{QUEUE}/{second}/approve")

    rows = db.session.scalars(select(HouseholdMember)).all()
    assert [(r.id, r.is_active, r.method) for r in rows] == [
        (binding["id"], True, BindingMethod.STAFF_APPROVAL)
    ]
    assert claimant.get("/api/v1/me").json["roles"] == ["resident"]


def test_admins_list_members_with_masked_phones_and_roles(admin, wechat_user):
    person = wechat_user()
    person.log_in()
    person.post("/api/v1/me/phone", json={"code": person.phone_code("13722223333")})

    page = admin.get("/api/v1/admin/members").json
    grid_workers = admin.get("/api/v1/admin/members?role=grid_worker").json

    assert page["total"] == 2
    phones = {m["phone"] for m in page["items"]}
    assert "137****3333" in phones
    assert "13722223333" not in str(page)
    assert {tuple(m["roles"]) for m in page["items"]} == {("admin",), ()}
    assert grid_workers["total"] == 0


def test_only_admins_list_members(make_staff):
    assert make_staff("grid_worker").get("/api/v1/admin/members").status_code == 403


def test_a_grid_worker_cannot_approve_their_own_claim(worker_of_a, grids):
    own = claim(worker_of_a)

    response = worker_of_a.post(f"{QUEUE}/{own}/approve")

    assert response.status_code == 403
    assert response.json["reason"] == "own_claim"
    assert "resident" not in worker_of_a.get("/api/v1/me").json["roles"]


def test_a_claim_whose_tenant_left_the_roster_cannot_be_approved(admin, claimant, db):
    from app.community.models import Occupant

    for occupant in db.session.scalars(select(Occupant)):
        occupant.is_active = False
    db.session.flush()

    response = admin.post(f"{QUEUE}/{claimant.claim_id}/approve")

    assert response.status_code == 409
    assert response.json["reason"] == "claim_outdated"
    assert claimant.get("/api/v1/me").json["roles"] == []
