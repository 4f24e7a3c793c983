"""Staff manage buildings, grids and grid workers; residents cannot."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.audit import AuditEntry
from tests.factories import BuildingFactory, CommunityFactory


def _audit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_admin_creates_a_grid_and_gives_it_buildings(admin, community, db):
    b1 = BuildingFactory(community_id=community.id)
    b2 = BuildingFactory(community_id=community.id)

    grid = admin.post("/api/v1/admin/grids", json={"name": "第一网格"})
    response = admin.client.put(
        f"/api/v1/admin/grids/{grid.json['id']}/buildings",
        json={"building_ids": [b1.id, b2.id]},
        headers=admin.headers,
    )

    assert grid.status_code == 201
    assert response.status_code == 200
    assert sorted(response.json["building_ids"]) == sorted([b1.id, b2.id])


def test_a_building_moves_out_of_its_old_grid(admin, community, db):
    building = BuildingFactory(community_id=community.id)
    first = admin.post("/api/v1/admin/grids", json={"name": "一"}).json["id"]
    second = admin.post("/api/v1/admin/grids", json={"name": "二"}).json["id"]
    put = admin.client.put
    put(
        f"/api/v1/admin/grids/{first}/buildings",
        json={"building_ids": [building.id]},
        headers=admin.headers,
    )

    put(
        f"/api/v1/admin/grids/{second}/buildings",
        json={"building_ids": [building.id]},
        headers=admin.headers,
    )

    grids = {g["id"]: g for g in admin.get("/api/v1/admin/grids").json}
    assert grids[first]["building_ids"] == []
    assert grids[second]["building_ids"] == [building.id]


def test_buildings_of_another_community_cannot_join_a_grid(admin, community, db):
    foreign = BuildingFactory(community_id=CommunityFactory().id)
    grid = admin.post("/api/v1/admin/grids", json={"name": "一"}).json["id"]

    response = admin.client.put(
        f"/api/v1/admin/grids/{grid}/buildings",
        json={"building_ids": [foreign.id]},
        headers=admin.headers,
    )

    assert response.status_code == 422
    assert response.json["reason"] == "unknown_buildings"


def test_assigning_a_grid_worker_grants_the_role_and_removing_the_last_grid_revokes_it(
    admin, wechat_user, community, db
):
    worker = wechat_user()
    worker.log_in()
    worker_id = worker.get("/api/v1/me").json["id"]
    grid = admin.post("/api/v1/admin/grids", json={"name": "一"}).json["id"]

    assigned = admin.post(f"/api/v1/admin/grids/{grid}/workers", json={"user_id": worker_id})
    assert assigned.json["worker_user_ids"] == [worker_id]
    assert worker.get("/api/v1/me").json["roles"] == ["grid_worker"]

    removed = admin.client.delete(
        f"/api/v1/admin/grids/{grid}/workers/{worker_id}", headers=admin.headers
    )
    assert removed.status_code == 204
    assert worker.get("/api/v1/me").json["roles"] == []


def test_only_members_can_become_grid_workers(admin, community, db):
    from tests.factories import UserFactory

    grid = admin.post("/api/v1/admin/grids", json={"name": "一"}).json["id"]
    outsider = UserFactory()

    response = admin.post(f"/api/v1/admin/grids/{grid}/workers", json={"user_id": outsider.id})

    assert response.status_code == 422
    assert response.json["reason"] == "not_a_member"


def test_residents_cannot_manage_grids(resident):
    response = resident.post("/api/v1/admin/grids", json={"name": "一"})

    assert response.status_code == 403
    assert response.json["reason"] == "role_required"


def test_grid_names_are_unique_per_community(admin):
    admin.post("/api/v1/admin/grids", json={"name": "一"})

    response = admin.post("/api/v1/admin/grids", json={"name": "一"})

    assert response.status_code == 409
    assert response.json["reason"] == "grid_name_taken"


def test_every_staff_write_leaves_one_audit_row(admin, wechat_user, community, db):
    worker = wechat_user()
    worker.log_in()
    worker_id = worker.get("/api/v1/me").json["id"]
    before = _audit_count(db)

    building = admin.post("/api/v1/admin/buildings", json={"code": "7", "name": "7号楼"}).json
    grid = admin.post("/api/v1/admin/grids", json={"name": "一"}).json["id"]
    admin.client.put(
        f"/api/v1/admin/grids/{grid}/buildings",
        json={"building_ids": [building["id"]]},
        headers=admin.headers,
    )
    admin.post(f"/api/v1/admin/grids/{grid}/workers", json={"user_id": worker_id})
    org = admin.post(
        "/api/v1/admin/organisations", json={"kind": "property_company", "name": "北焦物业"}
    ).json["id"]
    admin.post(f"/api/v1/admin/organisations/{org}/staff", json={"user_id": worker_id})
    admin.post(
        "/api/v1/admin/shops",
        json={"unit_label": "S1-101", "name": "小焦便利店", "category": "便利店"},
    )

    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.id > 0).order_by(AuditEntry.id)
    ).all()[before:]
    # Seven staff writes, plus the two roles they granted (each role grant is audited too).
    assert actions == [
        "building.create",
        "grid.create",
        "grid.set_buildings",
        "grid.assign_worker",
        "role.grant",
        "organisation.create",
        "organisation.add_staff",
        "role.grant",
        "shop.create",
    ]
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()[before:]
    assert {e.actor_user_id for e in entries} == {admin.user_id}
    assert all(e.ip and e.request_id for e in entries)
