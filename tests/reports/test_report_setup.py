"""Report settings: the default categories and their routing, staff editing categories, and
reply templates per status."""

from __future__ import annotations

from sqlalchemy import select

from app.community.models import Organisation, OrganisationKind
from app.demo import seed_report_setup
from app.demo.parties import create_organisations
from app.reports.models import Report, ReportCategory, ReportReplyTemplate
from app.reports.services import DEFAULT_CATEGORIES, seed_default_categories
from tests.factories import CommunityFactory, OrganisationFactory
from tests.reports.conftest import file_report


def _categories(db, community_id) -> dict[str, ReportCategory]:
    return {
        c.code: c
        for c in db.session.scalars(
            select(ReportCategory).where(ReportCategory.community_id == community_id)
        )
    }


def test_the_defaults_route_to_the_first_present_kind_and_run_once(db):
    community = CommunityFactory()
    company = OrganisationFactory(community_id=community.id)
    branch = OrganisationFactory(
        community_id=community.id, kind=OrganisationKind.PARTY_BRANCH, name="党总支"
    )
    by_kind = {
        OrganisationKind.PROPERTY_COMPANY: company.id,
        OrganisationKind.PARTY_BRANCH: branch.id,
    }

    added = seed_default_categories(community.id, by_kind)
    again = seed_default_categories(community.id, by_kind)

    categories = _categories(db, community.id)
    assert len(added) == len(DEFAULT_CATEGORIES) == len(categories) == 12 and again == []
    assert categories["lift"].organisation_id == company.id  # no lift company: the fallback
    assert categories["safety_hazard"].organisation_id == company.id
    assert categories["neighbour_dispute"].organisation_id == branch.id
    assert categories["other"].organisation_id is None
    assert {c for c, v in categories.items() if not v.is_public} == {
        "noise",
        "water_electricity",
        "neighbour_dispute",
        "other",
    }


def test_the_demo_routes_lifts_to_the_lift_company_and_hazards_to_the_police(db):
    community = CommunityFactory()

    seed_report_setup(community.id, create_organisations(community.id))

    categories = _categories(db, community.id)
    names = {code: c.organisation_id for code, c in categories.items()}
    by_id = {o.id: o.name for o in db.session.scalars(select(Organisation))}
    assert by_id[names["lift"]] == "北京安达电梯维保工程有限公司"
    assert by_id[names["safety_hazard"]] == "垡头派出所北焦社区警务室"
    assert by_id[names["street_light"]] == "北京焦园物业服务有限公司"
    replies = db.session.scalars(
        select(ReportReplyTemplate).where(ReportReplyTemplate.community_id == community.id)
    ).all()
    assert len(replies) == 4


def test_residents_see_the_active_categories(db, town):
    town.categories["other"].is_active = False
    db.session.flush()

    items = town.reporter.get("/api/v1/reports/categories").json["items"]

    assert [i["code"] for i in items][:3] == ["street_light", "footpath", "bike_shed"]
    assert "other" not in {i["code"] for i in items}
    assert "organisation_id" not in items[0]


def test_an_admin_adds_a_category_once(db, town):
    body = {
        "code": "parking",
        "name": "停车",
        "response_hours": 24,
        "resolution_hours": 72,
        "is_public": True,
        "organisation_id": town.property_company.id,
    }

    created = town.admin.post("/api/v1/admin/report-setup/categories", json=body)
    again = town.admin.post("/api/v1/admin/report-setup/categories", json=body)

    assert (
        created.status_code == 201 and created.json["organisation_id"] == town.property_company.id
    )
    assert (again.status_code, again.json["reason"]) == (409, "report_category_code_taken")
    assert (
        town.grid_worker.post("/api/v1/admin/report-setup/categories", json=body).status_code == 403
    )


def test_deadlines_out_of_order_or_an_unknown_organisation_are_422(db, town):
    category_id = town.categories["footpath"].id
    url = f"/api/v1/admin/report-setup/categories/{category_id}"

    assert (
        town.admin.client.patch(
            url, json={"response_hours": 100, "resolution_hours": 10}, headers=town.admin.headers
        ).status_code
        == 422
    )
    response = town.admin.client.patch(
        url, json={"organisation_id": 99999}, headers=town.admin.headers
    )
    assert (response.status_code, response.json["reason"]) == (422, "report_organisation_invalid")


def test_making_a_category_private_takes_its_reports_off_the_public_list(db, town):
    report_id = file_report(town.reporter, town).json["id"]
    url = f"/api/v1/admin/report-setup/categories/{town.categories['street_light'].id}"

    response = town.admin.client.patch(url, json={"is_public": False}, headers=town.admin.headers)

    assert response.json["is_public"] is False
    report = db.session.get(Report, report_id, populate_existing=True)
    assert (report.is_public, report.listed) == (False, False)
    assert town.neighbour.get(f"/api/v1/reports/{report_id}").status_code == 404


def test_reply_templates_are_kept_by_admins_and_used_by_all_staff(db, town):
    admin = town.admin
    created = admin.post(
        "/api/v1/admin/report-setup/replies",
        json={"status": "resolved", "title": "已更换", "body": "已更换灯泡，恢复照明。"},
    )
    reply_id = created.json["id"]
    admin.client.patch(
        f"/api/v1/admin/report-setup/replies/{reply_id}",
        json={"title": "已维修"},
        headers=admin.headers,
    )

    listed = town.property_staff.get("/api/v1/admin/report-setup/replies?status=resolved").json
    assert [(r["title"], r["status"]) for r in listed["items"]] == [("已维修", "resolved")]
    assert (
        town.property_staff.post(
            "/api/v1/admin/report-setup/replies",
            json={"status": "resolved", "title": "x", "body": "y"},
        ).status_code
        == 403
    )
    deleted = admin.client.delete(
        f"/api/v1/admin/report-setup/replies/{reply_id}", headers=admin.headers
    )
    assert deleted.status_code == 204
    assert town.grid_worker.get("/api/v1/admin/report-setup/replies").json["items"] == []
