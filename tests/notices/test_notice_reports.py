"""What staff learn after publishing: read and 已知晓 counts, and the doors still to knock on."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from app.delivery.models import Delivery, DeliveryStatus
from app.notices.services import create_notice, get_notice_for_resident, not_reached_by_grid
from tests.notices.conftest import actor

ADMIN_NOTICES = "/api/v1/admin/notices"


def set_delivery(db, notice, user_id, status, errcode=None):
    db.session.execute(
        update(Delivery)
        .where(Delivery.batch_id == notice.delivery_batch_id, Delivery.user_id == user_id)
        .values(status=status, last_errcode=errcode)
    )


@pytest.fixture
def pushed(db, place, admin_actor, notice_template):
    """A notice to the whole community whose deliveries went: 1-1-0101 no credit and failed,
    1-1-0102 still queued, 2-1-0101 no credit, 9-1-0101 never queued."""
    notice = create_notice(
        admin_actor, title="停水通知", body="周五停水", images=[], audience={"kind": "community"}
    )
    set_delivery(db, notice, place.u101a, DeliveryStatus.NO_CREDIT)
    set_delivery(db, notice, place.u101b, DeliveryStatus.FAILED, 43101)
    set_delivery(db, notice, place.u201, DeliveryStatus.NO_CREDIT)
    db.session.execute(
        Delivery.__table__.delete().where(
            Delivery.batch_id == notice.delivery_batch_id, Delivery.user_id == place.u901
        )
    )
    return notice


def flats(result):
    return {
        g.grid_name: [(h.flat, h.primary_tenant, h.reasons) for h in g.households]
        for g in result.grids
    }


def test_not_reached_lists_households_per_grid_with_why(place, admin_actor, pushed):
    result = not_reached_by_grid(admin_actor, pushed.id)

    assert flats(result) == {
        "A网格": [("1-1-0101", "张*", ["failed", "no_credit"])],
        "B网格": [("2-1-0101", "王*", ["no_credit"])],
        "未划分网格": [("9-1-0101", "赵*", ["no_delivery"])],
    }
    assert [g.grid_id for g in result.grids] == [place.grid_a.id, place.grid_b.id, None]
    assert result.total == 3


def test_a_household_that_read_in_the_app_or_got_the_message_is_reached(
    db, place, admin_actor, pushed
):
    get_notice_for_resident(actor(place.u201, place.community.id), pushed.id)
    set_delivery(db, pushed, place.u101b, DeliveryStatus.SENT)

    result = not_reached_by_grid(admin_actor, pushed.id)

    assert flats(result) == {"未划分网格": [("9-1-0101", "赵*", ["no_delivery"])]}


def test_a_household_whose_messages_all_failed_is_listed_once_sending_is_over(
    db, place, admin_actor, pushed
):
    set_delivery(db, pushed, place.u102, DeliveryStatus.NO_CREDIT)

    result = not_reached_by_grid(admin_actor, pushed.id)

    assert [h.flat for h in result.grids[0].households] == ["1-1-0101", "1-1-0102"]


def test_a_grid_worker_sees_only_their_grids_doors(grid_worker, place, pushed):
    response = grid_worker.get(f"{ADMIN_NOTICES}/{pushed.id}/not-reached")

    assert response.status_code == 200
    assert response.json == {
        "notice_id": pushed.id,
        "total": 1,
        "grids": [
            {
                "grid_id": place.grid_a.id,
                "grid_name": "A网格",
                "households": [
                    {
                        "household_id": place.h101.id,
                        "flat": "1-1-0101",
                        "primary_tenant": "张*",
                        "reasons": ["failed", "no_credit"],
                    }
                ],
            }
        ],
    }


def test_without_push_every_household_that_has_not_read_is_not_reached(db, place, admin_actor):
    notice = create_notice(
        admin_actor,
        title="通知",
        body="内容",
        images=[],
        audience={"kind": "community"},
        push=False,
    )
    get_notice_for_resident(actor(place.u101b, place.community.id), notice.id)

    result = not_reached_by_grid(admin_actor, notice.id)

    assert flats(result) == {
        "A网格": [("1-1-0102", "李*", ["no_push"])],
        "B网格": [("2-1-0101", "王*", ["no_push"])],
        "未划分网格": [("9-1-0101", "赵*", ["no_push"])],
    }


def test_the_report_counts_readers_households_and_delivery_progress(admin, place, pushed, db):
    get_notice_for_resident(actor(place.u101a, place.community.id), pushed.id)
    get_notice_for_resident(actor(place.u101b, place.community.id), pushed.id)

    response = admin.get(f"{ADMIN_NOTICES}/{pushed.id}")

    assert response.status_code == 200
    report = response.json
    assert (report["recipients"], report["read"]) == (5, 2)
    assert (report["households"], report["read_households"]) == (4, 1)
    assert report["acknowledged_households"] == 0
    assert report["push"] == "queued"
    assert report["progress"]["no_credit"] == 2
    assert report["progress"]["failed"] == 1
    assert report["notice"]["title"] == "停水通知"


def test_cancelling_stops_the_deliveries_not_yet_sent(admin, place, pushed, db):
    response = admin.post(f"{ADMIN_NOTICES}/{pushed.id}/cancel")

    assert response.status_code == 200
    queued = db.session.get(Delivery, _delivery_id(db, pushed, place.u102))
    db.session.refresh(queued)
    assert queued.status == DeliveryStatus.CANCELLED


def _delivery_id(db, notice, user_id):
    from sqlalchemy import select

    return db.session.scalar(
        select(Delivery.id).where(
            Delivery.batch_id == notice.delivery_batch_id, Delivery.user_id == user_id
        )
    )
