"""Check-in and check-out: signed, expiring codes scanned by staff; the activity's own code
scanned by residents; scanning twice is harmless; a volunteer's check-out credits hours once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from app.activities import services
from app.activities.models import ActivityKind
from app.activities.services.checkin import SALT, ScanAction
from app.activities.services.errors import (
    CheckinCodeExpired,
    CheckinCodeInvalid,
    CheckinNotOpen,
    NotCheckedIn,
    NotOrganiser,
    SignupNotConfirmed,
)
from app.core.audit import AuditEntry
from app.volunteers.models import HoursEntry
from app.volunteers.services import balance, team_balance
from tests.activities.conftest import bind

CHECK_IN, CHECK_OUT = ScanAction.CHECK_IN, ScanAction.CHECK_OUT


@pytest.fixture
def signed_up(place, person, make_activity):
    activity = make_activity(capacity=2)
    resident = person(place.h101)
    signup, _ = services.sign_up(resident, activity.id)
    return activity, resident, signup


def during(activity, minutes: int = 10):
    return activity.starts_at + timedelta(minutes=minutes)


def test_staff_check_a_resident_in_with_the_signed_code(signed_up, organiser):
    activity, resident, signup = signed_up
    code = services.checkin_code(resident, signup.id)

    checked = services.scan_code(organiser, activity.id, code.code, CHECK_IN, now=during(activity))

    assert checked.changed is True
    assert checked.signup.checked_in_at == during(activity)
    assert checked.signup.checked_in_by_user_id == organiser.user_id
    assert code.expires_at == activity.ends_at + timedelta(hours=2)


def test_a_forged_code_is_refused(signed_up, organiser):
    activity, resident, signup = signed_up
    forged = URLSafeTimedSerializer("not-our-secret", salt=SALT).dumps(
        {"s": signup.id, "a": activity.id, "x": 4_000_000_000}
    )

    for code in (forged, services.checkin_code(resident, signup.id).code + "x", "garbage"):
        with pytest.raises(CheckinCodeInvalid):
            services.scan_code(organiser, activity.id, code, CHECK_IN, now=during(activity))


def test_an_expired_code_is_refused(signed_up, organiser):
    activity, resident, signup = signed_up
    code = services.checkin_code(resident, signup.id).code

    with pytest.raises(CheckinCodeExpired):
        services.scan_code(
            organiser,
            activity.id,
            code,
            CHECK_IN,
            now=activity.ends_at + timedelta(hours=2, minutes=1),
        )


def test_a_code_for_another_activity_is_refused(signed_up, organiser, make_activity):
    _, resident, signup = signed_up
    other = make_activity()

    with pytest.raises(CheckinCodeInvalid):
        services.scan_code(
            organiser,
            other.id,
            services.checkin_code(resident, signup.id).code,
            CHECK_IN,
            now=during(other),
        )


def test_forged_and_expired_codes_answer_403_with_their_reasons(client, signed_up, make_staff):
    activity, _, signup = signed_up
    worker = make_staff("grid_worker")
    url = f"/api/v1/admin/activities/{activity.id}/scans"

    forged = worker.post(url, json={"code": "eyJzIjoxfQ.forged.sig"})
    stale = URLSafeTimedSerializer("test-secret-key", salt=SALT).dumps(
        {"s": signup.id, "a": activity.id, "x": 1_000_000_000}
    )
    expired = worker.post(url, json={"code": stale})

    assert (forged.status_code, forged.json["reason"]) == (403, "checkin_code_invalid")
    assert (expired.status_code, expired.json["reason"]) == (403, "checkin_code_expired")


def test_scanning_twice_changes_nothing(db, signed_up, organiser):
    activity, resident, signup = signed_up
    code = services.checkin_code(resident, signup.id).code
    first = services.scan_code(organiser, activity.id, code, CHECK_IN, now=during(activity))
    at = first.signup.checked_in_at

    again = services.scan_code(organiser, activity.id, code, CHECK_IN, now=during(activity, 20))

    assert (first.changed, again.changed) == (True, False)
    assert again.signup.id == first.signup.id and again.signup.checked_in_at == at
    audits = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "activity_signup.check_in")
    )
    assert audits == 1


def test_a_resident_checks_in_by_scanning_the_activitys_own_code(signed_up):
    activity, resident, signup = signed_up

    checked = services.scan_scene(resident, activity.checkin_scene, CHECK_IN, now=during(activity))
    again = services.scan_scene(resident, activity.checkin_scene, CHECK_IN, now=during(activity, 5))

    assert checked.signup.id == signup.id and again.signup.checked_in_at == during(activity)
    assert checked.signup.checked_in_by_user_id == resident.user_id
    assert (checked.changed, again.changed) == (True, False)
    assert checked.attendee is None  # the resident is not told who they are


def test_an_unknown_scene_is_refused(signed_up):
    activity, resident, _ = signed_up

    with pytest.raises(CheckinCodeInvalid):
        services.scan_scene(resident, "nosuchscene", CHECK_IN, now=during(activity))


def test_check_out_needs_a_check_in(signed_up):
    activity, resident, _ = signed_up

    with pytest.raises(NotCheckedIn):
        services.scan_scene(resident, activity.checkin_scene, CHECK_OUT, now=during(activity))


def test_check_in_is_open_from_an_hour_before_to_two_hours_after(signed_up):
    activity, resident, _ = signed_up

    for moment in (
        activity.starts_at - timedelta(minutes=61),
        activity.ends_at + timedelta(minutes=121),
    ):
        with pytest.raises(CheckinNotOpen):
            services.scan_scene(resident, activity.checkin_scene, CHECK_IN, now=moment)


def test_a_waiting_party_cannot_check_in(place, person, signed_up, make_activity):
    activity, *_ = signed_up
    services.sign_up(person(place.h102), activity.id)
    waiting = person(place.h201)
    services.sign_up(waiting, activity.id)

    with pytest.raises(SignupNotConfirmed):
        services.scan_scene(waiting, activity.checkin_scene, CHECK_IN, now=during(activity))


def test_a_resident_cannot_scan_other_peoples_codes(signed_up, place, person):
    activity, resident, signup = signed_up

    with pytest.raises(NotOrganiser):
        services.scan_code(
            person(place.h102),
            activity.id,
            services.checkin_code(resident, signup.id).code,
            CHECK_IN,
        )


@pytest.fixture
def volunteer_service(place, person, make_activity, organiser):
    from app.volunteers.services import add_member, create_team

    team = create_team(organiser, "红队", "红")
    activity = make_activity(kind=ActivityKind.VOLUNTEER_SERVICE, team_id=team.id, capacity=5)
    volunteer = person(place.h101)
    add_member(organiser, organiser.community_id, team.id, volunteer.user_id)
    signup, _ = services.sign_up(volunteer, activity.id)
    return activity, team, volunteer, signup


def test_a_volunteers_check_out_credits_the_hours_served_once(db, volunteer_service, organiser):
    activity, team, volunteer, signup = volunteer_service
    code = services.checkin_code(volunteer, signup.id).code
    services.scan_code(organiser, activity.id, code, CHECK_IN, now=during(activity, 0))

    services.scan_code(organiser, activity.id, code, CHECK_OUT, now=during(activity, 90))
    services.scan_code(organiser, activity.id, code, CHECK_OUT, now=during(activity, 100))
    services.scan_scene(volunteer, activity.checkin_scene, CHECK_OUT, now=during(activity, 110))

    entries = db.session.scalars(select(HoursEntry).where(HoursEntry.signup_id == signup.id)).all()
    assert [(e.minutes, e.kind.value, e.team_id) for e in entries] == [(90, "credit", team.id)]
    assert balance(activity.community_id, volunteer.user_id) == 90
    assert team_balance(activity.community_id, team.id) == 90


def test_hours_credited_are_at_most_the_scheduled_length(db, volunteer_service):
    activity, _, volunteer, _ = volunteer_service
    early = activity.starts_at - timedelta(minutes=50)
    services.scan_scene(volunteer, activity.checkin_scene, CHECK_IN, now=early)

    services.scan_scene(
        volunteer, activity.checkin_scene, CHECK_OUT, now=activity.ends_at + timedelta(minutes=90)
    )

    assert balance(activity.community_id, volunteer.user_id) == 120


def test_a_community_events_check_out_credits_nothing(db, signed_up):
    activity, resident, _ = signed_up
    services.scan_scene(resident, activity.checkin_scene, CHECK_IN, now=during(activity))

    services.scan_scene(resident, activity.checkin_scene, CHECK_OUT, now=during(activity, 60))

    assert db.session.scalar(select(func.count()).select_from(HoursEntry)) == 0


def test_the_resident_scans_over_http_and_a_second_scan_answers_the_same(
    client, place, make_activity, wechat_user
):
    from app.core.clock import utcnow

    activity = make_activity(starts_at=utcnow().replace(microsecond=0) + timedelta(minutes=30))
    resident = wechat_user()
    resident.log_in()
    bind(place.h101, resident.get("/api/v1/me").json["id"])
    resident.post(f"/api/v1/activities/{activity.id}/signups", json={})

    first = resident.post("/api/v1/activities/scan", json={"scene": activity.checkin_scene})
    second = resident.post("/api/v1/activities/scan", json={"scene": activity.checkin_scene})

    assert first.status_code == second.status_code == 200
    answered, again = dict(first.json), dict(second.json)
    assert (answered.pop("changed"), again.pop("changed")) == (True, False)
    assert answered == again
    assert answered["checked_in_at"] is not None
    assert "attendee" not in answered


def test_organisers_get_the_activitys_mini_program_code(client, signed_up, admin):
    activity, *_ = signed_up

    response = admin.get(f"/api/v1/admin/activities/{activity.id}/wxacode")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
