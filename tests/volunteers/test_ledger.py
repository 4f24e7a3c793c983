"""The hours ledger: credits once per key, corrections as compensating entries, balances that
always equal the sum of their entries, and a table that refuses edits."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from app.accounts.models import Role
from app.accounts.services.roles import grant_role
from app.core.audit import AuditEntry
from app.core.auth import Actor
from app.volunteers import services
from app.volunteers.models import EntryKind, HoursEntry
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def people(db, community):
    def make(*roles: str) -> Actor:
        user = UserFactory()
        MembershipFactory(user_id=user.id, community_id=community.id)
        for role in roles:
            grant_role(None, user.id, community.id, Role(role))
        return Actor(user.id, community.id, frozenset(roles), "test")

    return make


@pytest.fixture
def admin_actor(people):
    return people("admin")


@pytest.fixture
def team(admin_actor):
    return services.create_team(admin_actor, "橙队", "橙")


def credit(community, user_id, minutes, key, team=None):
    return services.credit_hours(
        community_id=community.id,
        user_id=user_id,
        minutes=minutes,
        credit_key=key,
        team_id=team.id if team else None,
    )


def test_a_credit_key_credits_once(community, people, team):
    volunteer = people()

    first = credit(community, volunteer.user_id, 60, "signup:1", team)
    again = credit(community, volunteer.user_id, 60, "signup:1", team)

    assert again.id == first.id
    assert services.balance(community.id, volunteer.user_id) == 60
    assert services.team_balance(community.id, team.id) == 60


def test_a_correction_is_a_compensating_entry(db, community, people, team, admin_actor):
    volunteer = people()
    original = credit(community, volunteer.user_id, 120, "signup:2", team)

    correction = services.correct_entry(admin_actor, original.id, -30, "提前离场")

    assert (correction.kind, correction.minutes, correction.corrects_entry_id) == (
        EntryKind.CORRECTION, -30, original.id)  # fmt: skip
    db.session.refresh(original)
    assert original.minutes == 120  # the original is never edited
    assert services.balance(community.id, volunteer.user_id) == 90
    assert services.team_balance(community.id, team.id) == 90
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hours.correct"))
    assert audit.reason == "提前离场"


def test_corrections_cannot_take_an_entry_below_zero(community, people, admin_actor):
    volunteer = people()
    original = credit(community, volunteer.user_id, 60, "signup:3")
    services.correct_entry(admin_actor, original.id, -40, "记录有误")

    with pytest.raises(services.CorrectionTooLarge):
        services.correct_entry(admin_actor, original.id, -21, "再扣")

    assert services.balance(community.id, volunteer.user_id) == 20


def test_a_correction_is_not_corrected_itself(community, people, admin_actor):
    original = credit(community, people().user_id, 60, "signup:4")
    correction = services.correct_entry(admin_actor, original.id, 10, "补记")

    with pytest.raises(services.CorrectionOfCorrection):
        services.correct_entry(admin_actor, correction.id, -10, "撤回")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE hours_entry SET minutes = 999 WHERE id = :id",
        "DELETE FROM hours_entry WHERE id = :id",
    ],
)
def test_the_database_refuses_to_edit_or_remove_an_entry(db, community, people, statement):
    entry = credit(community, people().user_id, 30, "signup:5")

    with pytest.raises(OperationalError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), {"id": entry.id})

    assert db.session.scalar(select(HoursEntry.minutes).where(HoursEntry.id == entry.id)) == 30


def test_the_admin_corrects_over_http_and_the_volunteer_sees_the_total(
    client, db, community, admin, resident
):
    volunteer_id = resident.get("/api/v1/me").json["id"]
    original = credit(community, volunteer_id, 90, "signup:6")

    response = admin.post(
        f"/api/v1/admin/volunteers/hours/{original.id}/corrections",
        json={"minutes": -15, "reason": "签退时间有误"},
    )
    mine = resident.get("/api/v1/me/volunteer-hours").json

    assert response.status_code == 201 and response.json["kind"] == "correction"
    assert mine["minutes"] == 75
    assert [e["minutes"] for e in mine["items"]] == [-15, 90]


def test_a_zero_correction_is_refused(client, community, admin, resident):
    original = credit(community, resident.get("/api/v1/me").json["id"], 90, "signup:7")

    response = admin.post(
        f"/api/v1/admin/volunteers/hours/{original.id}/corrections",
        json={"minutes": 0, "reason": "无"},
    )

    assert (response.status_code, response.json["reason"]) == (422, "validation_failed")


def test_teams_and_members_are_kept_per_community(client, community, admin, resident):
    user_id = resident.get("/api/v1/me").json["id"]
    created = admin.post("/api/v1/admin/volunteers/teams", json={"name": "红队", "colour": "红"})
    team_id = created.json["id"]

    added = admin.post(
        f"/api/v1/admin/volunteers/teams/{team_id}/members", json={"user_id": user_id}
    )
    twice = admin.post("/api/v1/admin/volunteers/teams", json={"name": "红队", "colour": "红"})

    assert created.status_code == 201 and added.status_code == 200
    assert services.team_ids_of(community.id, user_id) == [team_id]
    assert (twice.status_code, twice.json["reason"]) == (409, "volunteer_team_name_taken")
