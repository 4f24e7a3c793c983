"""The "me too" of reports: similar open reports are offered before filing, and a neighbour
who joins one follows it like its reporter."""

from __future__ import annotations

from sqlalchemy import select

from app.delivery.models import Delivery, DeliveryBatch
from tests.reports.conftest import file_report, step


def _similar(person, town, code="street_light", **place):
    query = "&".join(f"{k}={v}" for k, v in place.items())
    return person.get(f"/api/v1/reports/similar?category_id={town.categories[code].id}&{query}")


def test_open_public_reports_at_the_same_building_or_asset_are_offered(db, town):
    light = file_report(town.reporter, town).json["id"]
    charger = file_report(town.reporter, town, "ev_charger", place={"asset_code": "CD-0107"}).json[
        "id"
    ]
    file_report(town.reporter, town, place={"building_id": town.b2.id})  # another building
    file_report(town.reporter, town, "water_electricity")  # private: never offered

    assert [
        r["id"] for r in _similar(town.neighbour, town, building_id=town.b1.id).json["items"]
    ] == [light]
    by_asset = _similar(town.neighbour, town, "ev_charger", asset_code="CD-0107").json["items"]
    assert [r["id"] for r in by_asset] == [charger]
    assert (
        _similar(town.neighbour, town, "water_electricity", building_id=town.b1.id).json["items"]
        == []
    )


def test_a_finished_report_is_not_offered(db, town):
    light = file_report(town.reporter, town).json["id"]
    step(town.property_staff, light, "reject", "重复报事")

    assert _similar(town.neighbour, town, building_id=town.b1.id).json["items"] == []


def test_similar_needs_a_building_or_an_asset(db, town):
    response = _similar(town.neighbour, town)

    assert (response.status_code, response.json["reason"]) == (422, "report_similar_place_required")


def test_joining_is_counted_once_and_withdrawing_undoes_it(db, town):
    light = file_report(town.reporter, town).json["id"]
    url = f"/api/v1/reports/{light}/support"

    assert town.neighbour.post(url).json["supporter_count"] == 1
    assert town.neighbour.post(url).json["supporter_count"] == 1
    assert town.neighbour.get(f"/api/v1/reports/{light}").json["is_supporter"] is True
    assert (
        town.neighbour.client.delete(url, headers=town.neighbour.headers).json["supporter_count"]
        == 0
    )


def test_one_cannot_join_ones_own_a_private_or_a_finished_report(db, town):
    light = file_report(town.reporter, town).json["id"]
    leak = file_report(town.reporter, town, "water_electricity").json["id"]
    shed = file_report(town.reporter, town, "bike_shed").json["id"]
    step(town.property_staff, shed, "reject", "不属实")

    own = town.reporter.post(f"/api/v1/reports/{light}/support")
    assert (own.status_code, own.json["reason"]) == (409, "report_support_own")
    assert town.neighbour.post(f"/api/v1/reports/{leak}/support").status_code == 404
    closed = town.neighbour.post(f"/api/v1/reports/{shed}/support")
    assert (closed.status_code, closed.json["reason"]) == (409, "report_support_closed")


def test_supporters_get_the_same_updates_as_the_reporter(db, town):
    light = file_report(town.reporter, town).json["id"]
    town.neighbour.post(f"/api/v1/reports/{light}/support")

    step(town.property_staff, light, "accept", "收到")

    batch = db.session.scalar(select(DeliveryBatch).where(DeliveryBatch.source_id == light))
    recipients = db.session.scalars(select(Delivery.user_id).where(Delivery.batch_id == batch.id))
    assert set(recipients) == {town.reporter.user_id, town.neighbour.user_id}


def test_the_one_who_made_the_change_is_not_told_about_it(db, town):
    light = file_report(town.reporter, town).json["id"]
    town.neighbour.post(f"/api/v1/reports/{light}/support")

    step(town.reporter, light, "cancel", staff=False)

    batch = db.session.scalar(select(DeliveryBatch).where(DeliveryBatch.source_id == light))
    recipients = db.session.scalars(select(Delivery.user_id).where(Delivery.batch_id == batch.id))
    assert list(recipients) == [town.neighbour.user_id]
