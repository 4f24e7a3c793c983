"""Simultaneous bindings to one flat, committed for real: the household cap holds."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, select

from app.accounts.models import BindingMethod, HouseholdMember, User
from app.accounts.services import binding
from app.accounts.services.binding import HouseholdFull, bind_household
from app.community.models import Building, Community, Household, Unit
from app.extensions import db
from tests.factories import BuildingFactory, CommunityFactory, HouseholdFactory, UserFactory

CAP, PEOPLE = 2, 6


@pytest.fixture
def committed_flat(app):
    """A community with one flat and PEOPLE users, committed; removed again afterwards."""
    with app.app_context():
        community = CommunityFactory(settings={"max_members_per_household": CAP})
        household = HouseholdFactory(building=BuildingFactory(community_id=community.id))
        users = [UserFactory() for _ in range(PEOPLE)]
        db.session.commit()
        ids = community.id, household.id, [u.id for u in users]
    yield ids
    with app.app_context():
        community_id, household_id, user_ids = ids
        db.session.execute(
            delete(HouseholdMember).where(HouseholdMember.household_id == household_id)
        )
        db.session.execute(delete(Household).where(Household.id == household_id))
        db.session.execute(delete(Unit).where(Unit.community_id == community_id))
        db.session.execute(delete(Building).where(Building.community_id == community_id))
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
        db.session.execute(delete(Community).where(Community.id == community_id))
        db.session.commit()


def test_simultaneous_bindings_never_exceed_the_household_cap(app, committed_flat, monkeypatch):
    community_id, household_id, user_ids = committed_flat
    lock_membership = binding._lock_membership

    def slow_lock_membership(*args):
        # Widens the gap between counting members and inserting one, where a race would strike.
        time.sleep(0.05)
        lock_membership(*args)

    monkeypatch.setattr(binding, "_lock_membership", slow_lock_membership)
    start = threading.Barrier(PEOPLE)
    outcomes: list[str] = []

    def bind(user_id: int) -> None:
        with app.app_context():
            start.wait()
            try:
                bind_household(community_id, household_id, user_id, None, BindingMethod.PHONE_MATCH)
                db.session.commit()
                outcomes.append("bound")
            except HouseholdFull:
                db.session.rollback()
                outcomes.append("full")

    threads = [threading.Thread(target=bind, args=(u,)) for u in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    with app.app_context():
        active = db.session.scalars(
            select(HouseholdMember).where(
                HouseholdMember.household_id == household_id, HouseholdMember.is_active.is_(True)
            )
        ).all()
    assert sorted(outcomes) == ["bound"] * CAP + ["full"] * (PEOPLE - CAP)
    assert len(active) == CAP
