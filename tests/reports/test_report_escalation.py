"""Deadlines, with frozen time: overdue reports escalate to the grid worker, then to the admins,
each step once, told through the outbox and visible in the timeline and the queues."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from app.delivery.models import Delivery, DeliveryBatch
from app.reports.models import Report, ReportEvent
from app.reports.tasks import escalate_overdue_task
from tests.reports.conftest import file_report, step

FILED = datetime(2025, 6, 2, 1, 0)  # UTC; street lights: 24 h to respond, 72 h to resolve
HOUR = timedelta(hours=1)


def escalate_at(moment: datetime) -> int:
    """What the beat task does at ``moment`` (its body, in the test's transaction)."""
    with time_machine.travel(moment, tick=False):
        return escalate_overdue_task.run()


def file_at(moment: datetime, person, town, code: str = "street_light", **overrides) -> int:
    with time_machine.travel(moment, tick=False):
        response = file_report(person, town, code, **overrides)
    assert response.status_code == 201, response.json
    return response.json["id"]


def report_row(db, report_id: int) -> Report:
    return db.session.get(Report, report_id, populate_existing=True)


def escalations(db, report_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(ReportEvent.note)
            .where(ReportEvent.report_id == report_id, ReportEvent.action == "escalate")
            .order_by(ReportEvent.id)
        )
    )


def told(db, report_id: int) -> list[set[int]]:
    """The people each escalation message went to, in order."""
    batches = db.session.scalars(
        select(DeliveryBatch.id)
        .where(
            DeliveryBatch.source_type == "report_escalation", DeliveryBatch.source_id == report_id
        )
        .order_by(DeliveryBatch.id)
    ).all()
    return [
        set(db.session.scalars(select(Delivery.user_id).where(Delivery.batch_id == batch)))
        for batch in batches
    ]


@pytest.fixture
def light(town) -> int:
    """A street light at building 1 (grid A, 张网格), filed at FILED."""
    return file_at(FILED, town.reporter, town)


def test_an_untaken_report_escalates_to_its_grid_worker_when_the_response_deadline_passes(
    db, town, light
):
    assert escalate_at(FILED + 24 * HOUR - timedelta(seconds=1)) == 0
    assert report_row(db, light).escalation_level == 0

    assert escalate_at(FILED + 24 * HOUR + timedelta(minutes=1)) == 1

    report = report_row(db, light)
    assert (report.escalation_level, report.last_escalated_at) == (
        1,
        FILED + 24 * HOUR + timedelta(minutes=1),
    )
    assert escalations(db, light) == ["受理超时，第1级督办：已提醒网格员"]
    assert told(db, light) == [{town.grid_worker.user_id}]
    [batch] = db.session.scalars(
        select(DeliveryBatch).where(DeliveryBatch.source_type == "report_escalation")
    ).all()
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.batch_id == batch.id)).all()
    assert delivery.data["phrase2"]["value"] == "受理超时"
    assert batch.page == f"pages/report/detail?id={light}&staff=1"


def test_each_step_happens_once_however_often_the_beat_runs(db, town, light):
    moment = FILED + 25 * HOUR
    assert [escalate_at(moment + timedelta(minutes=m)) for m in range(4)] == [1, 0, 0, 0]

    assert report_row(db, light).escalation_level == 1
    assert len(escalations(db, light)) == 1 and len(told(db, light)) == 1


def test_still_overdue_a_response_window_later_it_escalates_to_the_admins_and_no_further(
    db, town, light
):
    first = FILED + 24 * HOUR + timedelta(minutes=1)
    escalate_at(first)

    assert escalate_at(first + 24 * HOUR - timedelta(seconds=1)) == 0
    assert escalate_at(first + 24 * HOUR) == 1
    assert escalate_at(first + 200 * HOUR) == 0

    assert report_row(db, light).escalation_level == 2
    assert escalations(db, light) == [
        "受理超时，第1级督办：已提醒网格员",
        "受理超时，第2级督办：已提醒社区管理员",
    ]
    assert told(db, light) == [{town.grid_worker.user_id}, {town.admin.user_id}]


def test_an_accepted_report_escalates_only_once_its_resolution_deadline_passes(db, town, light):
    with time_machine.travel(FILED + 2 * HOUR, tick=False):
        assert step(town.property_staff, light, "accept", "已受理").status_code == 200

    assert escalate_at(FILED + 71 * HOUR) == 0
    assert escalate_at(FILED + 72 * HOUR + timedelta(minutes=1)) == 1

    assert escalations(db, light) == ["办结超时，第1级督办：已提醒网格员"]


def test_reports_resolved_in_time_or_rejected_never_escalate(db, town, light):
    other = file_at(FILED, town.reporter, town, "footpath", text="人行道地砖松动，容易绊倒")
    with time_machine.travel(FILED + 2 * HOUR, tick=False):
        step(town.property_staff, light, "accept", "已受理")
        step(town.property_staff, light, "resolve", "已更换灯泡")
        step(town.property_staff, other, "reject", "不属于物业管辖")

    assert escalate_at(FILED + 500 * HOUR) == 0
    assert escalations(db, light) == escalations(db, other) == []


def test_a_report_without_a_grid_goes_to_the_admins_at_the_first_step(db, town):
    charger = file_at(
        FILED,
        town.reporter,
        town,
        "ev_charger",
        text="充电桩无法启动",
        place={"asset_code": "CD-07"},
    )

    assert escalate_at(FILED + 25 * HOUR) == 1

    assert escalations(db, charger) == ["受理超时，第1级督办：已提醒社区管理员"]
    assert told(db, charger) == [{town.admin.user_id}]


def test_a_reopened_report_past_its_deadline_is_overdue_again(db, town, light):
    with time_machine.travel(FILED + 2 * HOUR, tick=False):
        step(town.property_staff, light, "accept", "已受理")
        step(town.property_staff, light, "resolve", "已更换灯泡")
    with time_machine.travel(FILED + 100 * HOUR, tick=False):
        assert step(town.reporter, light, "reopen", staff=False).json["status"] == "reopened"

    assert escalate_at(FILED + 100 * HOUR + timedelta(minutes=1)) == 1
    assert escalations(db, light) == ["办结超时，第1级督办：已提醒网格员"]


def test_the_timeline_shows_the_escalation_as_a_system_step(db, town, light):
    escalate_at(FILED + 25 * HOUR)

    with time_machine.travel(FILED + 25 * HOUR, tick=False):
        detail = town.grid_worker.get(f"/api/v1/admin/reports/{light}").json

    last = detail["timeline"][-1]
    assert (last["action"], last["action_label"], last["actor_name"]) == (
        "escalate",
        "超时督办",
        "系统",
    )
    assert (detail["escalation_level"], detail["overdue"]) == (1, True)


def test_staff_queues_filter_overdue_reports(db, town, light):
    fresh = file_at(FILED + 20 * HOUR, town.reporter, town, "greenery", text="绿化带杂草丛生")
    url = "/api/v1/admin/reports/grid-queue"

    with time_machine.travel(FILED + 25 * HOUR, tick=False):
        overdue = town.grid_worker.get(url + "?overdue=true").json
        on_time = town.grid_worker.get(url + "?overdue=false").json
        everything = town.admin.get("/api/v1/admin/reports?overdue=true").json
        org_queue = town.property_staff.get("/api/v1/admin/reports/org-queue?overdue=true").json

    assert ([i["id"] for i in overdue["items"]], overdue["total"]) == ([light], 1)
    assert overdue["items"][0]["overdue"] is True
    assert [i["id"] for i in on_time["items"]] == [fresh]
    assert on_time["items"][0]["overdue"] is False
    assert [i["id"] for i in everything["items"]] == [light]
    assert [i["id"] for i in org_queue["items"]] == [light]


def test_the_beat_runs_the_escalation_every_minute(app):
    entry = app.config["CELERY_BEAT_SCHEDULE"]["reports-escalate-overdue"]

    assert entry == {"task": "reports.escalate_overdue", "schedule": 60.0}
    assert "reports.escalate_overdue" in app.extensions["celery"].tasks
