"""The public and own lists are answered from Redis until the reports change, and every change
shows on the very next read."""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError

from app.community.models import Building
from app.media.models import MediaFile, Moderation
from tests.media import images
from tests.media.media_support import upload
from tests.reports.conftest import file_report, step


def test_the_same_public_page_twice_reads_the_reports_once(db, town, sql_log):
    file_report(town.reporter, town)
    first = town.neighbour.get("/api/v1/reports")
    assert sql_log.reading("report")

    sql_log.clear()
    again = town.reporter.get("/api/v1/reports")

    assert again.json == first.json
    assert again.headers["Content-Type"] == "application/json"
    assert sql_log.reading("report") == []


def test_a_new_report_shows_in_the_public_list_at_once(db, town):
    first = file_report(town.reporter, town).json["id"]
    assert [i["id"] for i in town.neighbour.get("/api/v1/reports").json["items"]] == [first]

    second = file_report(town.reporter, town, "footpath").json["id"]

    listed = town.neighbour.get("/api/v1/reports").json
    assert [i["id"] for i in listed["items"]] == [second, first]
    assert listed["total"] == 2


def test_a_step_and_a_me_too_show_in_the_lists_at_once(db, town):
    report_id = file_report(town.reporter, town).json["id"]
    assert town.reporter.get("/api/v1/reports/mine").json["items"][0]["status"] == "submitted"
    assert town.neighbour.get("/api/v1/reports").json["items"][0]["supporter_count"] == 0

    step(town.property_staff, report_id, "accept", "已受理")
    town.neighbour.post(f"/api/v1/reports/{report_id}/support")

    assert town.reporter.get("/api/v1/reports/mine").json["items"][0]["status"] == "accepted"
    assert town.neighbour.get("/api/v1/reports").json["items"][0]["supporter_count"] == 1


def test_a_renamed_category_shows_in_the_lists_at_once(db, town):
    file_report(town.reporter, town)
    assert town.neighbour.get("/api/v1/reports").json["items"][0]["category_name"] == "路灯"
    category_id = town.categories["street_light"].id

    renamed = town.admin.client.patch(
        f"/api/v1/admin/report-setup/categories/{category_id}",
        json={"name": "路灯照明"},
        headers=town.admin.headers,
    )

    assert renamed.status_code == 200
    assert town.neighbour.get("/api/v1/reports").json["items"][0]["category_name"] == "路灯照明"
    assert town.reporter.get("/api/v1/reports/mine").json["items"][0]["category_name"] == "路灯照明"


def test_own_lists_are_kept_per_person(db, town):
    file_report(town.reporter, town)
    assert len(town.reporter.get("/api/v1/reports/mine").json["items"]) == 1

    assert town.neighbour.get("/api/v1/reports/mine").json["items"] == []


def test_a_photo_verdict_shows_in_the_public_list_at_once_and_the_reporter_sees_the_public_view(
    db, town
):
    photo = upload(town.reporter, images.jpeg()).json["id"]
    file_report(town.reporter, town, media_ids=[photo])
    # Still being checked: no one sees it in the public list, the reporter included.
    assert town.reporter.get("/api/v1/reports").json["items"][0]["thumb_url"] is None
    assert town.reporter.get("/api/v1/reports/mine").json["items"][0]["thumb_url"] is not None

    db.session.get(MediaFile, photo).moderation = Moderation.PASS
    db.session.flush()

    item = town.neighbour.get("/api/v1/reports").json["items"][0]
    assert item["thumb_url"] == f"/api/v1/media/{photo}/thumb"


def test_a_redis_failure_after_the_login_check_still_answers_from_mysql(db, town, app, monkeypatch):
    file_report(town.reporter, town)
    client = app.extensions["redis"]
    mget = client.mget

    def pages_unavailable(*keys):
        if any("reports:page" in key for key in keys):
            raise RedisConnectionError("down")
        return mget(*keys)

    monkeypatch.setattr(client, "mget", pages_unavailable)

    response = town.neighbour.get("/api/v1/reports")

    assert response.status_code == 200
    assert len(response.json["items"]) == 1


def test_a_fresh_snapshot_never_commits_what_the_request_wrote(db, community):
    """The cache ends a read-only transaction before building an answer; one that wrote is
    left for its view to commit or roll back."""
    from app.core.json_cache import fresh_snapshot
    from tests.factories import BuildingFactory

    building = BuildingFactory(community_id=community.id, code="99")
    db.session.flush()

    fresh_snapshot()
    db.session.rollback()

    assert db.session.get(Building, building.id) is None
