"""What a scan answers: whether it changed the sign-up (a repeat is harmless and says so), and,
for staff, whom the code admits — masked, with the flat — without an audit row of its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.core.audit import AuditEntry
from app.core.clock import utcnow
from tests.activities.conftest import bind


@pytest.fixture
def soon(make_activity):
    """An activity starting in 30 minutes: check-in is open."""
    return make_activity(starts_at=utcnow().replace(microsecond=0) + timedelta(minutes=30))


def signed_up(db, wechat_user, activity, household, occupant=None, nickname=None):
    """A logged-in resident of ``household`` signed up for ``activity``: (person, signup id)."""
    person = wechat_user()
    person.log_in()
    user_id = person.get("/api/v1/me").json["id"]
    db.session.get(User, user_id).nickname = nickname
    bind(household, user_id, occupant)
    response = person.post(f"/api/v1/activities/{activity.id}/signups", json={})
    assert response.status_code == 201, response.json
    return person, response.json["id"]


def code_of(person, signup_id: int) -> str:
    return person.get(f"/api/v1/activities/signups/{signup_id}/checkin-code").json["code"]


def audits(db, action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    )


def test_the_organisers_scan_says_who_it_admits_and_whether_it_changed_anything(
    db, client, place, soon, wechat_user, admin
):
    resident, signup_id = signed_up(db, wechat_user, soon, place.h101, place.zhang, "小张")
    scans = f"/api/v1/admin/activities/{soon.id}/scans"
    code = code_of(resident, signup_id)

    first = admin.post(scans, json={"code": code})
    again = admin.post(scans, json={"code": code})

    assert first.status_code == again.status_code == 200
    assert (first.json["changed"], again.json["changed"]) == (True, False)
    assert first.json["attendee"] == {"name": "张*", "flat": "1-1-0101"}  # the roster's name
    assert again.json["attendee"] == first.json["attendee"]
    assert first.json["id"] == signup_id
    assert again.json["checked_in_at"] == first.json["checked_in_at"] is not None
    assert audits(db, "activity_signup.check_in") == 1  # the write; the repeat adds nothing


def test_check_out_changes_once_then_answers_unchanged(db, client, place, soon, wechat_user, admin):
    resident, signup_id = signed_up(db, wechat_user, soon, place.h101, place.zhang)
    scans = f"/api/v1/admin/activities/{soon.id}/scans"
    code = code_of(resident, signup_id)
    admin.post(scans, json={"code": code})

    out = admin.post(scans, json={"code": code, "action": "checkout"})
    out_again = admin.post(scans, json={"code": code, "action": "checkout"})

    assert (out.json["changed"], out_again.json["changed"]) == (True, False)
    assert out_again.json["checked_out_at"] == out.json["checked_out_at"] is not None
    assert audits(db, "activity_signup.check_out") == 1


def test_a_grid_worker_sees_the_masked_nickname_of_someone_not_on_the_roster(
    db, client, place, soon, wechat_user, make_staff
):
    resident, signup_id = signed_up(db, wechat_user, soon, place.h201, nickname="钱多多")
    worker = make_staff("grid_worker")

    response = worker.post(
        f"/api/v1/admin/activities/{soon.id}/scans", json={"code": code_of(resident, signup_id)}
    )

    assert response.status_code == 200
    assert response.json["attendee"] == {"name": "钱**", "flat": "2-1-0101"}
    assert response.json["changed"] is True


def test_the_residents_own_scan_says_whether_it_changed_anything_and_names_no_one(
    db, client, place, soon, wechat_user
):
    resident, _ = signed_up(db, wechat_user, soon, place.h101, place.zhang)

    first = resident.post("/api/v1/activities/scan", json={"scene": soon.checkin_scene})
    again = resident.post("/api/v1/activities/scan", json={"scene": soon.checkin_scene})
    out = resident.post(
        "/api/v1/activities/scan", json={"scene": soon.checkin_scene, "action": "checkout"}
    )

    assert [r.json["changed"] for r in (first, again, out)] == [True, False, True]
    assert "attendee" not in first.json
    assert audits(db, "activity_signup.check_in") == 0  # the resident's own: no staff write


def test_a_refused_scan_answers_the_error_shape_and_changes_nothing(
    db, client, place, make_activity, wechat_user, admin
):
    later = make_activity(starts_at=utcnow().replace(microsecond=0) + timedelta(days=2))
    resident, signup_id = signed_up(db, wechat_user, later, place.h101, place.zhang)

    response = admin.post(
        f"/api/v1/admin/activities/{later.id}/scans", json={"code": code_of(resident, signup_id)}
    )
    bad_action = admin.post(
        f"/api/v1/admin/activities/{later.id}/scans",
        json={"code": code_of(resident, signup_id), "action": "teleport"},
    )

    assert (response.status_code, response.json["reason"]) == (409, "checkin_not_open")
    assert (bad_action.status_code, bad_action.json["reason"]) == (422, "validation_failed")
    assert (
        resident.get(f"/api/v1/activities/signups/{signup_id}").json["signup"]["checked_in_at"]
        is None
    )
