"""Who a notice reaches: the audience kinds, grid workers held to their grids, foreign ids."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.accounts.services.roles import grant_role
from app.community.services.scope import NotYourGrid
from app.core.audit import AuditEntry
from app.notices import audience as audience_module
from app.notices.audience import (
    AudienceAdminOnly,
    AudienceKindUnknown,
    AudienceUnknownIds,
    register_audience_kind,
    residents_of,
)
from app.notices.models import Notice, NoticeRecipient
from app.notices.services import create_notice
from tests.factories import BuildingFactory, CommunityFactory, GridFactory, HouseholdFactory
from tests.notices.conftest import bind


def publish(actor, audience, **kwargs):
    return create_notice(
        actor,
        title="停水通知",
        body="明天 9:00-12:00 停水",
        images=[],
        audience=audience,
        push=False,
        **kwargs,
    )


def recipients(db, notice):
    rows = db.session.execute(
        select(NoticeRecipient.user_id, NoticeRecipient.household_id).where(
            NoticeRecipient.notice_id == notice.id
        )
    )
    return {user_id: household_id for user_id, household_id in rows}


def test_a_grid_workers_notice_to_their_grid_reaches_exactly_its_residents(db, place, worker_actor):
    notice = publish(worker_actor, {"kind": "grids", "ids": [place.grid_a.id]})

    assert recipients(db, notice) == {
        place.u101a: place.h101.id,
        place.u101b: place.h101.id,
        place.u102: place.h102.id,
    }


@pytest.mark.parametrize(
    ("kind", "target"), [("grids", "grid_b"), ("buildings", "b2"), ("households", "h201")]
)
def test_a_grid_worker_targeting_another_grid_is_refused_and_nothing_is_written(
    db, place, worker_actor, kind, target
):
    with pytest.raises(NotYourGrid):
        publish(worker_actor, {"kind": kind, "ids": [getattr(place, target).id]})

    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "notice.create")
        )
        == 0
    )


def test_a_grid_worker_cannot_address_a_building_outside_every_grid(db, place, worker_actor):
    with pytest.raises(NotYourGrid):
        publish(worker_actor, {"kind": "buildings", "ids": [place.b1.id, place.b9.id]})


@pytest.mark.parametrize("audience", [{"kind": "community"}, {"kind": "roles", "roles": ["admin"]}])
def test_the_whole_community_and_roles_are_for_admins_only(place, worker_actor, audience):
    with pytest.raises(AudienceAdminOnly):
        publish(worker_actor, audience)


def test_an_admins_notice_to_the_community_reaches_every_resident_and_nobody_else(
    db, place, admin_actor
):
    notice = publish(admin_actor, {"kind": "community"})

    assert recipients(db, notice) == {
        place.u101a: place.h101.id,
        place.u101b: place.h101.id,
        place.u102: place.h102.id,
        place.u201: place.h201.id,
        place.u901: place.h901.id,
    }


def test_a_person_bound_to_two_flats_gets_one_copy(db, place, admin_actor):
    bind(place.h201, place.u101a)

    notice = publish(admin_actor, {"kind": "community"})

    assert recipients(db, notice)[place.u101a] == min(place.h101.id, place.h201.id)
    assert len(recipients(db, notice)) == 5


def test_a_notice_to_roles_reaches_their_holders_with_a_flat_only_for_residents(
    db, place, admin_actor, community, worker_actor
):
    grant_role(None, place.u201, community.id, Role.GRID_WORKER)

    notice = publish(admin_actor, {"kind": "roles", "roles": ["grid_worker"]})

    assert recipients(db, notice) == {worker_actor.user_id: None, place.u201: place.h201.id}
    assert notice.audience == {"kind": "roles", "roles": ["grid_worker"]}


def test_a_notice_to_chosen_households_reaches_their_members(db, place, admin_actor):
    notice = publish(admin_actor, {"kind": "households", "ids": [place.h101.id, place.h901.id]})

    assert set(recipients(db, notice)) == {place.u101a, place.u101b, place.u901}


def test_a_notice_to_buildings_reaches_their_residents(db, place, admin_actor):
    notice = publish(admin_actor, {"kind": "buildings", "ids": [place.b2.id, place.b9.id]})

    assert set(recipients(db, notice)) == {place.u201, place.u901}


@pytest.mark.parametrize("kind", ["grids", "buildings", "households"])
def test_ids_of_another_community_are_unknown(db, place, admin_actor, kind):
    other = CommunityFactory()
    grid = GridFactory(community_id=other.id, name="外网格")
    building = BuildingFactory(community_id=other.id, code="1", grid_id=grid.id)
    household = HouseholdFactory(building=building)
    foreign = {"grids": grid, "buildings": building, "households": household}[kind]

    with pytest.raises(AudienceUnknownIds) as raised:
        publish(admin_actor, {"kind": kind, "ids": [foreign.id]})

    assert raised.value.errors == {"ids": [foreign.id]}
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_an_unregistered_kind_is_unknown(place, admin_actor):
    with pytest.raises(AudienceKindUnknown):
        publish(admin_actor, {"kind": "galaxy", "ids": [1]})


def test_another_domain_can_register_a_kind(db, place, admin_actor, monkeypatch):
    monkeypatch.setattr(audience_module, "_KINDS", dict(audience_module._KINDS))
    register_audience_kind(
        "activity",
        lambda community_id, audience: residents_of(community_id).where(
            audience_module.HouseholdMember.user_id == place.u201
        ),
    )

    notice = publish(admin_actor, {"kind": "activity", "ids": [7]})

    assert recipients(db, notice) == {place.u201: place.h201.id}
    assert notice.audience == {"kind": "activity", "ids": [7]}
