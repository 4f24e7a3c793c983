"""The HTTP contract of activities: statuses, reasons, shapes, permissions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import utcnow
from tests.activities.conftest import bind

START = "2031-05-01T09:00:00+08:00"


@pytest.fixture
def resident_of(place, wechat_user):
    """``resident_of(flat)``: a logged-in person bound to the flat; ``.user_id`` attached."""

    def make(household):
        person = wechat_user()
        person.log_in()
        person.user_id = person.get("/api/v1/me").json["id"]
        bind(household, person.user_id)
        return person

    return make


def body(**overrides):
    return {
        "kind": "community_event",
        "title": "亲子手工课",
        "place": "青年会客厅",
        "starts_at": START,
        "ends_at": "2031-05-01T11:00:00+08:00",
        "capacity": 10,
        **overrides,
    }


def test_staff_publish_an_activity(admin, place):
    response = admin.post("/api/v1/admin/activities", json=body(
        audience={"kind": "buildings", "ids": [place.b1.id]},
        questions=[{"key": "age", "label": "孩子年龄", "required": True}],
    ))  # fmt: skip

    assert response.status_code == 201
    created = response.json
    assert created["starts_at"] == "2031-05-01T09:00:00+08:00"
    assert created["signup_closes_at"] == created["starts_at"]
    assert created["audience"] == {"kind": "buildings", "ids": [place.b1.id]}
    assert created["seats_left"] == 10 and len(created["checkin_scene"]) <= 32


@pytest.mark.parametrize(
    ("overrides", "status", "reason"),
    [
        ({"capacity": -1}, 422, "validation_failed"),
        ({"ends_at": "2031-05-01T08:00:00+08:00"}, 422, "activity_ends_before_start"),
        ({"signup_closes_at": "2031-05-02T08:00:00+08:00"}, 422, "signup_window_invalid"),
        ({"audience": {"kind": "grids", "ids": [999999]}}, 422, "activity_audience_invalid"),
        ({"questions": [{"key": "a", "label": "?", "kind": "choice", "options": ["x"]}]}, 422,
         "activity_questions_invalid"),
    ],
)  # fmt: skip
def test_bad_activities_are_refused_with_distinct_reasons(admin, place, overrides, status, reason):
    response = admin.post("/api/v1/admin/activities", json=body(**overrides))

    assert response.status_code == status
    assert response.json["reason"] == reason
    if reason == "validation_failed":
        assert "capacity" in response.json["errors"]


def test_residents_cannot_publish(resident_of, place):
    response = resident_of(place.h101).post("/api/v1/admin/activities", json=body())

    assert (response.status_code, response.json["reason"]) == (403, "role_required")


def test_signing_up_answers_201_and_a_retry_200_with_the_same_sign_up(
    resident_of, place, make_activity
):
    activity = make_activity(capacity=3)
    resident = resident_of(place.h101)
    url = f"/api/v1/activities/{activity.id}/signups"

    first = resident.post(url, json={"companion_ids": [place.li.id]})
    again = resident.post(url, json={"companion_ids": [place.li.id]})

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert first.json["status"] == "confirmed" and first.json["seats"] == 2
    shown = resident.get(f"/api/v1/activities/{activity.id}").json
    assert shown["activity"]["seats_left"] == 1
    assert shown["my_signup"]["id"] == first.json["id"]


def test_an_idempotency_key_replays_the_first_answer(resident_of, place, make_activity):
    activity = make_activity()
    resident = resident_of(place.h101)
    headers = {**resident.headers, "Idempotency-Key": "signup-retry-0001"}
    url = f"/api/v1/activities/{activity.id}/signups"

    first = resident.client.post(url, json={}, headers=headers)
    replay = resident.client.post(url, json={}, headers=headers)

    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json == first.json


@pytest.mark.parametrize(
    ("window", "reason"),
    [((1, 2), "signup_not_open"), ((-2, -1), "signup_closed")],
)
def test_signing_up_outside_the_window_is_refused(
    resident_of, place, make_activity, window, reason
):
    now = utcnow().replace(microsecond=0)
    activity = make_activity(
        signup_opens_at=now + timedelta(hours=window[0]),
        signup_closes_at=now + timedelta(hours=window[1]),
    )

    response = resident_of(place.h101).post(f"/api/v1/activities/{activity.id}/signups", json={})

    assert (response.status_code, response.json["reason"]) == (409, reason)


def test_an_unknown_activity_is_404(resident_of, place):
    response = resident_of(place.h101).post("/api/v1/activities/987654/signups", json={})

    assert (response.status_code, response.json["reason"]) == (404, "activity_not_found")


def test_a_resident_outside_the_audience_gets_403(resident_of, place, make_activity):
    activity = make_activity(audience={"kind": "grids", "ids": [place.grid_a.id]})

    response = resident_of(place.h201).post(f"/api/v1/activities/{activity.id}/signups", json={})

    assert (response.status_code, response.json["reason"]) == (403, "activity_not_for_you")


def test_a_full_activity_answers_409(resident_of, place, make_activity):
    activity = make_activity(capacity=1, waitlist_capacity=0)
    resident_of(place.h101).post(f"/api/v1/activities/{activity.id}/signups", json={})

    response = resident_of(place.h102).post(f"/api/v1/activities/{activity.id}/signups", json={})

    assert (response.status_code, response.json["reason"]) == (409, "activity_full")


def test_the_list_shows_only_activities_one_may_sign_up_for(resident_of, place, make_activity):
    mine = make_activity(title="一号楼活动", audience={"kind": "buildings", "ids": [place.b1.id]})
    make_activity(title="二号楼活动", audience={"kind": "buildings", "ids": [place.b2.id]})
    everyone = make_activity(title="全体活动")

    listed = resident_of(place.h101).get("/api/v1/activities").json

    assert sorted(a["id"] for a in listed["items"]) == sorted([mine.id, everyone.id])
    assert listed["total"] == 2


def test_a_waiting_resident_sees_their_place_and_confirms_an_offer(
    resident_of, place, make_activity
):
    activity = make_activity(capacity=1)
    holder, waiting = resident_of(place.h101), resident_of(place.h102)
    held = holder.post(f"/api/v1/activities/{activity.id}/signups", json={}).json
    queued = waiting.post(f"/api/v1/activities/{activity.id}/signups", json={}).json
    assert waiting.get(f"/api/v1/activities/signups/{queued['id']}").json["position"] == 1

    holder.post(f"/api/v1/activities/signups/{held['id']}/cancel")
    offered = waiting.get(f"/api/v1/activities/signups/{queued['id']}").json
    confirmed = waiting.post(f"/api/v1/activities/signups/{queued['id']}/confirm")

    assert offered["signup"]["status"] == "offered"
    assert offered["signup"]["offer_expires_at"] is not None
    assert confirmed.json["status"] == "confirmed"


def test_someone_elses_sign_up_is_not_found(resident_of, place, make_activity):
    activity = make_activity()
    signup = resident_of(place.h101).post(f"/api/v1/activities/{activity.id}/signups", json={})

    other = resident_of(place.h102)

    for url in ("", "/cancel", "/checkin-code"):
        method = other.post if url == "/cancel" else other.get
        response = method(f"/api/v1/activities/signups/{signup.json['id']}{url}")
        assert (response.status_code, response.json["reason"]) == (404, "signup_not_found")


def test_the_checkin_code_is_for_confirmed_sign_ups(resident_of, place, make_activity):
    activity = make_activity(capacity=1)
    resident_of(place.h101).post(f"/api/v1/activities/{activity.id}/signups", json={})
    waiting = resident_of(place.h102)
    queued = waiting.post(f"/api/v1/activities/{activity.id}/signups", json={}).json

    response = waiting.get(f"/api/v1/activities/signups/{queued['id']}/checkin-code")

    assert (response.status_code, response.json["reason"]) == (409, "signup_not_confirmed")
