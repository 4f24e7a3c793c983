"""The activities staff may scan at now (``GET /admin/activities?scannable=true``): those whose
check-in or check-out window is open — the very window a scan is let through in, so an ended
activity stays listed for late check-outs — for grid workers and admins across the community,
for other organisers only their own; soonest first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.activities import services
from app.activities.services.checkin import ScanAction
from app.activities.services.errors import CheckinCodeExpired, CheckinNotOpen
from app.core.clock import utcnow

SCANNABLE = "/api/v1/admin/activities?scannable=true"
SECOND = timedelta(seconds=1)


def ids(page: dict) -> list[int]:
    return [activity.id for activity in page["items"]]


def at(make_activity, start, hours: float = 2, **overrides):
    """An activity from ``start`` for ``hours``, whose sign-up opened two days before it."""
    return make_activity(
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        signup_opens_at=start - timedelta(days=2),
        **overrides,
    )


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (lambda a: a.starts_at - timedelta(hours=1) - SECOND, False),
        (lambda a: a.starts_at - timedelta(hours=1), True),
        (lambda a: a.starts_at + timedelta(minutes=30), True),
        (lambda a: a.ends_at + timedelta(hours=2) - SECOND, True),  # a late check-out
        (lambda a: a.ends_at + timedelta(hours=2) + SECOND, False),
    ],
)
def test_an_activity_is_listed_exactly_while_a_scan_there_goes_through(
    place, person, make_activity, moment, open_
):
    activity = make_activity()
    resident = person(place.h101)
    signup, _ = services.sign_up(resident, activity.id)
    worker = person(roles=("grid_worker",))
    now = moment(activity)

    listed = services.list_scannable(worker, page=1, page_size=20, now=now)
    try:
        code = services.checkin_code(resident, signup.id).code
        services.scan_code(worker, activity.id, code, ScanAction.CHECK_IN, now=now)
        scanned = True
    except (CheckinNotOpen, CheckinCodeExpired):  # past the end, the code lapses too
        scanned = False

    assert (ids(listed) == [activity.id]) is open_
    assert scanned is open_


def test_grid_workers_and_admins_see_every_scannable_activity_organisers_only_their_own(
    person, make_activity, organiser
):
    now = utcnow().replace(microsecond=0)
    ended = at(make_activity, now - timedelta(hours=3))  # ended an hour ago: check-out open
    under_way = at(make_activity, now - timedelta(minutes=30))
    org_staff = person(roles=("org_staff",))
    theirs = at(make_activity, now + timedelta(minutes=45), by=org_staff)
    at(make_activity, now + timedelta(hours=2))  # not yet
    at(make_activity, now - timedelta(hours=5))  # closed three hours after its end
    called_off = at(make_activity, now - timedelta(minutes=10))
    services.cancel_activity(organiser, called_off.id)

    def scannable(actor) -> list[int]:
        return ids(services.list_scannable(actor, page=1, page_size=20, now=now))

    everything = [ended.id, under_way.id, theirs.id]  # soonest first
    assert scannable(person(roles=("grid_worker",))) == everything
    assert scannable(person(roles=("admin",))) == everything
    assert scannable(org_staff) == [theirs.id]
    assert scannable(person(roles=("org_staff",))) == []


def test_a_grid_worker_lists_the_scannable_activities_over_http(client, make_activity, make_staff):
    now = utcnow().replace(microsecond=0)
    ended = at(make_activity, now - timedelta(hours=3), title="楼道清扫")
    soon = at(make_activity, now + timedelta(minutes=30), title="邻里节")
    at(make_activity, now + timedelta(days=2))
    worker = make_staff("grid_worker")

    response = worker.get(SCANNABLE)
    organised = worker.get("/api/v1/admin/activities")

    assert response.status_code == 200
    body = response.json
    assert [item["id"] for item in body["items"]] == [ended.id, soon.id]
    assert (body["total"], body["page"]) == (2, 1)
    assert body["items"][0]["title"] == "楼道清扫"
    assert body["items"][0]["status"] == "published"
    assert "checkin_scene" in body["items"][0]  # the same AdminActivitySchema as the list
    assert organised.json["total"] == 0  # without the flag: only what they organise


def test_residents_cannot_list_scannable_activities(resident):
    response = resident.get(SCANNABLE)

    assert response.status_code == 403


@pytest.mark.parametrize("query", ["scannable=maybe", "scannable=", "scannable=true&page=0"])
def test_a_bad_scannable_query_is_422(make_staff, query):
    response = make_staff("grid_worker").get(f"/api/v1/admin/activities?{query}")

    assert (response.status_code, response.json["reason"]) == (422, "validation_failed")
