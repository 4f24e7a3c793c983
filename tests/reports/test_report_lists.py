"""The lists: mine, public (by category, status, building), a grid's, an organisation's, all."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.media.models import MediaFile, Moderation
from app.reports.models import Report
from tests.factories import CommunityFactory
from tests.media import images
from tests.media.media_support import upload
from tests.reports.conftest import file_report, step


@pytest.fixture
def filed(db, town):
    """Street light (b1), footpath (b2), a private water leak (b1), a resolved bike shed (b1)
    and a lift (b1, the lift company's), all by the reporter."""
    ids = {
        "light": file_report(town.reporter, town).json["id"],
        "footpath": file_report(
            town.reporter, town, "footpath", place={"building_id": town.b2.id}
        ).json["id"],
        "leak": file_report(town.reporter, town, "water_electricity").json["id"],
        "shed": file_report(town.reporter, town, "bike_shed").json["id"],
        "lift": file_report(town.reporter, town, "lift").json["id"],
    }
    step(town.property_staff, ids["shed"], "accept", "好")
    step(town.property_staff, ids["shed"], "resolve", "已修")
    return ids


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def test_mine_lists_every_report_of_mine_newest_first(db, town, filed):
    assert _ids(town.reporter.get("/api/v1/reports/mine")) == sorted(filed.values(), reverse=True)
    assert _ids(town.neighbour.get("/api/v1/reports/mine")) == []
    assert _ids(town.reporter.get("/api/v1/reports/mine?status=resolved")) == [filed["shed"]]


def test_the_public_list_never_shows_a_private_report(db, town, filed):
    listed = _ids(town.neighbour.get("/api/v1/reports"))

    assert filed["leak"] not in listed
    assert set(listed) == {filed["light"], filed["footpath"], filed["shed"], filed["lift"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category_id={street_light}", ["light"]),
        ("building_id={b2}", ["footpath"]),
        ("status=resolved", ["shed"]),
        ("status=open&building_id={b1}", ["lift", "light"]),
        ("category_id={street_light}&status=resolved", []),
    ],
)
def test_the_public_list_filters_by_category_status_and_building(db, town, filed, query, expected):
    ids = {"street_light": town.categories["street_light"].id, "b1": town.b1.id, "b2": town.b2.id}

    listed = _ids(town.neighbour.get("/api/v1/reports?" + query.format(**ids)))

    assert listed == [filed[name] for name in expected]


def test_lists_are_paginated_in_one_envelope(db, town, filed):
    first = town.neighbour.get("/api/v1/reports?page_size=3").json
    second = town.neighbour.get("/api/v1/reports?page_size=3&page=2").json

    assert (first["total"], first["page"], first["page_size"]) == (4, 1, 3)
    assert len(first["items"]) == 3 and len(second["items"]) == 1
    item = first["items"][0]
    assert item["category_name"] == "电梯" and item["status_label"] == "已提交"
    assert "reporter_user_id" not in item


def test_a_list_item_shows_a_thumbnail_only_once_its_photo_passed(db, town):
    photo = upload(town.reporter, images.jpeg()).json["id"]
    report_id = file_report(town.reporter, town, media_ids=[photo]).json["id"]

    assert town.neighbour.get("/api/v1/reports").json["items"][0]["thumb_url"] is None
    assert town.reporter.get("/api/v1/reports/mine").json["items"][0]["thumb_url"] is not None
    db.session.get(MediaFile, photo).moderation = Moderation.PASS
    db.session.flush()
    [item] = town.neighbour.get("/api/v1/reports").json["items"]
    assert (item["id"], item["thumb_url"]) == (report_id, f"/api/v1/media/{photo}/thumb")


def test_the_grid_queue_holds_its_grids_open_reports(db, town, filed):
    queue = town.grid_worker.get("/api/v1/admin/reports/grid-queue")

    assert _ids(queue) == [filed["lift"], filed["leak"], filed["light"]]
    assert queue.json["items"][0]["response_due_at"]
    resolved = town.grid_worker.get("/api/v1/admin/reports/grid-queue?status=resolved")
    assert _ids(resolved) == [filed["shed"]]
    assert _ids(town.other_grid_worker.get("/api/v1/admin/reports/grid-queue")) == [
        filed["footpath"]
    ]


def test_an_organisations_queue_holds_what_is_routed_to_it(db, town, filed):
    property_queue = _ids(town.property_staff.get("/api/v1/admin/reports/org-queue"))

    assert property_queue == [filed["leak"], filed["footpath"], filed["light"]]
    assert _ids(town.police_staff.get("/api/v1/admin/reports/org-queue")) == []


def test_queues_need_the_role_and_an_assignment(db, town, make_staff):
    assert town.reporter.get("/api/v1/admin/reports/grid-queue").status_code == 403
    unassigned = make_staff("org_staff")

    response = unassigned.get("/api/v1/admin/reports/org-queue")

    assert (response.status_code, response.json["reason"]) == (403, "report_list_forbidden")


def test_admins_list_everything_with_any_filter(db, town, filed):
    everything = _ids(town.admin.get("/api/v1/admin/reports"))
    lifts = _ids(town.admin.get(f"/api/v1/admin/reports?organisation_id={town.lifts.id}"))
    grid_b = _ids(town.admin.get(f"/api/v1/admin/reports?grid_id={town.grid_b.id}"))

    assert everything == sorted(filed.values(), reverse=True)
    assert lifts == [filed["lift"]] and grid_b == [filed["footpath"]]
    assert town.grid_worker.get("/api/v1/admin/reports").status_code == 403


def test_another_community_sees_none_of_it(db, town, filed, wechat_user):
    CommunityFactory(slug="shuangjing", name="双井社区")
    stranger = wechat_user()
    stranger.log_in("shuangjing")

    assert _ids(stranger.get("/api/v1/reports")) == []
    assert stranger.get(f"/api/v1/reports/{filed['light']}").status_code == 404
    assert stranger.get("/api/v1/reports/categories").json["items"] == []


def test_a_total_is_counted_again_after_any_change_to_the_reports(db, town):
    assert town.neighbour.get("/api/v1/reports").json["total"] == 0
    report_id = file_report(town.reporter, town).json["id"]
    assert town.neighbour.get("/api/v1/reports").json["total"] == 1

    step(town.reporter, report_id, "cancel", staff=False)

    assert town.neighbour.get("/api/v1/reports").json["total"] == 0


def test_a_total_is_reused_while_nothing_changed(db, town, redis_client):
    file_report(town.reporter, town)
    assert town.neighbour.get("/api/v1/reports").json["total"] == 1
    db.session.execute(update(Report).values(listed=False))  # behind the services' back

    assert town.neighbour.get("/api/v1/reports").json["total"] == 1
    redis_client.flushdb()
    town.neighbour.log_in()
    assert town.neighbour.get("/api/v1/reports").json["total"] == 0
