"""Residents read their notices: only theirs, pinned first, unread counts, 已知晓 per household."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from app.core.clock import utcnow
from app.notices.services import acknowledge, cancel_notice, create_notice, notice_report
from tests.notices.conftest import actor

NOTICES = "/api/v1/notices"


def publish(author, title, **kwargs):
    return create_notice(
        author, title=title, body=f"{title}的内容", images=[], push=False, **kwargs
    )


def to_flat(place, *flats):
    return {"kind": "households", "ids": [getattr(place, f).id for f in flats]}


def test_the_list_shows_pinned_notices_first_then_the_newest(bound_resident, place, admin_actor):
    with time_machine.travel(datetime(2025, 6, 1, 1, 0), tick=False):
        publish(admin_actor, "老通知", audience=to_flat(place, "h102"))
        publish(admin_actor, "置顶通知", audience=to_flat(place, "h102"), pinned=True)
    with time_machine.travel(datetime(2025, 6, 2, 1, 0), tick=False):
        publish(admin_actor, "新通知", audience=to_flat(place, "h102"))

    with time_machine.travel(datetime(2025, 6, 3, 1, 0), tick=False):
        response = bound_resident.get(NOTICES)

    assert response.status_code == 200
    assert [n["title"] for n in response.json["items"]] == ["置顶通知", "新通知", "老通知"]
    assert response.json["total"] == 3
    first = response.json["items"][0]
    assert first["pinned"] is True and first["read"] is False
    assert first["published_at"].endswith("+08:00")


def test_unread_count_falls_as_notices_are_read(bound_resident, place, admin_actor):
    first = publish(admin_actor, "停水", audience=to_flat(place, "h102"))
    publish(admin_actor, "停电", audience=to_flat(place, "h102"))
    assert bound_resident.get(f"{NOTICES}/unread-count").json == {"unread": 2}

    detail = bound_resident.get(f"{NOTICES}/{first.id}")

    assert detail.status_code == 200
    assert detail.json["body"] == "停水的内容" and detail.json["read"] is True
    assert bound_resident.get(f"{NOTICES}/unread-count").json == {"unread": 1}
    unread = bound_resident.get(f"{NOTICES}?unread_only=true").json
    assert [n["title"] for n in unread["items"]] == ["停电"]
    assert bound_resident.get(f"{NOTICES}/{first.id}").json["read_at"] == detail.json["read_at"]


def test_a_resident_cannot_read_a_notice_not_addressed_to_them(bound_resident, place, admin_actor):
    elsewhere = publish(admin_actor, "2号楼通知", audience=to_flat(place, "h201"))

    response = bound_resident.get(f"{NOTICES}/{elsewhere.id}")

    assert response.status_code == 404
    assert response.json["reason"] == "notice_not_found"
    assert bound_resident.get(NOTICES).json["total"] == 0
    ack = bound_resident.post(f"{NOTICES}/{elsewhere.id}/acknowledge")
    assert ack.status_code == 404


def test_expired_and_cancelled_notices_are_hidden(bound_resident, place, admin_actor):
    soon = utcnow() + timedelta(hours=1)
    expiring = publish(admin_actor, "临时通知", audience=to_flat(place, "h102"), expires_at=soon)
    cancelled = publish(admin_actor, "撤回的通知", audience=to_flat(place, "h102"))
    publish(admin_actor, "有效通知", audience=to_flat(place, "h102"))
    cancel_notice(admin_actor, cancelled.id)

    with time_machine.travel(soon + timedelta(minutes=1)):
        listed = bound_resident.get(NOTICES).json
        expired = bound_resident.get(f"{NOTICES}/{expiring.id}")
        count = bound_resident.get(f"{NOTICES}/unread-count").json

    assert [n["title"] for n in listed["items"]] == ["有效通知"]
    assert expired.status_code == 404
    assert bound_resident.get(f"{NOTICES}/{cancelled.id}").status_code == 404
    assert count == {"unread": 1}


def test_acknowledging_is_idempotent_and_counted_per_household(bound_resident, place, admin_actor):
    notice = publish(
        admin_actor, "燃气检查", audience=to_flat(place, "h101", "h102"), requires_ack=True
    )

    first = bound_resident.post(f"{NOTICES}/{notice.id}/acknowledge")
    again = bound_resident.post(f"{NOTICES}/{notice.id}/acknowledge")

    assert first.status_code == again.status_code == 200
    assert first.json["acknowledged"] is True and first.json["read"] is True
    assert again.json["acknowledged_at"] == first.json["acknowledged_at"]
    acknowledge(actor(place.u102, place.community.id), notice.id)
    report = notice_report(admin_actor, notice.id)
    assert (report.acknowledged_households, report.households) == (1, 2)
    assert (report.recipients, report.read) == (4, 2)


def test_acknowledging_a_notice_that_does_not_ask_for_it_is_a_conflict(
    bound_resident, place, admin_actor
):
    notice = publish(admin_actor, "普通通知", audience=to_flat(place, "h102"))

    response = bound_resident.post(f"{NOTICES}/{notice.id}/acknowledge")

    assert response.status_code == 409
    assert response.json["reason"] == "notice_ack_not_required"
