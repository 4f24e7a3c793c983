"""Filing a report: WeChat's text check first, places and photos checked, once per key."""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from app.media.models import MediaFile, Moderation
from app.reports.models import Report, ReportEvent, ReportPhoto
from tests.factories import BuildingFactory, CommunityFactory
from tests.media import images
from tests.media.media_support import media_row, upload
from tests.reports.conftest import control, file_report


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_risky_text_is_refused_and_nothing_is_saved(db, wechat, town):
    control(wechat, "content_rules", {"risky_words": ["赌博"]})

    response = file_report(town.reporter, town, text="楼下有人聚众赌博")

    assert (response.status_code, response.json["reason"]) == (422, "report_text_risky")
    assert _count(db, Report) == 0 and _count(db, ReportEvent) == 0


def test_text_held_for_review_is_seen_by_reporter_and_staff_only_until_released(db, wechat, town):
    control(wechat, "content_rules", {"review_words": ["垃圾"]})

    filed = file_report(town.reporter, town, "sanitation", text="垃圾站满了没人清")
    report_id = filed.json["id"]

    assert (filed.status_code, filed.json["moderation"]) == (201, "review")
    assert town.neighbour.get(f"/api/v1/reports/{report_id}").status_code == 404
    assert town.neighbour.get("/api/v1/reports").json["total"] == 0
    assert town.reporter.get(f"/api/v1/reports/{report_id}").status_code == 200
    assert town.property_staff.get(f"/api/v1/admin/reports/{report_id}").status_code == 200
    held = town.admin.get("/api/v1/admin/reports?moderation=review").json
    assert [i["id"] for i in held["items"]] == [report_id]

    released = town.admin.post(
        f"/api/v1/admin/reports/{report_id}/moderation",
        json={"decision": "release", "reason": "内容属实"},
    )

    assert released.json["moderation"] == "pass"
    assert town.neighbour.get(f"/api/v1/reports/{report_id}").status_code == 200


def test_an_admin_hides_a_report_from_neighbours_and_only_admins_moderate(db, town):
    report_id = file_report(town.reporter, town).json["id"]
    body = {"decision": "hide", "reason": "含个人信息"}

    assert (
        town.grid_worker.post(
            f"/api/v1/admin/reports/{report_id}/moderation", json=body
        ).status_code
        == 403
    )
    assert (
        town.admin.post(f"/api/v1/admin/reports/{report_id}/moderation", json=body).status_code
        == 200
    )
    assert town.neighbour.get(f"/api/v1/reports/{report_id}").status_code == 404
    assert town.reporter.get(f"/api/v1/reports/{report_id}").json["moderation"] == "hidden"


def test_wechat_unavailable_is_503_and_nothing_is_saved_until_the_retry(db, wechat, town):
    fault = {"path": "wxa/msg_sec_check", "kind": "http", "status": 503, "count": 1}
    requests.post(wechat.url + "__emulator__/faults", json=fault, timeout=5).raise_for_status()

    failed = file_report(town.reporter, town, key="retry-after-503")
    assert (failed.status_code, failed.json["reason"]) == (503, "wechat_unavailable")
    assert _count(db, Report) == 0

    retried = file_report(town.reporter, town, key="retry-after-503")
    assert retried.status_code == 201
    assert _count(db, Report) == 1


def test_a_retried_key_returns_the_same_report_even_without_the_cached_answer(
    db, wechat, town, redis_client
):
    first = file_report(town.reporter, town, key="phone-lost-signal-1")
    redis_client.flushdb()  # the replay cache is gone: the database's unique key answers
    town.reporter.log_in()  # (the session went with it)
    control(wechat, "content_rules", {"risky_words": ["路灯"]})  # not checked again

    again = file_report(town.reporter, town, key="phone-lost-signal-1")

    assert (again.status_code, again.json) == (201, first.json)
    assert _count(db, Report) == 1


def test_photos_are_attached_in_order_and_only_once(db, town):
    ids = [upload(town.reporter, images.jpeg()).json["id"] for _ in range(3)]

    filed = file_report(town.reporter, town, media_ids=[ids[2], ids[0]])
    again = file_report(town.reporter, town, media_ids=[ids[0]])

    assert filed.status_code == 201
    photos = db.session.execute(
        select(ReportPhoto.media_id, ReportPhoto.position).order_by(ReportPhoto.position)
    ).all()
    assert [tuple(p) for p in photos] == [(ids[2], 0), (ids[0], 1)]
    assert (again.status_code, again.json["reason"]) == (422, "report_photo_invalid")


@pytest.mark.parametrize("case", ["someone_elses", "culture_image", "duplicate", "ten", "missing"])
def test_photos_that_are_not_the_reporters_own_report_uploads_are_refused(db, town, case):
    mine = upload(town.reporter, images.jpeg()).json["id"]
    media_ids = {
        "someone_elses": lambda: [upload(town.neighbour, images.jpeg()).json["id"]],
        "culture_image": lambda: [
            upload(town.reporter, images.jpeg(), purpose="culture").json["id"]
        ],
        "duplicate": lambda: [mine, mine],
        "ten": lambda: [mine] * 10,
        "missing": lambda: [mine + 1000],
    }[case]()

    response = file_report(town.reporter, town, media_ids=media_ids)

    assert response.status_code == 422
    assert _count(db, Report) == 0


def test_a_photo_waiting_for_its_check_is_seen_by_staff_but_not_by_neighbours(db, town):
    photo = upload(town.reporter, images.jpeg()).json["id"]
    report_id = file_report(town.reporter, town, media_ids=[photo]).json["id"]

    staff_view = town.property_staff.get(f"/api/v1/admin/reports/{report_id}").json
    public_view = town.neighbour.get(f"/api/v1/reports/{report_id}").json

    assert [p["moderation"] for p in staff_view["photos"]] == ["pending"]
    assert public_view["photos"] == []
    assert town.property_staff.get(f"/api/v1/media/{photo}/thumb").status_code == 200
    assert town.neighbour.get(f"/api/v1/media/{photo}/thumb").status_code == 404


def test_a_risky_photo_is_seen_by_its_owner_alone(db, town):
    photo = upload(town.reporter, images.jpeg()).json["id"]
    report_id = file_report(town.reporter, town, media_ids=[photo]).json["id"]
    media_row(db, photo).moderation = Moderation.RISKY
    db.session.flush()

    assert town.property_staff.get(f"/api/v1/admin/reports/{report_id}").json["photos"] == []
    assert town.property_staff.get(f"/api/v1/media/{photo}/original").status_code == 404
    assert town.reporter.get(f"/api/v1/media/{photo}/original").status_code == 200


def test_an_unattached_report_photo_stays_its_uploaders_even_once_passed(db, town):
    photo = upload(town.reporter, images.jpeg()).json["id"]
    db.session.get(MediaFile, photo).moderation = Moderation.PASS
    db.session.flush()

    assert town.neighbour.get(f"/api/v1/media/{photo}/original").status_code == 404


@pytest.mark.parametrize(
    "place",
    [
        {},
        {"lat": "39.87"},
        {"building_id": -1},
        {"unit_id": 1},
        {"asset_code": "路灯#1"},
    ],
)
def test_a_report_needs_a_real_place(db, town, place):
    response = file_report(town.reporter, town, place=place)

    assert response.status_code == 422
    assert _count(db, Report) == 0


def test_a_building_of_another_community_is_not_a_place(db, town):
    elsewhere = BuildingFactory(community_id=CommunityFactory().id, code="9")

    response = file_report(town.reporter, town, place={"building_id": elsewhere.id})

    assert (response.status_code, response.json["reason"]) == (422, "report_place_invalid")


def test_an_asset_code_or_a_map_point_is_place_enough_and_routes_without_a_grid(db, town):
    by_asset = file_report(town.reporter, town, "ev_charger", place={"asset_code": "CD-0107"})
    by_point = file_report(town.reporter, town, place={"lat": "39.873512", "lng": "116.513307"})

    assert by_asset.status_code == by_point.status_code == 201
    assert by_point.json["lat"] == "39.873512"
    report = db.session.get(Report, by_asset.json["id"])
    assert (report.grid_id, report.organisation_id) == (None, town.property_company.id)
    assert town.grid_worker.get("/api/v1/admin/reports/grid-queue").json["total"] == 0


def test_deadlines_start_from_the_categorys_hours(db, town):
    report = db.session.get(Report, file_report(town.reporter, town, "lift").json["id"])

    assert report.organisation_id == town.lifts.id
    assert (report.response_due_at - report.created_at).total_seconds() == pytest.approx(
        2 * 3600, abs=2
    )
    assert (report.resolution_due_at - report.created_at).total_seconds() == pytest.approx(
        24 * 3600, abs=2
    )


def test_an_inactive_category_is_refused(db, town):
    town.categories["noise"].is_active = False
    db.session.flush()

    response = file_report(town.reporter, town, "noise")

    assert (response.status_code, response.json["reason"]) == (422, "report_category_invalid")


def test_filing_too_often_is_429(db, app, town, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_RATE_LIMIT_PER_USER", "2 per hour")

    codes = [file_report(town.reporter, town).status_code for _ in range(3)]

    assert codes == [201, 201, 429]
