"""Simultaneous sign-ups, committed for real: the seats are never oversold, nobody holds two
sign-ups, and a double submit gets one sign-up back twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from app.accounts.models import BindingMethod, HouseholdMember, User
from app.activities.models import Activity, ActivityKind, AudienceKind, Signup, SignupStatus
from app.activities.services import sign_up
from app.community.models import Building, Community, Household, Unit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.extensions import db
from tests.factories import BuildingFactory, CommunityFactory, HouseholdFactory, UserFactory

SEATS, PEOPLE, DOUBLE_SUBMITS = 10, 40, 5


@pytest.fixture
def committed_rush(app):
    """A community with PEOPLE residents, each on their own flat, and an activity of SEATS
    seats, committed; removed again afterwards."""
    with app.app_context():
        community = CommunityFactory()
        building = BuildingFactory(community_id=community.id)
        users = [UserFactory() for _ in range(PEOPLE)]
        for user in users:
            household = HouseholdFactory(building=building)
            db.session.add(
                HouseholdMember(
                    community_id=community.id,
                    household_id=household.id,
                    user_id=user.id,
                    method=BindingMethod.PHONE_MATCH,
                )
            )
        start = utcnow().replace(microsecond=0) + timedelta(days=1)
        activity = Activity(
            community_id=community.id, kind=ActivityKind.COMMUNITY_EVENT, title="抢票测试",
            description="", organiser_user_id=users[0].id, organiser_name="居委会",
            place="活动室", starts_at=start, ends_at=start + timedelta(hours=1),
            signup_opens_at=start - timedelta(days=2), signup_closes_at=start,
            cancel_deadline=start, capacity=SEATS, seats_per_household=1,
            audience_kind=AudienceKind.EVERYONE, audience_ids=[], questions=[],
            remind_at=start - timedelta(hours=1), checkin_scene="rushtest" + str(community.id),
        )  # fmt: skip
        db.session.add(activity)
        db.session.commit()
        ids = community.id, activity.id, [u.id for u in users]
    yield ids
    with app.app_context():
        community_id, activity_id, user_ids = ids
        db.session.execute(delete(Signup).where(Signup.activity_id == activity_id))
        db.session.execute(delete(Activity).where(Activity.id == activity_id))
        db.session.execute(
            delete(HouseholdMember).where(HouseholdMember.community_id == community_id)
        )
        db.session.execute(delete(Household).where(Household.community_id == community_id))
        db.session.execute(delete(Unit).where(Unit.community_id == community_id))
        db.session.execute(delete(Building).where(Building.community_id == community_id))
        db.session.execute(delete(User).where(User.id.in_(user_ids)))
        db.session.execute(delete(Community).where(Community.id == community_id))
        db.session.commit()


def test_a_rush_for_the_seats_never_oversells_and_loses_nothing(app, committed_rush):
    community_id, activity_id, user_ids = committed_rush
    attempts = user_ids + user_ids[:DOUBLE_SUBMITS]  # five people tap twice at once
    start = threading.Barrier(len(attempts))
    answers: list[tuple[int, int, str, bool]] = []
    errors: list[BaseException] = []

    def attempt(user_id: int) -> None:
        with app.app_context():
            actor = Actor(user_id, community_id, frozenset({"resident"}), "rush")
            start.wait()
            try:
                signup, created = sign_up(actor, activity_id)
                db.session.commit()
                answers.append((user_id, signup.id, signup.status.value, created))
            except BaseException as error:  # the test reports it below
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=attempt, args=(u,)) for u in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with app.app_context():
        rows = db.session.execute(
            select(Signup.user_id, Signup.id, Signup.status).where(
                Signup.activity_id == activity_id
            )
        ).all()
        taken = db.session.scalar(select(Activity.seats_taken).where(Activity.id == activity_id))
        waiting = db.session.scalar(
            select(func.count()).where(
                Signup.activity_id == activity_id, Signup.status == SignupStatus.WAITLISTED
            )
        )
    statuses = Counter(status.value for _, _, status in rows)
    assert statuses == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    assert taken == SEATS and waiting == PEOPLE - SEATS
    assert len({user_id for user_id, _, _ in rows}) == len(rows) == PEOPLE  # no duplicates
    row_of = {user_id: (signup_id, status.value) for user_id, signup_id, status in rows}
    for user_id, signup_id, status, _created in answers:  # every answer has its row
        assert row_of[user_id] == (signup_id, status)
    assert sum(created for *_, created in answers) == PEOPLE
