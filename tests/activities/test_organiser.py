"""What organisers see and do: attendees and the waiting list with answers and check-in status,
the Excel export, the participants' list (private for mixers), Youth Lounge shop teams, and
telling an activity's participants through a notice."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.activities import services
from app.activities.models import ActivityKind, SignupStatus
from app.activities.services.checkin import ScanAction
from app.activities.services.errors import (
    ActivityCancelled,
    NotOrganiser,
    ParticipantsPrivate,
    ShopRequired,
)
from app.core.audit import AuditEntry
from app.merchants.models import ShopMember
from app.notices.audience import resolve_audience, validate_audience
from tests.factories import BuildingFactory, HouseholdFactory

QUESTIONS = [{"key": "age", "label": "孩子年龄", "kind": "text", "required": True}]


@pytest.fixture
def busy(place, person, make_activity):
    """Capacity 3: 张三 with 李小明 (2 seats, checked in), 赵六 (1), then 钱七 waiting."""
    activity = make_activity(capacity=3, questions=QUESTIONS)
    family = person(place.h101, place.zhang)
    party, _ = services.sign_up(
        family, activity.id, companion_ids=[place.li.id], answers={"age": "7"}
    )
    single, _ = services.sign_up(person(place.h102), activity.id, answers={"age": "9"})
    waiting, _ = services.sign_up(person(place.h201), activity.id, answers={"age": "5"})
    services.scan_scene(family, activity.checkin_scene, ScanAction.CHECK_IN, now=activity.starts_at)
    return activity, party, single, waiting


def test_the_organiser_lists_attendees_with_answers_and_check_in(busy, organiser):
    activity, party, single, _ = busy

    page = services.list_signups(organiser, activity.id, page=1, page_size=20)

    rows = {row.signup.id: row for row in page["items"]}
    assert page["total"] == 3
    assert rows[party.id].companions == ["李**"]
    assert rows[party.id].flat == "1-1-0101"
    assert rows[party.id].signup.answers == {"age": "7"}
    assert rows[party.id].signup.checked_in_at is not None
    assert rows[single.id].signup.checked_in_at is None


def test_the_waiting_list_is_in_queue_order(busy, organiser, place, person):
    activity, *_, waiting = busy
    newcomer = person(HouseholdFactory(building=place.b2, room="0909"))
    behind, _ = services.sign_up(newcomer, activity.id, answers={"age": "1"})

    page = services.list_signups(
        organiser, activity.id, page=1, page_size=20, status=SignupStatus.WAITLISTED
    )

    assert [row.signup.id for row in page["items"]] == [waiting.id, behind.id]


def test_other_staff_cannot_see_someone_elses_activity(busy, person):
    activity, *_ = busy

    with pytest.raises(NotOrganiser):
        services.list_signups(person(roles=("grid_worker",)), activity.id, page=1, page_size=20)


def test_the_export_is_a_workbook_of_every_sign_up(client, db, busy, organiser, admin):
    activity, party, single, waiting = busy

    response = admin.get(f"/api/v1/admin/activities/{activity.id}/export")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "状态", "报名人") and rows[0][-1] == "孩子年龄"
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {party.id, single.id, waiting.id}
    assert by_id[party.id][1] == "已报名" and by_id[waiting.id][1] == "候补中"
    assert by_id[party.id][7] == "李**" and by_id[party.id][-1] == "7"
    assert by_id[party.id][9]  # checked in
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "activity.export"))
    assert audit.detail == {"rows": 3}


def test_participants_are_listed_masked(busy, place, person):
    activity, *_ = busy

    listed = services.list_participants(person(place.h201), activity.id)

    assert [p.seats for p in listed] == [2, 1]
    assert all(p.name.endswith("*") for p in listed)


@pytest.fixture
def mixer(make_activity):
    return make_activity(
        kind=ActivityKind.YOUTH_LOUNGE, title="青年联谊会", participants_private=True, capacity=20
    )


def test_a_mixers_participants_are_for_its_organisers_only(mixer, place, person, organiser):
    guest = person(place.h101)
    services.sign_up(guest, mixer.id)

    with pytest.raises(ParticipantsPrivate):
        services.list_participants(guest, mixer.id)
    assert len(services.list_participants(organiser, mixer.id)) == 1


def test_a_mixers_participants_answer_403_over_http(mixer, resident):
    response = resident.get(f"/api/v1/activities/{mixer.id}/participants")

    assert (response.status_code, response.json["reason"]) == (403, "participants_private")


@pytest.fixture
def shops(db, community):
    from app.community.models import Shop

    building = BuildingFactory(community_id=community.id, code="S1")
    made = [
        Shop(community_id=community.id, building_id=building.id, unit_label=f"S1-10{n}",
             name=name, category="餐饮")
        for n, name in enumerate(["焦记面馆", "小焦咖啡"])
    ]  # fmt: skip
    db.session.add_all(made)
    db.session.flush()
    return made


def merchant_of(db, person, shop):
    actor = person(roles=("merchant",))
    db.session.add(
        ShopMember(community_id=shop.community_id, shop_id=shop.id, user_id=actor.user_id)
    )
    db.session.flush()
    return actor


def test_a_shop_signs_up_a_team_for_a_basketball_game(db, shops, person, make_activity):
    game = make_activity(
        kind=ActivityKind.YOUTH_LOUNGE,
        title="商户篮球赛",
        shop_teams=True,
        audience={"kind": "merchants"},
        capacity=12,
        seats_per_household=6,
    )
    noodle, coffee = shops
    owner, manager = merchant_of(db, person, noodle), merchant_of(db, person, noodle)

    team, _ = services.sign_up(owner, game.id, shop_id=noodle.id, team_size=5)
    same, created = services.sign_up(manager, game.id, shop_id=noodle.id, team_size=5)

    assert team.status == SignupStatus.CONFIRMED and team.seats == 5 and team.shop_id == noodle.id
    assert not created and same.id == team.id
    with pytest.raises(ShopRequired):  # a merchant signs up only shops they act for
        services.sign_up(merchant_of(db, person, noodle), game.id, shop_id=coffee.id, team_size=5)
    names = [p.shop_name for p in services.list_participants(person(roles=("merchant",)), game.id)]
    assert names == ["焦记面馆"]


def test_staff_link_a_merchant_to_a_shop(client, shops, admin, wechat_user):
    merchant = wechat_user()
    merchant.log_in()
    user_id = merchant.get("/api/v1/me").json["id"]

    response = admin.post(f"/api/v1/admin/shops/{shops[0].id}/members", json={"user_id": user_id})

    assert response.status_code == 200
    assert [s["name"] for s in merchant.get("/api/v1/me/shops").json] == ["焦记面馆"]
    assert "merchant" in merchant.get("/api/v1/me").json["roles"]


def test_staff_notify_an_activitys_participants_through_the_notices_audience(
    busy, organiser, person
):
    activity, party, single, _ = busy

    audience = validate_audience(organiser, {"kind": "activity", "ids": [activity.id]})
    reached = resolve_audience(activity.community_id, audience)

    assert {a.user_id for a in reached} == {party.user_id, single.user_id}
    with pytest.raises(NotOrganiser):
        validate_audience(person(roles=("grid_worker",)), audience)


def test_a_cancelled_activity_takes_no_more_sign_ups(busy, organiser, place, person):
    activity, *_ = busy

    services.cancel_activity(organiser, activity.id, "天气原因")

    with pytest.raises(ActivityCancelled):
        services.sign_up(
            person(HouseholdFactory(building=place.b1, room="0909")),
            activity.id,
            answers={"age": "3"},
        )


def test_the_organisers_endpoints_answer_in_their_shapes(client, busy, admin):
    activity, party, _, waiting = busy
    base = f"/api/v1/admin/activities/{activity.id}"

    shown = admin.get(base).json
    listed = admin.get(f"{base}/signups?status=waitlisted").json
    everyone = admin.get(f"{base}/signups").json
    changed = admin.client.patch(base, json={"capacity": 4, "place": "活动中心二楼"},
                                 headers=admin.headers)  # fmt: skip
    organised = admin.get("/api/v1/admin/activities").json
    called_off = admin.post(f"{base}/cancel", json={"reason": "场地检修"})

    assert (shown["seats_taken"], shown["waiting"], shown["capacity"]) == (3, 1, 3)
    assert [row["signup"]["id"] for row in listed["items"]] == [waiting.id]
    row = next(r for r in everyone["items"] if r["signup"]["id"] == party.id)
    assert row["companions"] == ["李**"] and row["flat"] == "1-1-0101"
    assert row["signup"]["answers"] == {"age": "7"} and row["signup"]["checked_in_at"]
    assert changed.status_code == 200 and changed.json["place"] == "活动中心二楼"
    assert changed.json["waiting"] == 0  # the new seat went to the waiting party
    assert organised["total"] == 1
    assert (called_off.status_code, called_off.json["status"]) == (200, "cancelled")


def test_pending_sign_ups_are_approved_or_rejected_over_http(
    client, place, person, admin, make_activity
):
    activity = make_activity(capacity=1, requires_approval=True)
    first, _ = services.sign_up(person(place.h101), activity.id)
    second, _ = services.sign_up(person(place.h102), activity.id)
    base = f"/api/v1/admin/activities/{activity.id}/signups"

    approved = admin.post(f"{base}/{first.id}/approve")
    rejected = admin.post(f"{base}/{second.id}/reject", json={"reason": "不符合条件"})
    again = admin.post(f"{base}/{second.id}/approve")

    assert approved.json["status"] == "confirmed" and rejected.json["status"] == "rejected"
    assert (again.status_code, again.json["reason"]) == (409, "signup_not_pending")
