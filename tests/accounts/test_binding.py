"""Residents bind themselves to flats: by their roster phone, by a claim, and unbind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import BindingRequest, HouseholdMember
from app.community.models import HouseholdStatus, OccupantRelation
from tests.factories import BuildingFactory, CommunityFactory, HouseholdFactory, OccupantFactory

PHONE = "13812341234"


@pytest.fixture
def building(community):
    return BuildingFactory(community_id=community.id, code="3", name="3号楼")


@pytest.fixture
def flat(building):
    """Flat 3-2-1502, occupied, with 张三 (138…1234) on its lease."""
    household = HouseholdFactory(building=building, unit_code="2", room="1502")
    OccupantFactory(household=household, name="张三", phone=PHONE)
    return household


def bind_phone(person, phone=PHONE):
    return person.post("/api/v1/me/phone", json={"code": person.phone_code(phone)})


def claim(person, flat="3-2-1502", name="张三", last4="1234"):
    body = {"flat": flat, "name": name, "phone_last4": last4}
    return person.post("/api/v1/me/households/claims", json=body)


def delete(person, url):
    return person.client.delete(url, headers=person.headers)


def roles(person):
    return person.get("/api/v1/me").json["roles"]


def test_binding_a_phone_on_the_roster_binds_the_flat_and_makes_a_resident(resident, flat):
    response = bind_phone(resident)

    assert response.status_code == 200
    assert response.json["roles"] == ["resident"]
    assert roles(resident) == ["resident"]
    (binding,) = resident.get("/api/v1/me/households").json["bindings"]
    assert binding["flat"] == "3-2-1502"
    assert binding["building"] == "3号楼"
    assert binding["relation"] == "primary_tenant"
    assert binding["method"] == "phone_match"
    assert binding["since"].endswith("+08:00")


def test_a_phone_not_on_the_roster_binds_nothing_and_grants_no_role(resident, flat):
    assert bind_phone(resident, "13900001111").json["roles"] == []

    response = resident.post("/api/v1/me/households/auto")

    assert response.status_code == 404
    assert response.json["reason"] == "roster_no_match"
    assert roles(resident) == []
    assert resident.get("/api/v1/me/households").json["bindings"] == []


def test_the_phone_match_skips_vacant_flats(resident, building):
    vacant = HouseholdFactory(building=building, status=HouseholdStatus.VACANT)
    OccupantFactory(household=vacant, phone=PHONE)

    assert bind_phone(resident).json["roles"] == []
    assert resident.post("/api/v1/me/households/auto").json["reason"] == "roster_no_match"


def test_the_phone_match_ignores_another_communitys_roster(resident, db):
    elsewhere = BuildingFactory(community_id=CommunityFactory(slug="shuangjing").id)
    OccupantFactory(household=HouseholdFactory(building=elsewhere), phone=PHONE)

    assert bind_phone(resident).json["roles"] == []


def test_retrying_the_phone_match_after_a_roster_update_binds(resident, building):
    bind_phone(resident)
    household = HouseholdFactory(building=building, unit_code="2", room="1502")
    OccupantFactory(household=household, phone=PHONE, name="张三")

    response = resident.post("/api/v1/me/households/auto")

    assert response.status_code == 200
    assert response.json["flat"] == "3-2-1502"
    assert roles(resident) == ["resident"]


def test_retrying_the_phone_match_needs_a_bound_phone(resident, flat):
    response = resident.post("/api/v1/me/households/auto")

    assert response.status_code == 422
    assert response.json["reason"] == "phone_required"


def test_a_full_household_refuses_the_phone_match(resident, wechat_user, flat, community, db):
    community.settings = {"max_members_per_household": 1}
    OccupantFactory(household=flat, name="李四", phone="13700001111")
    first = wechat_user()
    first.log_in()
    assert bind_phone(first, "13700001111").json["roles"] == ["resident"]

    assert bind_phone(resident).json["roles"] == []
    response = resident.post("/api/v1/me/households/auto")

    assert response.status_code == 409
    assert response.json["reason"] == "household_full"


@pytest.mark.parametrize("wrong", [{"last4": "9999"}, {"name": "李四"}])
def test_a_claim_with_wrong_details_gets_one_answer_whichever_part_was_wrong(
    resident, flat, db, wrong
):
    response = claim(resident, **wrong)

    assert response.status_code == 422
    assert response.json["reason"] == "binding_details_mismatch"
    assert response.json["message"] == "房号、姓名或手机号后四位与登记信息不一致"
    assert db.session.scalar(select(func.count()).select_from(BindingRequest)) == 0


def test_claims_are_refused_after_five_failures_even_with_correct_details(resident, flat):
    statuses = [claim(resident, last4="0000").status_code for _ in range(5)]

    response = claim(resident)

    assert statuses == [422] * 5
    assert response.status_code == 429
    assert response.json["reason"] == "binding_attempts_exceeded"
    assert int(response.headers["Retry-After"]) > 0


def test_correct_claims_do_not_count_towards_the_limit(resident, flat):
    statuses = [claim(resident).status_code for _ in range(7)]

    assert statuses == [201] + [200] * 6


def test_a_correct_claim_waits_for_staff_and_a_repeat_answers_the_same_claim(resident, flat):
    first = claim(resident)
    again = claim(resident)

    assert first.status_code == 201
    assert first.json["status"] == "pending"
    assert first.json["flat"] == "3-2-1502"
    assert again.status_code == 200
    assert again.json["id"] == first.json["id"]
    mine = resident.get("/api/v1/me/households").json
    assert [c["id"] for c in mine["claims"]] == [first.json["id"]]
    assert mine["bindings"] == []
    assert roles(resident) == []


def test_claiming_a_vacant_flat_is_refused(resident, building):
    vacant = HouseholdFactory(
        building=building, unit_code="2", room="1502", status=HouseholdStatus.VACANT
    )
    OccupantFactory(household=vacant, name="张三", phone=PHONE)

    response = claim(resident)

    assert response.status_code == 409
    assert response.json["reason"] == "household_vacant"


def test_claiming_a_flat_of_another_community_finds_nothing(resident, flat, db):
    elsewhere = BuildingFactory(community_id=CommunityFactory(slug="shuangjing").id, code="9")
    OccupantFactory(household=HouseholdFactory(building=elsewhere, room="0101"), name="张三")

    response = claim(resident, flat="9-1-0101")

    assert response.status_code == 404
    assert response.json["reason"] == "household_not_found"


@pytest.mark.parametrize(
    "field, value",
    [("flat", "3号楼2单元1502"), ("flat", "3-2-15"), ("phone_last4", "12a4"), ("name", "")],
)
def test_claim_details_must_be_well_formed(resident, flat, field, value):
    body = {"flat": "3-2-1502", "name": "张三", "phone_last4": "1234", field: value}

    response = resident.post("/api/v1/me/households/claims", json=body)

    assert response.status_code == 422
    assert field in response.json["errors"]


def test_claiming_a_flat_one_is_bound_to_is_refused(resident, flat):
    bind_phone(resident)

    response = claim(resident)

    assert response.status_code == 409
    assert response.json["reason"] == "already_bound"


def test_unbinding_revokes_the_resident_role_only_with_the_last_binding(resident, flat, building):
    second = HouseholdFactory(building=building)
    OccupantFactory(household=second, relation=OccupantRelation.CO_RESIDENT, phone=PHONE)
    bind_phone(resident)
    first_id, second_id = (b["id"] for b in resident.get("/api/v1/me/households").json["bindings"])

    assert delete(resident, f"/api/v1/me/households/{first_id}").status_code == 204
    assert roles(resident) == ["resident"]
    assert delete(resident, f"/api/v1/me/households/{second_id}").status_code == 204
    assert roles(resident) == []
    assert resident.get("/api/v1/me/households").json["bindings"] == []


def test_binding_again_after_unbinding_reuses_the_one_row(resident, flat, db):
    bind_phone(resident)
    (binding,) = resident.get("/api/v1/me/households").json["bindings"]
    delete(resident, f"/api/v1/me/households/{binding['id']}")

    response = resident.post("/api/v1/me/households/auto")

    assert response.status_code == 200
    assert response.json["id"] == binding["id"]
    assert roles(resident) == ["resident"]
    rows = db.session.scalars(select(HouseholdMember)).all()
    assert [(r.is_active, r.ended_at) for r in rows] == [(True, None)]


def test_a_resident_sees_and_touches_only_their_own_households(
    resident, wechat_user, flat, building
):
    neighbour = wechat_user()
    neighbour.log_in()
    theirs = HouseholdFactory(building=building, unit_code="1", room="0808")
    OccupantFactory(household=theirs, name="王五", phone="13655556666")
    bind_phone(neighbour, "13655556666")
    bind_phone(resident)

    mine = resident.get("/api/v1/me/households").json
    (their_binding,) = neighbour.get("/api/v1/me/households").json["bindings"]

    assert [b["flat"] for b in mine["bindings"]] == ["3-2-1502"]
    assert "3-1-0808" not in str(mine)
    response = delete(resident, f"/api/v1/me/households/{their_binding['id']}")
    assert response.status_code == 404
    assert response.json["reason"] == "binding_not_found"
    assert roles(neighbour) == ["resident"]


def test_a_resident_cannot_withdraw_someone_elses_claim(resident, wechat_user, flat):
    other = wechat_user()
    other.log_in()
    their_claim = claim(other).json

    response = delete(resident, f"/api/v1/me/households/claims/{their_claim['id']}")

    assert response.status_code == 404
    assert response.json["reason"] == "binding_request_not_found"
    assert [c["id"] for c in other.get("/api/v1/me/households").json["claims"]] == [
        their_claim["id"]
    ]


def test_withdrawing_a_claim_removes_it_and_cannot_be_repeated(resident, flat):
    claim_id = claim(resident).json["id"]

    first = delete(resident, f"/api/v1/me/households/claims/{claim_id}")
    again = delete(resident, f"/api/v1/me/households/claims/{claim_id}")

    assert first.status_code == 204
    assert resident.get("/api/v1/me/households").json["claims"] == []
    assert again.status_code == 409
    assert again.json["reason"] == "binding_request_decided"


def test_a_burst_of_parallel_wrong_guesses_gets_no_more_than_the_allowed_tries(app, redis_client):
    import threading

    from app.accounts.services.binding_claims import (
        CLAIM_FAILURES_ALLOWED,
        BindingAttemptsExceeded,
        BindingDetailsMismatch,
        _attempt,
    )

    outcomes, barrier = [], threading.Barrier(30)

    def guess():
        with app.app_context():
            barrier.wait()
            try:
                with _attempt("linli:binding-claim-failures:burst", CLAIM_FAILURES_ALLOWED):
                    raise BindingDetailsMismatch()
            except (BindingDetailsMismatch, BindingAttemptsExceeded) as error:
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("BindingDetailsMismatch") == CLAIM_FAILURES_ALLOWED
    assert outcomes.count("BindingAttemptsExceeded") == 30 - CLAIM_FAILURES_ALLOWED
