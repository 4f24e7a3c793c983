"""A bound resident's flats list their flatmates (masked), whom activity sign-ups accept as
companions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import BindingMethod
from app.accounts.services.binding import bind_household
from app.activities import services as activities
from app.activities.models import ActivityKind
from app.community.models import HouseholdStatus, OccupantRelation
from app.core.auth import Actor
from app.core.clock import utcnow
from tests.factories import BuildingFactory, HouseholdFactory, OccupantFactory

PHONE = "13812341234"
URL = "/api/v1/me/households"


@pytest.fixture
def building(community):
    return BuildingFactory(community_id=community.id, code="3", name="3号楼")


@pytest.fixture
def flat(building):
    """3-2-1502: 张三 (the tenant, 138…1234), 李四 and 欧阳娜娜 on the lease, 赵六 moved out."""
    household = HouseholdFactory(building=building, unit_code="2", room="1502")
    people = {
        "zhang": OccupantFactory(household=household, name="张三", phone=PHONE),
        "li": OccupantFactory(
            household=household, name="李四", relation=OccupantRelation.CO_RESIDENT
        ),
        "ouyang": OccupantFactory(
            household=household,
            name="欧阳娜娜",
            phone=None,
            relation=OccupantRelation.CO_RESIDENT,
        ),
        "zhao": OccupantFactory(
            household=household, name="赵六", relation=OccupantRelation.CO_RESIDENT
        ),
    }
    people["zhao"].is_active = False
    household.people = people
    return household


@pytest.fixture
def next_door(building):
    household = HouseholdFactory(building=building, unit_code="2", room="1501")
    OccupantFactory(household=household, name="钱七")
    return household


def bind_phone(person, phone=PHONE):
    return person.post("/api/v1/me/phone", json={"code": person.phone_code(phone)})


def _bindings(person):
    response = person.get(URL)
    assert response.status_code == 200
    return response.json["bindings"]


def test_a_bound_resident_sees_their_flatmates_masked_but_not_themselves(resident, flat, next_door):
    bind_phone(resident)

    (binding,) = _bindings(resident)

    assert binding["household_id"] == flat.id
    assert binding["companions"] == [
        {"id": flat.people["li"].id, "name": "李*", "relation": "co_resident"},
        {"id": flat.people["ouyang"].id, "name": "欧***", "relation": "co_resident"},
    ]
    body = resident.get(URL).get_data(as_text=True)
    for plain in ("李四", "欧阳娜娜", "赵", "钱"):
        assert plain not in body


def test_a_member_bound_to_no_flat_has_no_companions(resident, flat):
    response = resident.get(URL)

    assert response.json == {"bindings": [], "claims": []}


def test_a_binding_without_a_roster_line_lists_every_occupant_of_its_flat(
    resident, flat, community, db
):
    user_id = resident.get("/api/v1/me").json["id"]
    bind_household(community.id, flat.id, user_id, None, BindingMethod.PHONE_MATCH)

    (binding,) = _bindings(resident)

    assert [c["id"] for c in binding["companions"]] == [
        flat.people["zhang"].id,
        flat.people["li"].id,
        flat.people["ouyang"].id,
    ]
    assert binding["companions"][0]["relation"] == "primary_tenant"


def test_each_of_two_flats_lists_only_its_own_people(resident, flat, next_door, community, db):
    bind_phone(resident)
    user_id = resident.get("/api/v1/me").json["id"]
    bind_household(community.id, next_door.id, user_id, None, BindingMethod.STAFF_APPROVAL)

    by_flat = {b["flat"]: b for b in _bindings(resident)}

    assert [c["name"] for c in by_flat["3-2-1502"]["companions"]] == ["李*", "欧***"]
    assert [c["name"] for c in by_flat["3-2-1501"]["companions"]] == ["钱*"]
    assert by_flat["3-2-1501"]["household_id"] == next_door.id


def test_a_flat_no_longer_let_brings_no_one(resident, flat, db):
    bind_phone(resident)
    flat.status = HouseholdStatus.VACANT
    db.session.flush()

    (binding,) = _bindings(resident)

    assert binding["companions"] == []


def test_retrying_the_phone_match_answers_the_binding_with_its_companions(resident, flat):
    bind_phone(resident)

    response = resident.post(f"{URL}/auto")

    assert response.status_code == 200
    assert response.json["household_id"] == flat.id
    assert [c["name"] for c in response.json["companions"]] == ["李*", "欧***"]


def test_the_companions_listed_are_accepted_by_an_activity_sign_up(resident, admin, flat):
    bind_phone(resident)
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    activity = activities.create_activity(
        Actor(admin.user_id, admin.community_id, frozenset({"admin"}), "s"),
        kind=ActivityKind.COMMUNITY_EVENT,
        title="社区邻里节",
        place="社区广场",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=30,
        seats_per_household=3,
        audience={"kind": "everyone"},
    )
    (binding,) = _bindings(resident)

    response = resident.post(
        f"/api/v1/activities/{activity.id}/signups",
        json={
            "household_id": binding["household_id"],
            "companion_ids": [c["id"] for c in binding["companions"]],
        },
    )

    assert response.status_code == 201, response.json
    assert response.json["seats"] == 3
    assert response.json["household_id"] == flat.id
    assert response.json["companion_ids"] == sorted(c["id"] for c in binding["companions"])
