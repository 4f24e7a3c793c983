"""Staff follow a batch's progress and cancel it: admins, and the person who composed it."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.core.auth import Actor
from app.delivery.services import Recipient, enqueue_batch
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose
from tests.factories import CommunityFactory, UserFactory

URL = "/api/v1/admin/delivery-batches"


@pytest.fixture(autouse=True)
def _no_dispatch(monkeypatch):
    monkeypatch.setattr("app.delivery.services.dispatch_batch.delay", lambda batch_id: None)


def _batch(community_id, author_id, size=3):
    author = Actor(author_id, community_id, frozenset({"grid_worker"}), "s")
    return enqueue_batch(
        community_id=community_id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=9,
        recipients=[Recipient(UserFactory().id) for _ in range(size)],
        values={"title": "停电通知", "published_at": datetime(2024, 5, 1)},
        actor=author,
    )


def test_an_admin_sees_the_progress_of_a_batch(admin, community, notice_template):
    batch = _batch(community.id, UserFactory().id)

    response = admin.get(f"{URL}/{batch.id}")

    assert response.status_code == 200
    assert response.json["status"] == "queued"
    assert (response.json["source_type"], response.json["source_id"]) == ("notice", 9)
    assert response.json["progress"] == {
        "queued": 3,
        "sending": 0,
        "sent": 0,
        "no_credit": 0,
        "failed": 0,
        "cancelled": 0,
        "total": 3,
    }


def test_the_grid_worker_who_composed_it_cancels_it(make_staff, community, notice_template):
    worker = make_staff("grid_worker")
    batch = _batch(community.id, worker.user_id)

    response = worker.post(f"{URL}/{batch.id}/cancel")

    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    assert response.json["progress"]["cancelled"] == 3
    assert response.json["progress"]["queued"] == 0


def test_another_grid_worker_may_neither_see_nor_cancel_it(make_staff, community, notice_template):
    batch = _batch(community.id, UserFactory().id)
    worker = make_staff("grid_worker")

    assert worker.get(f"{URL}/{batch.id}").json["reason"] == "delivery_batch_not_yours"
    assert worker.post(f"{URL}/{batch.id}/cancel").status_code == 403


def test_a_batch_of_another_community_is_not_found(admin, notice_template, db):
    other = CommunityFactory()
    db.session.add(
        SubscribeTemplate(
            community_id=other.id,
            purpose=TemplatePurpose.NOTICE,
            template_id="tmpl_other",
            title="通知",
            fields={"thing1": "thing", "time2": "time"},
            mapping={"thing1": "title", "time2": "published_at"},
        )
    )
    db.session.flush()
    batch = _batch(other.id, UserFactory().id)

    assert admin.get(f"{URL}/{batch.id}").status_code == 404
    assert admin.post(f"{URL}/{batch.id}/cancel").status_code == 404


def test_residents_cannot_reach_batches(resident, community, notice_template):
    batch = _batch(community.id, UserFactory().id)

    assert resident.get(f"{URL}/{batch.id}").status_code == 403
