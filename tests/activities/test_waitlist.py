"""The waiting list: freed seats are offered first-come-first-served to the first party that
fits, an offer lapses if not confirmed in time and passes on, a household waits and is promoted
as one; cancelling ends at the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.activities import services
from app.activities.models import Activity, SignupStatus
from app.activities.services.errors import CancelDeadlinePassed, CapacityBelowTaken, OfferExpired
from app.activities.tasks import expire_offers_task
from app.core.clock import utcnow
from app.delivery.models import Delivery, DeliveryBatch
from app.subscriptions.models import TemplatePurpose
from tests.activities.conftest import bind, counters_match_rows, later, status_of


@pytest.fixture
def full(place, person, make_activity):
    """Capacity 1: 张三's flat holds the seat, 赵六's flat waits first, 钱七's second."""
    activity = make_activity(capacity=1)
    holder, first, second = person(place.h101), person(place.h102), person(place.h201)
    signups = [services.sign_up(p, activity.id)[0] for p in (holder, first, second)]
    return activity, (holder, first, second), signups


def test_a_cancelled_seat_is_offered_to_the_first_waiting_with_a_push(db, full, templates):
    activity, (holder, first, _), (held, waiting, behind) = full

    services.cancel_signup(holder, held.id)

    assert status_of(held.id) == SignupStatus.CANCELLED
    assert status_of(waiting.id) == SignupStatus.OFFERED
    assert status_of(behind.id) == SignupStatus.WAITLISTED
    assert waiting.offer_expires_at == pytest.approx(later(30), abs=timedelta(seconds=5))
    batch = db.session.scalar(
        select(DeliveryBatch).where(
            DeliveryBatch.template_id == templates[TemplatePurpose.WAITLIST_PROMOTION].template_id
        )
    )
    assert [d.user_id for d in db.session.scalars(select(Delivery).where(
        Delivery.batch_id == batch.id))] == [first.user_id]  # fmt: skip
    counters_match_rows(activity.id)


def test_an_offer_confirmed_in_time_becomes_a_confirmed_seat(full):
    activity, (holder, first, _), (held, waiting, _) = full
    services.cancel_signup(holder, held.id)

    confirmed = services.confirm_offer(first, waiting.id)

    assert confirmed.status == SignupStatus.CONFIRMED and confirmed.offer_expires_at is None
    counters_match_rows(activity.id)


def test_an_offer_not_confirmed_in_time_lapses_and_passes_to_the_next(full):
    activity, (holder, _, second), (held, waiting, behind) = full
    services.cancel_signup(holder, held.id)

    lapsed = services.expire_offers(activity.id, later(31))

    assert lapsed == 1
    assert status_of(waiting.id) == SignupStatus.EXPIRED
    assert status_of(behind.id) == SignupStatus.OFFERED
    with pytest.raises(OfferExpired):
        services.confirm_offer(second, behind.id, now=later(62))
    counters_match_rows(activity.id)


def test_the_beat_lapses_overdue_offers(db, full, monkeypatch):
    activity, (holder, *_), (held, waiting, behind) = full
    services.cancel_signup(holder, held.id)
    monkeypatch.setattr("app.core.clock.utcnow", lambda: later(31))

    assert expire_offers_task.run() == 1

    assert status_of(waiting.id) == SignupStatus.EXPIRED
    assert status_of(behind.id) == SignupStatus.OFFERED
    counters_match_rows(activity.id)


def test_reading_the_activity_lapses_an_overdue_offer_first(full):
    activity, (holder, _, second), (held, waiting, behind) = full
    services.cancel_signup(holder, held.id)

    view = services.show_activity(second, activity.id, now=later(45))

    assert view.my_signup.id == behind.id
    assert view.my_signup.status == SignupStatus.OFFERED
    assert status_of(waiting.id) == SignupStatus.EXPIRED


def test_a_household_waits_and_is_promoted_together_or_not_at_all(place, person, make_activity):
    """First that fits: one freed seat goes past a waiting party of two to a single behind it;
    the party gets seats only when two are free at once."""
    activity = make_activity(capacity=2)
    singles = [person(place.h102), person(place.h201)]
    taken = [services.sign_up(p, activity.id)[0] for p in singles]
    family = person(place.h101, place.zhang)
    party, _ = services.sign_up(family, activity.id, companion_ids=[place.li.id])
    single_behind = person(place.h101)  # another member of the same flat: the flat's sign-up
    assert services.sign_up(single_behind, activity.id)[0].id == party.id

    services.cancel_signup(singles[0], taken[0].id)
    assert status_of(party.id) == SignupStatus.WAITLISTED  # two seats needed, one free
    counters_match_rows(activity.id)

    services.cancel_signup(singles[1], taken[1].id)
    assert status_of(party.id) == SignupStatus.OFFERED
    counters_match_rows(activity.id)


def test_first_that_fits_skips_a_party_too_large_for_the_freed_seat(
    db, place, person, make_activity
):
    activity = make_activity(capacity=1)
    holder = person(place.h102)
    held, _ = services.sign_up(holder, activity.id)
    family, _ = services.sign_up(
        person(place.h101, place.zhang), activity.id, companion_ids=[place.li.id]
    )
    single, _ = services.sign_up(person(place.h201), activity.id)

    services.cancel_signup(holder, held.id)

    assert status_of(family.id) == SignupStatus.WAITLISTED
    assert status_of(single.id) == SignupStatus.OFFERED
    counters_match_rows(activity.id)


def test_a_confirmed_seat_cannot_be_cancelled_after_the_deadline(place, person, make_activity):
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    activity = make_activity(starts_at=start, cancel_deadline=start - timedelta(days=1))
    resident = person(place.h101)
    signup, _ = services.sign_up(resident, activity.id)

    with pytest.raises(CancelDeadlinePassed):
        services.cancel_signup(resident, signup.id, now=start - timedelta(hours=12))

    assert status_of(signup.id) == SignupStatus.CONFIRMED
    services.cancel_signup(resident, signup.id, now=start - timedelta(days=1, hours=1))
    assert status_of(signup.id) == SignupStatus.CANCELLED


def test_cancelling_after_the_deadline_answers_409(place, person, make_activity, wechat_user):
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    activity = make_activity(starts_at=start, cancel_deadline=utcnow() - timedelta(minutes=1))
    resident = wechat_user()
    resident.log_in()
    bind(place.h101, resident.get("/api/v1/me").json["id"])
    signup = resident.post(f"/api/v1/activities/{activity.id}/signups", json={}).json
    assert signup["status"] == "confirmed"

    response = resident.post(f"/api/v1/activities/signups/{signup['id']}/cancel")

    assert response.status_code == 409
    assert response.json["reason"] == "cancel_deadline_passed"


def test_leaving_the_waiting_list_frees_its_place(full):
    activity, (_, first, _), (_, waiting, behind) = full

    services.cancel_signup(first, waiting.id)

    assert services.waitlist_position(behind) == 1
    counters_match_rows(activity.id)


def test_a_larger_capacity_offers_the_new_seats_down_the_list(full, organiser):
    activity, _, (_, waiting, behind) = full

    services.update_activity(organiser, activity.id, capacity=3)

    assert status_of(waiting.id) == status_of(behind.id) == SignupStatus.OFFERED
    counters_match_rows(activity.id)


def test_capacity_cannot_fall_below_the_seats_taken(full, organiser):
    activity, *_ = full

    with pytest.raises(CapacityBelowTaken):
        services.update_activity(organiser, activity.id, capacity=0)


def test_the_beat_offers_a_free_seat_to_a_party_that_queued_as_it_was_freed(db, full, monkeypatch):
    activity, _, (_, waiting, behind) = full
    db.session.execute(
        update(Activity).where(Activity.id == activity.id).values(capacity=2)
    )  # a seat freed without a promotion: the party queued in that instant
    monkeypatch.setattr("app.core.clock.utcnow", lambda: later(1))

    assert expire_offers_task.run() == 0

    assert status_of(waiting.id) == SignupStatus.OFFERED
    assert status_of(behind.id) == SignupStatus.WAITLISTED
    counters_match_rows(activity.id)
