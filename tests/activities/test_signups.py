"""Signing up: seats while they last, then the waiting list, then a refusal; parties, audiences,
retries, answers and approvals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.activities import services
from app.activities.models import Signup, SignupStatus
from app.activities.services import seats
from app.activities.services.errors import (
    ActivityFull,
    ActivityNotForYou,
    AnswersInvalid,
    CompanionInvalid,
    HouseholdRequired,
    PartyTooLarge,
    SignupNotPending,
    SignupRejectedBefore,
)
from app.delivery.models import Delivery, DeliveryBatch
from app.subscriptions.models import TemplatePurpose
from tests.activities.conftest import counters_match_rows, status_of


def test_seats_are_confirmed_while_they_last_then_parties_wait_in_order(
    place, person, make_activity
):
    activity = make_activity(capacity=2)
    people = [person(h) for h in (place.h101, place.h102, place.h201)]

    results = [services.sign_up(p, activity.id)[0] for p in people]

    assert [s.status for s in results] == [
        SignupStatus.CONFIRMED,
        SignupStatus.CONFIRMED,
        SignupStatus.WAITLISTED,
    ]
    assert services.waitlist_position(results[2]) == 1
    counters_match_rows(activity.id)


def test_sign_up_is_refused_when_seats_and_waiting_list_are_full(place, person, make_activity):
    activity = make_activity(capacity=1, waitlist_capacity=1)
    services.sign_up(person(place.h101), activity.id)
    services.sign_up(person(place.h102), activity.id)

    with pytest.raises(ActivityFull):
        services.sign_up(person(place.h201), activity.id)

    counters_match_rows(activity.id)


def test_a_retried_sign_up_returns_the_existing_one_and_takes_no_seat(place, person, make_activity):
    activity = make_activity(capacity=5)
    resident = person(place.h101)

    first, created = services.sign_up(resident, activity.id)
    again, created_again = services.sign_up(resident, activity.id)

    assert (created, created_again) == (True, False)
    assert again.id == first.id
    counters_match_rows(activity.id)


def test_a_second_member_of_the_flat_gets_the_flats_sign_up(place, person, make_activity):
    activity = make_activity(capacity=5)
    parent, other = person(place.h101), person(place.h101)

    first, _ = services.sign_up(parent, activity.id)
    second, created = services.sign_up(other, activity.id)

    assert not created and second.id == first.id
    counters_match_rows(activity.id)


def test_a_household_party_takes_its_seats_at_once(db, place, person, make_activity):
    activity = make_activity(capacity=3)
    parent = person(place.h101, place.zhang)

    signup, _ = services.sign_up(parent, activity.id, companion_ids=[place.li.id, place.wang.id])

    assert signup.seats == 3 and signup.status == SignupStatus.CONFIRMED
    assert signup.companion_ids == sorted([place.li.id, place.wang.id])
    counters_match_rows(activity.id)


def test_a_party_that_does_not_fit_waits_whole(place, person, make_activity):
    activity = make_activity(capacity=2)
    parent = person(place.h101, place.zhang)

    signup, _ = services.sign_up(parent, activity.id, companion_ids=[place.li.id, place.wang.id])

    assert signup.status == SignupStatus.WAITLISTED and signup.seats == 3
    counters_match_rows(activity.id)


@pytest.mark.parametrize("companion", ["zhao", "zhang"])
def test_a_companion_must_be_another_member_of_ones_own_flat(
    place, person, make_activity, companion
):
    activity = make_activity(capacity=5)
    parent = person(place.h101, place.zhang)

    with pytest.raises(CompanionInvalid) as raised:
        services.sign_up(parent, activity.id, companion_ids=[getattr(place, companion).id])

    assert raised.value.errors == {"companion_ids": [getattr(place, companion).id]}


def test_a_party_larger_than_seats_per_household_is_refused(place, person, make_activity):
    activity = make_activity(capacity=5, seats_per_household=2)

    with pytest.raises(PartyTooLarge):
        services.sign_up(
            person(place.h101), activity.id, companion_ids=[place.li.id, place.wang.id]
        )


@pytest.mark.parametrize(
    ("audience", "flat", "allowed"),
    [
        ("buildings", "h101", True),
        ("buildings", "h201", False),
        ("grids", "h102", True),
        ("grids", "h201", False),
    ],
)
def test_only_residents_in_the_audience_may_sign_up(
    place, person, make_activity, audience, flat, allowed
):
    target = place.b1.id if audience == "buildings" else place.grid_a.id
    activity = make_activity(audience={"kind": audience, "ids": [target]})
    resident = person(getattr(place, flat))

    if allowed:
        assert services.sign_up(resident, activity.id)[0].status == SignupStatus.CONFIRMED
    else:
        with pytest.raises(ActivityNotForYou):
            services.sign_up(resident, activity.id)


def test_someone_bound_to_no_flat_is_asked_to_bind_first(place, person, make_activity):
    activity = make_activity()

    with pytest.raises(HouseholdRequired):
        services.sign_up(person(), activity.id)


def test_merchant_activities_are_for_merchants_only(place, person, make_activity):
    activity = make_activity(audience={"kind": "merchants"})

    with pytest.raises(ActivityNotForYou):
        services.sign_up(person(place.h101), activity.id)
    signup, _ = services.sign_up(person(roles=("merchant",)), activity.id)
    assert signup.status == SignupStatus.CONFIRMED and signup.household_id is None


QUESTIONS = [
    {"key": "size", "label": "T恤尺码", "kind": "choice", "required": True,
     "options": ["M", "L"]},
    {"key": "note", "label": "备注", "kind": "text"},
]  # fmt: skip


def test_answers_are_checked_against_the_questions(place, person, make_activity):
    activity = make_activity(questions=QUESTIONS)
    resident = person(place.h101)

    with pytest.raises(AnswersInvalid) as raised:
        services.sign_up(resident, activity.id, answers={"size": "XXL", "age": "9"})

    assert set(raised.value.errors) == {"size", "age"}
    signup, _ = services.sign_up(resident, activity.id, answers={"size": "L"})
    assert signup.answers == {"size": "L"}


def test_a_required_answer_cannot_be_left_out(place, person, make_activity):
    activity = make_activity(questions=QUESTIONS)

    with pytest.raises(AnswersInvalid) as raised:
        services.sign_up(person(place.h101), activity.id, answers={"note": "素食"})

    assert raised.value.errors == {"size": ["此题必答"]}


def test_with_approval_a_sign_up_pends_and_takes_its_seats_only_when_approved(
    place, person, make_activity, organiser
):
    activity = make_activity(capacity=1, requires_approval=True)
    first, _ = services.sign_up(person(place.h101), activity.id)
    second, _ = services.sign_up(person(place.h102), activity.id)
    assert (first.status, second.status) == (SignupStatus.PENDING, SignupStatus.PENDING)
    counters_match_rows(activity.id)

    services.approve_signup(organiser, activity.id, second.id)
    services.approve_signup(organiser, activity.id, first.id)

    assert status_of(second.id) == SignupStatus.CONFIRMED
    assert status_of(first.id) == SignupStatus.WAITLISTED
    counters_match_rows(activity.id)
    with pytest.raises(SignupNotPending):
        services.approve_signup(organiser, activity.id, first.id)


def test_a_rejected_party_cannot_sign_up_again(place, person, make_activity, organiser):
    activity = make_activity(requires_approval=True)
    resident = person(place.h101)
    signup, _ = services.sign_up(resident, activity.id)

    services.reject_signup(organiser, activity.id, signup.id, "名额已内定")

    for anyone_of_the_flat in (resident, person(place.h101)):
        with pytest.raises(SignupRejectedBefore):
            services.sign_up(anyone_of_the_flat, activity.id)


def test_confirmations_are_queued_once_in_one_outbox_batch_per_activity(
    db, place, person, make_activity, templates
):
    activity = make_activity(capacity=2)
    confirmed = [services.sign_up(person(h), activity.id)[0] for h in (place.h101, place.h102)]
    services.sign_up(person(place.h201), activity.id)  # waitlisted: no confirmation

    assert services.queue_confirmations() == 2
    assert services.queue_confirmations() == 0

    (batch,) = db.session.scalars(
        select(DeliveryBatch).where(DeliveryBatch.source_id == activity.id)
    )
    assert (batch.source_type, batch.template_id) == (
        "activity",
        templates[TemplatePurpose.ACTIVITY_SIGNUP].template_id,
    )
    rows = db.session.scalars(select(Delivery).where(Delivery.batch_id == batch.id)).all()
    assert sorted(r.user_id for r in rows) == sorted(s.user_id for s in confirmed)
    assert rows[0].data["thing3"] == {"value": "报名成功"}


def test_a_confirmed_offer_gets_its_confirmation_too(db, place, person, make_activity, templates):
    activity = make_activity(capacity=1)
    holder, waiting = person(place.h101), person(place.h102)
    held, _ = services.sign_up(holder, activity.id)
    queued, _ = services.sign_up(waiting, activity.id)
    services.queue_confirmations()
    services.cancel_signup(holder, held.id)

    services.confirm_offer(waiting, queued.id)

    assert services.queue_confirmations() == 1
    batches = db.session.scalars(
        select(DeliveryBatch).where(
            DeliveryBatch.template_id == templates[TemplatePurpose.ACTIVITY_SIGNUP].template_id
        )
    ).all()
    assert len(batches) == 2


def test_cancelling_and_signing_up_again_queues_the_party_at_the_end(place, person, make_activity):
    activity = make_activity(capacity=1)
    holder, first_waiting, second_waiting = (
        person(h) for h in (place.h101, place.h102, place.h201)
    )
    services.sign_up(holder, activity.id)
    early, _ = services.sign_up(first_waiting, activity.id)
    services.sign_up(second_waiting, activity.id)

    services.cancel_signup(first_waiting, early.id)
    again, created = services.sign_up(first_waiting, activity.id)

    assert created and again.id == early.id and again.status == SignupStatus.WAITLISTED
    assert services.waitlist_position(again) == 2
    counters_match_rows(activity.id)


def test_a_retry_after_the_activity_filled_still_returns_the_sign_up(place, person, make_activity):
    activity = make_activity(capacity=1, waitlist_capacity=0)
    resident = person(place.h101)
    first, _ = services.sign_up(resident, activity.id)
    with pytest.raises(ActivityFull):
        services.sign_up(person(place.h102), activity.id)

    again, created = services.sign_up(resident, activity.id)

    assert (again.id, created) == (first.id, False)


def test_a_party_that_loses_the_last_seat_by_a_moment_waits_instead(
    db, place, person, make_activity, templates, monkeypatch
):
    """The activity as first read had a seat; another party took it before the UPDATE."""
    activity = make_activity(capacity=1)
    monkeypatch.setattr(seats, "take_seats", lambda activity_id, n: False)

    signup, created = services.sign_up(person(place.h101), activity.id)

    assert created and signup.status == SignupStatus.WAITLISTED
    assert services.queue_confirmations() == 0  # nothing to confirm
    counters_match_rows(activity.id)


def test_a_party_refused_at_the_last_moment_leaves_nothing_behind(
    db, place, person, make_activity, monkeypatch
):
    activity = make_activity(capacity=1)
    monkeypatch.setattr(seats, "take_seats", lambda activity_id, n: False)
    monkeypatch.setattr(seats, "queue_seats", lambda activity_id, n: False)

    with pytest.raises(ActivityFull):
        services.sign_up(person(place.h101), activity.id)

    assert db.session.scalars(select(Signup)).all() == []
    counters_match_rows(activity.id)


def test_another_member_of_the_flat_signs_up_after_a_cancellation(place, person, make_activity):
    activity = make_activity(capacity=3)
    first_member, second_member = person(place.h101), person(place.h101)
    cancelled, _ = services.sign_up(first_member, activity.id)
    services.cancel_signup(first_member, cancelled.id)

    again, created = services.sign_up(second_member, activity.id)
    back, created_back = services.sign_up(first_member, activity.id)

    assert created and again.status == SignupStatus.CONFIRMED
    assert again.user_id == second_member.user_id
    assert (back.id, created_back) == (again.id, False)  # the flat signs up once
    counters_match_rows(activity.id)
