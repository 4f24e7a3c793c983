"""Places, people and activities for the activities tests.

Grid A holds building 1: flat 1-1-0101 with 张三 (primary tenant), 李小明 and 王芳 on its lease,
flat 1-1-0102 with 赵六. Grid B holds building 2: flat 2-1-0101 with 钱七. After every test the
hours ledger's balances must equal the sums of their entries.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.accounts.models import BindingMethod, HouseholdMember, Role
from app.accounts.services.roles import grant_role
from app.activities import services
from app.activities.models import HOLDS_SEATS, Activity, ActivityKind, Signup, SignupStatus
from app.core.auth import Actor
from app.core.clock import utcnow
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose
from tests.factories import (
    BuildingFactory,
    GridFactory,
    HouseholdFactory,
    MembershipFactory,
    OccupantFactory,
    UserFactory,
)
from tests.volunteers.ledger import ledger_stays_balanced  # noqa: F401 — autouse

TEMPLATE_FIELDS = {"thing1": "thing", "time2": "time", "thing3": "thing"}
TEMPLATE_MAPPING = {"thing1": "title", "time2": "starts_at", "thing3": "status"}


def bind(household, user_id: int, occupant=None) -> None:
    from app.extensions import db

    db.session.add(
        HouseholdMember(
            community_id=household.community_id,
            household_id=household.id,
            user_id=user_id,
            occupant_id=occupant.id if occupant else None,
            method=BindingMethod.PHONE_MATCH,
        )
    )
    db.session.flush()


def actor_for(user_id: int, community_id: int, *roles: str) -> Actor:
    return Actor(user_id, community_id, frozenset(roles), "test-session")


@pytest.fixture
def place(db, community):
    grid_a = GridFactory(community_id=community.id, name="A网格")
    grid_b = GridFactory(community_id=community.id, name="B网格")
    b1 = BuildingFactory(community_id=community.id, code="1", grid_id=grid_a.id)
    b2 = BuildingFactory(community_id=community.id, code="2", grid_id=grid_b.id)
    h101 = HouseholdFactory(building=b1, room="0101")
    h102 = HouseholdFactory(building=b1, room="0102")
    h201 = HouseholdFactory(building=b2, room="0101")
    occupants = {
        "zhang": OccupantFactory(household=h101, name="张三"),
        "li": OccupantFactory(household=h101, name="李小明"),
        "wang": OccupantFactory(household=h101, name="王芳"),
        "zhao": OccupantFactory(household=h102, name="赵六"),
        "qian": OccupantFactory(household=h201, name="钱七"),
    }
    return SimpleNamespace(
        community=community, grid_a=grid_a, grid_b=grid_b, b1=b1, b2=b2,
        h101=h101, h102=h102, h201=h201, **occupants,
    )  # fmt: skip


@pytest.fixture
def person(db, community):
    """``person(household=None, occupant=None, roles=())``: an Actor, bound when given a flat."""

    def make(household=None, occupant=None, roles: tuple[str, ...] = ()) -> Actor:
        user = UserFactory()
        MembershipFactory(user_id=user.id, community_id=community.id)
        for role in roles:
            grant_role(None, user.id, community.id, Role(role))
        if household is not None:
            bind(household, user.id, occupant)
        return actor_for(user.id, community.id, *roles)

    return make


@pytest.fixture
def organiser(person):
    return person(roles=("admin",))


@pytest.fixture
def make_activity(organiser):
    """``make_activity(capacity=2, …)``: a published community event starting in two days."""

    def make(by: Actor | None = None, **overrides) -> Activity:
        start = overrides.pop("starts_at", None) or utcnow().replace(microsecond=0) + timedelta(
            days=2
        )
        values = {
            "kind": ActivityKind.COMMUNITY_EVENT,
            "title": "邻里中秋游园会",
            "description": "猜灯谜、做月饼",
            "place": "社区活动中心",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "capacity": 2,
            "seats_per_household": 3,
            "audience": {"kind": "everyone"},
            **overrides,
        }
        return services.create_activity(by or organiser, **values)

    return make


@pytest.fixture
def templates(db, community) -> dict[TemplatePurpose, SubscribeTemplate]:
    """Active templates for the three activity purposes."""
    from app.extensions import db as database

    made = {}
    for purpose in (
        TemplatePurpose.ACTIVITY_SIGNUP,
        TemplatePurpose.WAITLIST_PROMOTION,
        TemplatePurpose.ACTIVITY_REMINDER,
    ):
        made[purpose] = SubscribeTemplate(
            community_id=community.id,
            purpose=purpose,
            template_id=f"tmpl_{purpose.value}",
            title=purpose.value,
            fields=TEMPLATE_FIELDS,
            mapping=TEMPLATE_MAPPING,
            page="pages/activities/detail",
        )
        database.session.add(made[purpose])
    database.session.flush()
    return made


def counters_match_rows(activity_id: int) -> None:
    """The activity's counters equal the seats of its rows: nothing oversold or lost."""
    from app.extensions import db

    activity = db.session.scalar(
        select(Activity).where(Activity.id == activity_id).execution_options(populate_existing=True)
    )

    def seats_in(*statuses) -> int:
        return db.session.scalar(
            select(func.coalesce(func.sum(Signup.seats), 0)).where(
                Signup.activity_id == activity_id, Signup.status.in_(statuses)
            )
        )

    assert activity.seats_taken == seats_in(*HOLDS_SEATS)
    assert activity.waitlist_taken == seats_in(SignupStatus.WAITLISTED)
    assert activity.seats_taken <= activity.capacity


def status_of(signup_id: int) -> SignupStatus:
    from app.extensions import db

    return db.session.scalar(
        select(Signup.status)
        .where(Signup.id == signup_id)
        .execution_options(populate_existing=True)
    )


def later(minutes: float = 0, base: datetime | None = None) -> datetime:
    return (base or utcnow()) + timedelta(minutes=minutes)
