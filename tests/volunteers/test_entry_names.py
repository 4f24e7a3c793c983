"""Ledger entries in lists carry the names of their team and activity (null when they have
none), joined in the page's own query rather than looked up entry by entry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.activities import services as activities
from app.activities.models import ActivityKind
from app.core.auth import Actor
from app.core.clock import utcnow
from app.volunteers import services


@pytest.fixture
def organiser(admin) -> Actor:
    return Actor(admin.user_id, admin.community_id, frozenset({"admin"}), "test")


@pytest.fixture
def team(organiser):
    return services.create_team(organiser, "橙队", "橙")


def service(organiser, team, title: str):
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    return activities.create_activity(
        organiser,
        kind=ActivityKind.VOLUNTEER_SERVICE,
        title=title,
        description="",
        place="北焦河畔",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=10,
        team_id=team.id,
        audience={"kind": "everyone"},
    )


def credit(volunteer_id, community_id, minutes, key, team=None, activity=None):
    return services.credit_hours(
        community_id=community_id,
        user_id=volunteer_id,
        minutes=minutes,
        credit_key=key,
        team_id=team.id if team else None,
        activity_id=activity.id if activity else None,
    )


def test_my_entries_name_their_team_and_activity(client, community, organiser, team, resident):
    me = resident.get("/api/v1/me").json["id"]
    patrol = service(organiser, team, "护河志愿巡查")
    served = credit(me, community.id, 90, "signup:a", team, patrol)
    credit(me, community.id, 30, "manual:1")  # no team, no activity
    services.correct_entry(organiser, served.id, -15, "提前离场")

    mine = resident.get("/api/v1/me/volunteer-hours").json

    named = [(e["minutes"], e["team_name"], e["activity_title"]) for e in mine["items"]]
    assert named == [(-15, "橙队", "护河志愿巡查"), (30, None, None), (90, "橙队", "护河志愿巡查")]
    assert mine["minutes"] == 105
    assert mine["total"] == 3


def test_the_admin_list_names_entries_and_keeps_its_filters(
    client, community, organiser, team, admin, resident
):
    me = resident.get("/api/v1/me").json["id"]
    patrol, garden = service(organiser, team, "护河志愿巡查"), service(organiser, team, "花园维护")
    credit(me, community.id, 60, "signup:b", team, patrol)
    credit(me, community.id, 45, "signup:c", team, garden)
    credit(me, community.id, 20, "signup:d")

    by_team = admin.get(f"/api/v1/admin/volunteers/hours?team_id={team.id}").json
    everyone = admin.get("/api/v1/admin/volunteers/hours").json

    assert [e["activity_title"] for e in by_team["items"]] == ["花园维护", "护河志愿巡查"]
    assert by_team["total"] == 2
    assert [e["team_name"] for e in everyone["items"]] == [None, "橙队", "橙队"]
    assert everyone["total"] == 3


def test_a_page_of_entries_is_read_without_a_query_per_entry(
    client, community, organiser, team, admin, resident, sql_log
):
    me = resident.get("/api/v1/me").json["id"]
    for n in range(5):
        credit(me, community.id, 10 + n, f"signup:n{n}", team, service(organiser, team, f"服务{n}"))
    sql_log.clear()

    page = admin.get("/api/v1/admin/volunteers/hours?page_size=10").json

    assert {e["activity_title"] for e in page["items"]} == {f"服务{n}" for n in range(5)}
    lookups = sql_log.reading("volunteer_team", "activity")
    assert lookups and all("hours_entry" in s for s in lookups)  # only the page and its count
    assert len(lookups) == 2


@pytest.mark.parametrize("query", ["team_id=0", "user_id=abc", "page_size=0"])
def test_bad_list_arguments_are_422(client, admin, query):
    response = admin.get(f"/api/v1/admin/volunteers/hours?{query}")

    assert (response.status_code, response.json["reason"]) == (422, "validation_failed")


def test_a_correction_answers_as_before(client, community, organiser, team, admin, resident):
    me = resident.get("/api/v1/me").json["id"]
    original = credit(me, community.id, 60, "signup:e", team, service(organiser, team, "巡查"))

    response = admin.post(
        f"/api/v1/admin/volunteers/hours/{original.id}/corrections",
        json={"minutes": -10, "reason": "记录有误"},
    )

    assert response.status_code == 201
    assert (response.json["team_id"], response.json["corrects_entry_id"]) == (team.id, original.id)
