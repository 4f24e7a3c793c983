"""Staff manage partner organisations, their staff and shops."""

from __future__ import annotations

from tests.factories import CommunityFactory


def test_admin_creates_an_organisation_of_each_kind(admin):
    kinds = [
        "party_branch",
        "housing_centre",
        "property_company",
        "maintenance_contractor",
        "police_station",
        "social_organisation",
        "merchant_alliance",
        "resident_representatives",
    ]
    for i, kind in enumerate(kinds):
        response = admin.post(
            "/api/v1/admin/organisations",
            json={"kind": kind, "name": f"单位{i}", "service_phone": "010-80001234"},
        )
        assert response.status_code == 201, kind

    listed = admin.get("/api/v1/admin/organisations").json
    assert sorted(o["kind"] for o in listed) == sorted(kinds)
    assert admin.get("/api/v1/admin/organisations?kind=police_station").json[0]["name"] == "单位4"


def test_an_unknown_kind_is_refused(admin):
    response = admin.post("/api/v1/admin/organisations", json={"kind": "bank", "name": "某银行"})

    assert response.status_code == 422
    assert "kind" in response.json["errors"]


def test_organisation_staff_get_and_lose_the_role(admin, wechat_user):
    person = wechat_user()
    person.log_in()
    user_id = person.get("/api/v1/me").json["id"]
    org = admin.post(
        "/api/v1/admin/organisations", json={"kind": "property_company", "name": "北焦物业"}
    ).json["id"]

    added = admin.post(
        f"/api/v1/admin/organisations/{org}/staff", json={"user_id": user_id, "title": "客服"}
    )
    assert added.status_code == 200
    assert person.get("/api/v1/me").json["roles"] == ["org_staff"]
    assert admin.get(f"/api/v1/admin/organisations/{org}/staff").json[0]["title"] == "客服"

    admin.client.delete(f"/api/v1/admin/organisations/{org}/staff/{user_id}", headers=admin.headers)
    assert person.get("/api/v1/me").json["roles"] == []


def test_renaming_an_organisation_onto_another_name_is_refused(admin):
    admin.post("/api/v1/admin/organisations", json={"kind": "other", "name": "甲"})
    second = admin.post("/api/v1/admin/organisations", json={"kind": "other", "name": "乙"}).json

    response = admin.client.patch(
        f"/api/v1/admin/organisations/{second['id']}", json={"name": "甲"}, headers=admin.headers
    )

    assert response.status_code == 409
    assert response.json["reason"] == "organisation_name_taken"


def test_another_communitys_organisation_is_not_found(admin, make_staff):
    CommunityFactory(slug="shuangjing")
    outsider = make_staff("admin", "shuangjing")
    org = admin.post("/api/v1/admin/organisations", json={"kind": "other", "name": "甲"}).json

    response = outsider.client.patch(
        f"/api/v1/admin/organisations/{org['id']}", json={"name": "乙"}, headers=outsider.headers
    )

    assert response.status_code == 404
    assert outsider.get("/api/v1/admin/organisations").json == []


def test_shops_are_listed_by_category(admin):
    admin.post(
        "/api/v1/admin/shops", json={"unit_label": "S1-101", "name": "焦点咖啡", "category": "咖啡"}
    )
    admin.post(
        "/api/v1/admin/shops",
        json={"unit_label": "S1-102", "name": "小焦超市", "category": "便利店"},
    )

    page = admin.get("/api/v1/admin/shops?category=咖啡").json

    assert page["total"] == 1
    assert page["items"][0]["name"] == "焦点咖啡"
    duplicate = admin.post(
        "/api/v1/admin/shops", json={"unit_label": "S1-101", "name": "又一家", "category": "餐饮"}
    )
    assert duplicate.status_code == 409
