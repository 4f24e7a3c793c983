"""Places, residents and staff for the notices tests.

Grid A holds building 1: flat 1-1-0101 (two people bound), 1-1-0102 (one) and 1-1-0103 (vacant,
with a stale binding). Grid B holds building 2: flat 2-1-0101 (one). Building 9 has no grid:
flat 9-1-0101 (one). Every flat's primary tenant is on the roster.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.accounts.models import BindingMethod, HouseholdMember, Role
from app.accounts.services.roles import grant_role
from app.community.models import GridWorker, HouseholdStatus
from app.core.auth import Actor
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose
from tests.factories import (
    BuildingFactory,
    GridFactory,
    HouseholdFactory,
    OccupantFactory,
    UserFactory,
)


def bind(household, user_id=None, *, active=True) -> int:
    """Bind a person (a new one unless given) to a flat; their user id."""
    from app.extensions import db

    user_id = user_id or UserFactory().id
    db.session.add(
        HouseholdMember(
            community_id=household.community_id,
            household_id=household.id,
            user_id=user_id,
            method=BindingMethod.PHONE_MATCH,
            is_active=active,
        )
    )
    db.session.flush()
    return user_id


def actor(user_id: int, community_id: int, *roles: str) -> Actor:
    return Actor(user_id, community_id, frozenset(roles), "test-session")


@pytest.fixture
def place(db, community):
    grid_a = GridFactory(community_id=community.id, name="A网格")
    grid_b = GridFactory(community_id=community.id, name="B网格")
    b1 = BuildingFactory(community_id=community.id, code="1", grid_id=grid_a.id)
    b2 = BuildingFactory(community_id=community.id, code="2", grid_id=grid_b.id)
    b9 = BuildingFactory(community_id=community.id, code="9", grid_id=None)
    flats = {
        "h101": HouseholdFactory(building=b1, room="0101"),
        "h102": HouseholdFactory(building=b1, room="0102"),
        "h103": HouseholdFactory(building=b1, room="0103", status=HouseholdStatus.VACANT),
        "h201": HouseholdFactory(building=b2, room="0101"),
        "h901": HouseholdFactory(building=b9, room="0101"),
    }
    for key, name in zip(flats, ["张三", "李四", "陈七", "王五", "赵六"], strict=True):
        OccupantFactory(household=flats[key], name=name)
    people = {
        "u101a": bind(flats["h101"]),
        "u101b": bind(flats["h101"]),
        "u102": bind(flats["h102"]),
        "u201": bind(flats["h201"]),
        "u901": bind(flats["h901"]),
    }
    bind(flats["h103"])  # bound to a flat now vacant: no longer a resident
    bind(flats["h102"], active=False)  # a binding that ended
    return SimpleNamespace(
        community=community, grid_a=grid_a, grid_b=grid_b, b1=b1, b2=b2, b9=b9, **flats, **people
    )


@pytest.fixture
def admin_actor(place, community):
    user_id = UserFactory().id
    grant_role(None, user_id, community.id, Role.ADMIN)
    return actor(user_id, community.id, "admin")


@pytest.fixture
def worker_actor(place, community, db):
    """A grid worker of grid A."""
    user_id = UserFactory().id
    grant_role(None, user_id, community.id, Role.GRID_WORKER)
    db.session.add(GridWorker(community_id=community.id, grid_id=place.grid_a.id, user_id=user_id))
    db.session.flush()
    return actor(user_id, community.id, "grid_worker")


@pytest.fixture
def notice_template(db, community):
    template = SubscribeTemplate(
        community_id=community.id,
        purpose=TemplatePurpose.NOTICE,
        template_id="tpl_notice_0001",
        title="社区通知",
        fields={"thing1": "thing", "time2": "time", "thing3": "thing"},
        mapping={"thing1": "title", "time2": "published_at", "thing3": "author"},
        page="pages/notices/detail",
    )
    db.session.add(template)
    db.session.flush()
    return template


@pytest.fixture
def bound_resident(resident, place, db):
    """A logged-in person bound to flat 1-1-0102 (beside u102)."""
    resident.user_id = resident.get("/api/v1/me").json["id"]
    bind(place.h102, resident.user_id)
    return resident


@pytest.fixture
def grid_worker(make_staff, place, community, db):
    """A logged-in grid worker of grid A."""
    worker = make_staff("grid_worker")
    db.session.add(
        GridWorker(community_id=community.id, grid_id=place.grid_a.id, user_id=worker.user_id)
    )
    db.session.flush()
    return worker
