"""Staff see households masked, grid workers only in their own grids, and reveals are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.community.models import GridWorker
from app.core.audit import AuditEntry
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    GridFactory,
    HouseholdFactory,
    OccupantFactory,
)


@pytest.fixture
def two_grids(db, community):
    """Grid A with building 1 (a household of 张三), grid B with building 2 (李四)."""
    grid_a = GridFactory(community_id=community.id, name="A")
    grid_b = GridFactory(community_id=community.id, name="B")
    b1 = BuildingFactory(community_id=community.id, code="1", grid_id=grid_a.id)
    b2 = BuildingFactory(community_id=community.id, code="2", grid_id=grid_b.id)
    h1, h2 = HouseholdFactory(building=b1), HouseholdFactory(building=b2)
    o1 = OccupantFactory(household=h1, name="张三", phone="13811112222")
    o2 = OccupantFactory(household=h2, name="李四", phone="13833334444")
    return {"grid_a": grid_a, "grid_b": grid_b, "h1": h1, "h2": h2, "o1": o1, "o2": o2}


@pytest.fixture
def worker_of_a(make_staff, two_grids, community, db):
    worker = make_staff("grid_worker")
    db.session.add(
        GridWorker(
            community_id=community.id, grid_id=two_grids["grid_a"].id, user_id=worker.user_id
        )
    )
    db.session.flush()
    return worker


def test_a_grid_worker_lists_only_households_of_their_grids(worker_of_a, two_grids):
    response = worker_of_a.get("/api/v1/admin/households")

    assert response.status_code == 200
    assert [h["id"] for h in response.json["items"]] == [two_grids["h1"].id]
    assert response.json["total"] == 1


def test_an_admin_lists_every_household_with_filters(admin, two_grids):
    everything = admin.get("/api/v1/admin/households").json
    grid_b = admin.get(f"/api/v1/admin/households?grid_id={two_grids['grid_b'].id}").json

    assert everything["total"] == 2
    assert [h["id"] for h in grid_b["items"]] == [two_grids["h2"].id]


def test_household_detail_shows_occupants_masked(worker_of_a, two_grids):
    response = worker_of_a.get(f"/api/v1/admin/households/{two_grids['h1'].id}")

    assert response.status_code == 200
    (occupant,) = response.json["occupants"]
    assert occupant == {
        "id": two_grids["o1"].id,
        "relation": "primary_tenant",
        "name": "张*",
        "phone": "138****2222",
    }
    assert "13811112222" not in response.get_data(as_text=True)


def test_a_grid_worker_cannot_open_a_household_of_another_grid(worker_of_a, two_grids):
    response = worker_of_a.get(f"/api/v1/admin/households/{two_grids['h2'].id}")

    assert response.status_code == 403
    assert response.json["reason"] == "not_your_grid"


def test_a_reveal_answers_in_clear_and_is_audited_with_its_reason(worker_of_a, two_grids, db):
    response = worker_of_a.post(
        f"/api/v1/admin/occupants/{two_grids['o1'].id}/reveal", json={"reason": "电梯停运上门通知"}
    )

    assert response.status_code == 200
    assert (response.json["name"], response.json["phone"]) == ("张三", "13811112222")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "occupant.reveal"))
    assert entry.actor_user_id == worker_of_a.user_id
    assert entry.object_id == str(two_grids["o1"].id)
    assert entry.reason == "电梯停运上门通知"


def test_a_reveal_needs_a_reason(worker_of_a, two_grids):
    response = worker_of_a.post(f"/api/v1/admin/occupants/{two_grids['o1'].id}/reveal", json={})

    assert response.status_code == 422
    assert "reason" in response.json["errors"]


def test_a_reveal_outside_ones_grids_is_refused_and_not_audited(worker_of_a, two_grids, db):
    response = worker_of_a.post(
        f"/api/v1/admin/occupants/{two_grids['o2'].id}/reveal", json={"reason": "好奇"}
    )

    assert response.status_code == 403
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "occupant.reveal")) is None
    )


def test_residents_and_organisation_staff_cannot_see_households(resident, make_staff, two_grids):
    staff = make_staff("org_staff")
    for person in (resident, staff):
        assert person.get("/api/v1/admin/households").status_code == 403
        assert person.get(f"/api/v1/admin/households/{two_grids['h1'].id}").status_code == 403


def test_another_communitys_admin_sees_none_of_these_rows(make_staff, two_grids, db):
    CommunityFactory(slug="shuangjing")
    outsider = make_staff("admin", "shuangjing")

    assert outsider.get("/api/v1/admin/households").json["total"] == 0
    assert outsider.get(f"/api/v1/admin/households/{two_grids['h1'].id}").status_code == 404
    reveal = outsider.post(
        f"/api/v1/admin/occupants/{two_grids['o1'].id}/reveal", json={"reason": "核实"}
    )
    assert reveal.status_code == 404
    assert outsider.get("/api/v1/admin/grids").json == []
    assert outsider.get("/api/v1/admin/buildings").json == []
