"""Open311 GeoReport v2 (read only): the spec's fields and filters, listed reports only, nobody's
personal data, photos only once passed, the spec's error shape, no login."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from app.extensions import db as database
from app.media.models import MediaFile, Moderation
from app.reports.models import Report
from tests.media import images
from tests.media.media_support import upload
from tests.reports.conftest import control, file_report, step
from tests.sql_log import sql_sent

BASE = "/open311/v2/beijiao"
SERVICE_FIELDS = {
    "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
}  # fmt: skip
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
    "long", "media_url",
}  # fmt: skip


@pytest.fixture
def filed(db, wechat, town) -> dict[str, int]:
    """Public: a light (resolved), a footpath (open, with a map point), a charger (by its asset
    code). Not public: a leak (private category), a held text, a cancelled report."""
    ids = {
        "light": file_report(town.reporter, town, text="1号楼东侧路灯不亮", place={
            "building_id": town.b1.id, "unit_id": None, "note": "东侧"}).json["id"],
        "footpath": file_report(town.neighbour, town, "footpath", text="人行道地砖松动",
                                place={"lat": "39.894210", "lng": "116.467530"}).json["id"],
        "charger": file_report(town.reporter, town, "ev_charger", text="充电桩无法启动",
                               place={"asset_code": "CD-07"}).json["id"],
        "leak": file_report(town.reporter, town, "water_electricity",
                            text="家里厨房水管漏水").json["id"],
        "cancelled": file_report(town.reporter, town, "greenery", text="草坪积水").json["id"],
    }  # fmt: skip
    control(wechat, "content_rules", {"review_words": ["垃圾"]})
    ids["held"] = file_report(town.reporter, town, "sanitation", text="垃圾站满了").json["id"]
    step(town.property_staff, ids["light"], "accept", "已受理")
    step(town.property_staff, ids["light"], "resolve", "已联系王阿姨，灯已修好")
    step(town.reporter, ids["cancelled"], "cancel", staff=False)
    return ids


def _ids(response) -> list[int]:
    return [int(r["service_request_id"]) for r in response.json]


def test_services_are_the_public_categories_in_the_specs_fields(client, town):
    response = client.get(f"{BASE}/services.json")

    assert response.status_code == 200
    by_code = {s["service_code"]: s for s in response.json}
    assert all(set(s) == SERVICE_FIELDS for s in response.json)
    assert {"street_light", "lift", "safety_hazard"} <= set(by_code)
    assert not {"noise", "water_electricity", "neighbour_dispute", "other"} & set(by_code)
    assert by_code["street_light"] == {
        "service_code": "street_light",
        "service_name": "路灯",
        "description": "路灯：焦园物业负责，24小时内受理，72小时内办结",
        "metadata": False,
        "type": "realtime",
        "keywords": "路灯,street_light",
        "group": "焦园物业",
    }
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "public" in response.headers["Cache-Control"]


def test_services_once_cached_are_answered_without_the_database(app, client, town, redis_client):
    first = client.get(f"{BASE}/services.json").json
    with sql_sent(database.engine) as statements:
        second = client.get(f"{BASE}/services.json").json

    assert second == first and statements == []
    assert json.loads(redis_client.get("linli:open311:services:beijiao"))[0]["code"]


def test_requests_are_the_listed_reports_in_the_specs_fields(db, client, town, filed):
    response = client.get(f"{BASE}/requests.json")

    assert response.status_code == 200
    assert _ids(response) == [filed["charger"], filed["footpath"], filed["light"]]
    assert all(set(r) == REQUEST_FIELDS for r in response.json)
    charger, footpath, light = response.json
    assert {k: light[k] for k in REQUEST_FIELDS - {"requested_datetime", "updated_datetime",
                                                   "expected_datetime"}} == {
        "service_request_id": str(filed["light"]), "status": "closed", "status_notes": "已解决",
        "service_name": "路灯", "service_code": "street_light",
        "description": "1号楼东侧路灯不亮", "agency_responsible": "焦园物业",
        "service_notice": "24小时内受理，72小时内办结",
        "address": f"北焦社区 {town.b1.name} 东侧", "address_id": None, "zipcode": None,
        "lat": None, "long": None, "media_url": None,
    }  # fmt: skip
    assert light["requested_datetime"].endswith("+08:00")
    assert (footpath["status"], footpath["lat"], footpath["long"]) == ("open", 39.89421, 116.46753)
    assert (charger["address_id"], charger["address"]) == ("CD-07", "北焦社区 设施编号 CD-07")


def test_no_reporter_and_no_staff_note_leaves_the_server(db, client, town, filed):
    body = client.get(f"{BASE}/requests.json").get_data(as_text=True)

    for secret in ("王阿姨", "李大爷", "物业小刘", "已联系王阿姨", "reporter", "user_id"):
        assert secret not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", ["charger", "footpath"]),
        ("status=closed", ["light"]),
        ("status=open,closed", ["charger", "footpath", "light"]),
        ("service_code=footpath,ev_charger", ["charger", "footpath"]),
        ("page_size=2", ["charger", "footpath"]),
        ("page_size=2&page=2", ["light"]),
        ("jurisdiction_id=beijiao&status=closed", ["light"]),
    ],
)
def test_requests_filter_as_the_spec_says(db, client, town, filed, query, expected):
    response = client.get(f"{BASE}/requests.json?{query}")

    assert _ids(response) == [filed[name] for name in expected]


def test_service_request_ids_override_every_other_filter_and_never_reveal_unlisted(
    db, client, town, filed
):
    wanted = ",".join(str(filed[n]) for n in ("light", "leak", "held", "cancelled", "charger"))

    response = client.get(f"{BASE}/requests.json?service_request_id={wanted}&status=open")

    assert _ids(response) == [filed["charger"], filed["light"]]


def test_dates_select_by_requested_datetime_and_default_to_the_last_90_days(
    db, client, town, filed
):
    db.session.get(Report, filed["light"]).created_at = datetime(2025, 1, 1, 4, 0)
    db.session.flush()

    recent = _ids(client.get(f"{BASE}/requests.json"))
    january = client.get(
        f"{BASE}/requests.json?start_date=2025-01-01T00:00:00%2B08:00&end_date=2025-01-31T23:59:59Z"
    )

    assert recent == [filed["charger"], filed["footpath"]]
    assert _ids(january) == [filed["light"]]


def test_one_request_is_a_list_of_one_and_unlisted_ones_do_not_exist(db, client, town, filed):
    one = client.get(f"{BASE}/requests/{filed['footpath']}.json")
    private = client.get(f"{BASE}/requests/{filed['leak']}.json")

    assert (one.status_code, _ids(one)) == (200, [filed["footpath"]])
    assert private.status_code == 404
    assert private.json == [{"code": 404, "description": "找不到该报事"}]


def test_a_photo_is_shown_once_it_passed_and_its_link_works_without_login(db, client, town):
    photo = upload(town.reporter, images.jpeg()).json["id"]
    report_id = file_report(town.reporter, town, media_ids=[photo]).json["id"]

    pending = client.get(f"{BASE}/requests/{report_id}.json").json[0]
    db.session.get(MediaFile, photo).moderation = Moderation.PASS
    db.session.flush()
    passed = client.get(f"{BASE}/requests/{report_id}.json").json[0]

    assert pending["media_url"] is None
    path = passed["media_url"].split("://", 1)[1].split("/", 1)[1]
    fetched = client.get("/" + path)
    assert (fetched.status_code, fetched.mimetype) == (200, "image/jpeg")


@pytest.mark.parametrize(
    "query", ["status=pending", "start_date=yesterday", "service_request_id=abc", "page_size=0"]
)
def test_bad_parameters_are_400_in_the_specs_error_shape(db, client, town, query):
    response = client.get(f"{BASE}/requests.json?{query}")

    assert response.status_code == 400
    [error] = response.json
    assert error["code"] == 400 and error["description"].startswith("参数无效")


def test_an_unknown_community_is_404_in_the_specs_error_shape(db, client):
    for path in ("services.json", "requests.json", "requests/1.json"):
        response = client.get(f"/open311/v2/nowhere/{path}")
        assert (response.status_code, response.json) == (
            404,
            [{"code": 404, "description": "找不到该社区"}],
        )


def test_no_token_is_needed_and_a_token_changes_nothing(db, client, town, filed):
    anonymous = client.get(f"{BASE}/requests.json")

    assert anonymous.status_code == 200
    assert town.reporter.get(f"{BASE}/requests.json").json == anonymous.json
