"""A report from a resident's phone to a fixed street light, through the HTTP API only."""

from __future__ import annotations

from sqlalchemy import select

from app.delivery.models import Delivery, DeliveryBatch
from app.media.models import Moderation
from tests.media import images
from tests.media.media_support import emulator_verdict, media_row, push_verdict, run_checks, upload
from tests.reports.conftest import TEMPLATE_ID, control, file_report, step


def test_a_report_with_two_photos_is_routed_handled_and_followed_by_its_reporter(
    db, wechat, town, queued_checks, dispatched_batches
):
    reporter, worker, staff = town.reporter, town.grid_worker, town.property_staff
    photo_ids = [upload(reporter, images.jpeg(gps=True)).json["id"] for _ in range(2)]
    similar = reporter.get(
        f"/api/v1/reports/similar?category_id={town.categories['street_light'].id}"
        f"&building_id={town.b1.id}"
    )
    assert similar.json["items"] == []

    filed = file_report(reporter, town, key="report-e2e-0001", media_ids=photo_ids)
    assert filed.status_code == 201, filed.json
    report_id = filed.json["id"]
    again = file_report(reporter, town, key="report-e2e-0001", media_ids=photo_ids)
    assert (again.status_code, again.json) == (201, filed.json)

    # Routed: the property company's queue and grid A's queue hold it; grid B's does not.
    assert [i["id"] for i in staff.get("/api/v1/admin/reports/org-queue").json["items"]] == [
        report_id
    ]
    assert [i["id"] for i in worker.get("/api/v1/admin/reports/grid-queue").json["items"]] == [
        report_id
    ]
    assert town.other_grid_worker.get("/api/v1/admin/reports/grid-queue").json["total"] == 0

    # Photos: checked by WeChat after the commit, hidden from neighbours until they pass.
    assert queued_checks == photo_ids
    public = town.neighbour.get(f"/api/v1/reports/{report_id}").json
    assert public["photos"] == []
    control(wechat, "content_rules", {"media_verdict_delay": 0})
    for trace_id in run_checks(db, photo_ids):
        push_verdict(db, emulator_verdict(wechat, trace_id))
    assert {media_row(db, i).moderation for i in photo_ids} == {Moderation.PASS}
    public = town.neighbour.get(f"/api/v1/reports/{report_id}").json
    assert [p["id"] for p in public["photos"]] == photo_ids
    assert public["reporter_nickname"] == "王阿姨" and "reporter_user_id" not in public

    assert step(staff, report_id, "accept", "您好，已受理").status_code == 200
    assert step(worker, report_id, "start", "已联系电工").status_code == 200
    resolved = step(staff, report_id, "resolve", "已更换灯泡，恢复照明")
    assert resolved.json["status"] == "resolved"
    assert step(reporter, report_id, "close", staff=False).json["status"] == "closed"

    detail = reporter.get(f"/api/v1/reports/{report_id}").json
    timeline = [(e["action"], e["actor_name"], e["organisation_name"]) for e in detail["timeline"]]
    assert timeline == [
        ("submit", "王阿姨", None),
        ("route", "系统", "焦园物业"),
        ("accept", "物业小刘", "焦园物业"),
        ("start", "张网格", None),
        ("resolve", "物业小刘", "焦园物业"),
        ("close", "王阿姨", None),
    ]
    assert detail["timeline"][4]["note"] == "已更换灯泡，恢复照明"

    # One message per staff step to the reporter, queued in the outbox (not for her own close).
    batches = db.session.scalars(
        select(DeliveryBatch)
        .where(DeliveryBatch.source_type == "report", DeliveryBatch.source_id == report_id)
        .order_by(DeliveryBatch.id)
    ).all()
    assert [b.template_id for b in batches] == [TEMPLATE_ID] * 3
    assert dispatched_batches == [b.id for b in batches]
    deliveries = db.session.scalars(
        select(Delivery).where(Delivery.batch_id.in_([b.id for b in batches])).order_by(Delivery.id)
    ).all()
    assert {d.user_id for d in deliveries} == {reporter.user_id}
    assert [d.data["phrase2"]["value"] for d in deliveries] == ["已受理", "处理中", "已解决"]
    assert batches[0].page == f"pages/report/detail?id={report_id}"
