"""The staff API of notices: who may publish to whom, validation, idempotency, cancelling, audit."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import func, select

from app.core.audit import AuditEntry
from app.core.clock import SHANGHAI, utcnow
from app.notices.models import Notice, NoticeRecipient, NoticeStatus

ADMIN_NOTICES = "/api/v1/admin/notices"


def body(audience, **extra):
    return {
        "title": "停水通知",
        "body": "明天上午停水",
        "audience": audience,
        "push": False,
        **extra,
    }


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_grid_worker_publishes_to_their_own_grid(grid_worker, place, db):
    response = grid_worker.post(
        ADMIN_NOTICES, json=body({"kind": "grids", "ids": [place.grid_a.id]})
    )

    assert response.status_code == 201
    assert response.json["status"] == "published"
    assert response.json["audience"] == {"kind": "grids", "ids": [place.grid_a.id]}
    assert count(db, NoticeRecipient, NoticeRecipient.notice_id == response.json["id"]) == 3


def test_a_grid_worker_targeting_another_grid_gets_403_and_nothing_is_written(
    grid_worker, place, db
):
    response = grid_worker.post(
        ADMIN_NOTICES, json=body({"kind": "grids", "ids": [place.grid_b.id]})
    )

    assert response.status_code == 403
    assert response.json["reason"] == "not_your_grid"
    assert count(db, Notice) == 0
    assert count(db, NoticeRecipient) == 0


def test_ids_of_another_community_are_refused_with_422(admin, place, db):
    response = admin.post(ADMIN_NOTICES, json=body({"kind": "households", "ids": [999_999]}))

    assert response.status_code == 422
    assert response.json["reason"] == "audience_unknown_ids"
    assert response.json["errors"] == {"ids": [999_999]}


def test_an_unknown_audience_kind_is_refused_with_422(admin, place):
    response = admin.post(ADMIN_NOTICES, json=body({"kind": "everyone"}))

    assert response.status_code == 422
    assert response.json["reason"] == "audience_kind_unknown"


def test_the_input_is_validated(admin, place):
    community = {"kind": "community"}
    cases = [
        body(community, title=""),
        body(community, title="标" * 65),
        body(community, body="字" * 5001),
        body(community, images=[f"https://img.example.com/{i}.jpg" for i in range(10)]),
        body(community, images=["not a url"]),
        body({"kind": "roles", "roles": ["king"]}),
        {"title": "无对象", "body": "内容"},
    ]
    for case in cases:
        response = admin.post(ADMIN_NOTICES, json=case)
        assert response.status_code == 422, case


def beijing(moment):
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).isoformat()


def test_expiry_before_publishing_is_refused_with_its_reason(admin, place):
    now = utcnow()
    response = admin.post(
        ADMIN_NOTICES,
        json=body(
            {"kind": "community"},
            publish_at=beijing(now + timedelta(days=2)),
            expires_at=beijing(now + timedelta(days=1)),
        ),
    )

    assert response.status_code == 422
    assert response.json["reason"] == "expiry_before_publish"


def test_publishing_more_than_ninety_days_ahead_is_refused(admin, place):
    later = beijing(utcnow() + timedelta(days=91))
    response = admin.post(ADMIN_NOTICES, json=body({"kind": "community"}, publish_at=later))

    assert response.status_code == 422
    assert response.json["reason"] == "publish_too_far_ahead"


def test_a_scheduled_notice_is_stored_in_utc_and_shown_in_beijing_time(admin, place, db):
    when = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    response = admin.post(ADMIN_NOTICES, json=body({"kind": "community"}, publish_at=beijing(when)))

    assert response.status_code == 201
    assert response.json["status"] == "scheduled"
    assert response.json["publish_at"] == beijing(when)
    assert db.session.get(Notice, response.json["id"]).publish_at == when
    assert count(db, NoticeRecipient) == 0


def test_the_same_idempotency_key_twice_makes_one_notice(admin, place, db, redis_client):
    headers = {**admin.headers, "Idempotency-Key": "notice-0001-retry"}
    payload = body({"kind": "community"})

    first = admin.client.post(ADMIN_NOTICES, json=payload, headers=headers)
    replayed = admin.client.post(ADMIN_NOTICES, json=payload, headers=headers)
    redis_client.flushdb()  # the replay store is gone: the database key still holds
    admin.log_in()
    headers = {**admin.headers, "Idempotency-Key": "notice-0001-retry"}
    again = admin.client.post(ADMIN_NOTICES, json=payload, headers=headers)

    assert first.status_code == replayed.status_code == again.status_code == 201
    assert first.json["id"] == replayed.json["id"] == again.json["id"]
    assert count(db, Notice) == 1


def test_a_grid_worker_lists_only_their_own_notices(grid_worker, admin, place):
    admin.post(ADMIN_NOTICES, json=body({"kind": "community"}))
    mine = grid_worker.post(ADMIN_NOTICES, json=body({"kind": "grids", "ids": [place.grid_a.id]}))

    listed = grid_worker.get(ADMIN_NOTICES).json
    everything = admin.get(ADMIN_NOTICES).json

    assert [n["id"] for n in listed["items"]] == [mine.json["id"]]
    assert everything["total"] == 2


def test_cancelling_hides_the_notice_and_is_audited(admin, place, db):
    created = admin.post(ADMIN_NOTICES, json=body({"kind": "community"})).json

    response = admin.post(f"{ADMIN_NOTICES}/{created['id']}/cancel")
    again = admin.post(f"{ADMIN_NOTICES}/{created['id']}/cancel")

    assert response.status_code == again.status_code == 200
    assert response.json["status"] == "cancelled"
    assert db.session.get(Notice, created["id"]).status == NoticeStatus.CANCELLED
    actions = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.actor_user_id == admin.user_id, AuditEntry.object_type == "notice"
        )
    ).all()
    assert sorted(actions) == ["notice.cancel", "notice.create"]


def test_a_grid_worker_cannot_cancel_or_open_someone_elses_notice(grid_worker, admin, place):
    created = admin.post(ADMIN_NOTICES, json=body({"kind": "community"})).json

    cancel = grid_worker.post(f"{ADMIN_NOTICES}/{created['id']}/cancel")
    report = grid_worker.get(f"{ADMIN_NOTICES}/{created['id']}")

    assert cancel.status_code == report.status_code == 403
    assert cancel.json["reason"] == "notice_not_yours"


def test_residents_cannot_use_the_staff_api(bound_resident, place):
    assert bound_resident.post(ADMIN_NOTICES, json=body({"kind": "community"})).status_code == 403
    assert bound_resident.get(ADMIN_NOTICES).status_code == 403


def test_another_communitys_notice_is_not_found(admin, place, make_staff, db):
    from tests.factories import CommunityFactory

    CommunityFactory(slug="shuangjing")
    stranger = make_staff("admin", "shuangjing")
    created = admin.post(ADMIN_NOTICES, json=body({"kind": "community"})).json

    assert stranger.get(f"{ADMIN_NOTICES}/{created['id']}").status_code == 404
    assert stranger.post(f"{ADMIN_NOTICES}/{created['id']}/cancel").status_code == 404
    assert stranger.get(f"{ADMIN_NOTICES}/{created['id']}/not-reached").status_code == 404
