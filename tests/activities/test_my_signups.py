"""The resident's list of their sign-ups carries each one's activity summary, read for the whole
page in one query however many sign-ups it shows."""

from __future__ import annotations

import pytest

from app.extensions import db as database
from tests.activities.conftest import bind

MINE = "/api/v1/activities/signups"


@pytest.fixture
def family(db, client, place, wechat_user):
    person = wechat_user()
    person.log_in()
    bind(place.h101, person.get("/api/v1/me").json["id"], place.zhang)
    return person


def test_each_signup_carries_its_activitys_summary(family, make_activity, organiser):
    fair = make_activity(title="邻里中秋游园会", place="社区活动中心")
    walk = make_activity(title="护河志愿巡查", place="北焦河畔", capacity=5)
    for activity in (fair, walk):
        assert family.post(f"/api/v1/activities/{activity.id}/signups", json={}).status_code == 201

    page = family.get(MINE).json

    assert page["total"] == 2
    summaries = [item["activity"] for item in page["items"]]
    assert [s["id"] for s in summaries] == [walk.id, fair.id]  # newest sign-up first
    assert set(summaries[1]) == {"id", "title", "kind", "status", "place", "starts_at", "ends_at"}
    assert (summaries[1]["title"], summaries[1]["place"]) == ("邻里中秋游园会", "社区活动中心")
    assert (summaries[1]["kind"], summaries[1]["status"]) == ("community_event", "published")
    assert summaries[1]["starts_at"].endswith("+08:00")
    assert [i["activity_id"] for i in page["items"]] == [walk.id, fair.id]  # kept as before


def test_a_cancelled_activity_shows_as_cancelled(family, make_activity, organiser):
    from app.activities import services

    activity = make_activity()
    family.post(f"/api/v1/activities/{activity.id}/signups", json={})
    services.cancel_activity(organiser, activity.id, "天气原因")

    item = family.get(MINE).json["items"][0]

    assert item["activity"]["status"] == "cancelled"


def test_the_page_reads_its_activities_in_one_query(family, make_activity, sql_log):
    activities = [make_activity(title=f"活动{n}", capacity=5) for n in range(4)]
    for activity in activities:
        family.post(f"/api/v1/activities/{activity.id}/signups", json={})
    database.session.expunge_all()  # nothing left in the identity map to answer from
    sql_log.clear()

    page = family.get(MINE + "?page_size=10").json

    assert len(page["items"]) == 4
    assert {i["activity"]["title"] for i in page["items"]} == {f"活动{n}" for n in range(4)}
    assert len(sql_log.reading("activity")) == 1


def test_a_later_page_reads_only_its_own_activities(family, make_activity):
    activities = [make_activity(title=f"活动{n}", capacity=5) for n in range(3)]
    for activity in activities:
        family.post(f"/api/v1/activities/{activity.id}/signups", json={})

    second = family.get(MINE + "?page=2&page_size=2").json

    assert [i["activity"]["title"] for i in second["items"]] == ["活动0"]
    assert second["total"] == 3


@pytest.mark.parametrize("query", ["page=0", "page_size=101", "active_only=maybe"])
def test_bad_page_arguments_are_422(family, query):
    response = family.get(f"{MINE}?{query}")

    assert (response.status_code, response.json["reason"]) == (422, "validation_failed")


def test_the_summary_reads_as_the_activity_itself(family, make_activity):
    activity = make_activity()
    family.post(f"/api/v1/activities/{activity.id}/signups", json={})

    summary = family.get(MINE).json["items"][0]["activity"]
    detail = family.get(f"/api/v1/activities/{activity.id}").json["activity"]

    assert summary == {key: detail[key] for key in summary}
