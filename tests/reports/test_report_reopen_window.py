"""With frozen time: the reporter is offered "reopen" only while the reopen window lasts (the
step itself is refused after it), and the report says until when (``reopen_until``)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from tests.reports.conftest import file_report, step

FILED = datetime(2025, 6, 2, 1, 0)  # UTC
RESOLVED = FILED + timedelta(hours=3)
MINUTE = timedelta(minutes=1)


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def window(app) -> timedelta:
    return timedelta(days=app.config["REPORT_REOPEN_DAYS"])


@pytest.fixture
def resolved(db, town) -> int:
    with at(FILED):
        report_id = file_report(town.reporter, town).json["id"]
    with at(RESOLVED):
        step(town.property_staff, report_id, "accept", "已受理")
        assert step(town.property_staff, report_id, "resolve", "已更换灯泡").status_code == 200
    return report_id


def detail(person, report_id: int, moment: datetime) -> dict:
    with at(moment):
        return person.get(f"/api/v1/reports/{report_id}").json


def shanghai(moment: datetime) -> str:
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def test_reopen_is_offered_until_the_window_closes_and_the_deadline_is_shown(
    db, town, resolved, window
):
    inside = detail(town.reporter, resolved, RESOLVED + window - MINUTE)
    last_moment = detail(town.reporter, resolved, RESOLVED + window)
    after = detail(town.reporter, resolved, RESOLVED + window + MINUTE)

    assert "reopen" in inside["actions"] and "reopen" in last_moment["actions"]
    assert "reopen" not in after["actions"]
    assert "close" in after["actions"]  # the reporter may still confirm it
    assert inside["reopen_until"] == after["reopen_until"] == shanghai(RESOLVED + window)


def test_what_is_offered_agrees_with_what_the_step_allows(db, town, resolved, window):
    with at(RESOLVED + window + MINUTE):
        late = step(town.reporter, resolved, "reopen", "灯又坏了", staff=False)
    with at(RESOLVED + window):
        in_time = step(town.reporter, resolved, "reopen", "灯又坏了", staff=False)

    assert (late.status_code, late.json["reason"]) == (409, "report_reopen_expired")
    assert (in_time.status_code, in_time.json["status"]) == (200, "reopened")
    reopened = detail(town.reporter, resolved, RESOLVED + window)
    assert reopened["reopen_until"] is None  # open again: nothing to reopen
    assert "reopen" not in reopened["actions"]


def test_a_rejected_report_has_its_own_window(db, town, window):
    with at(FILED):
        report_id = file_report(town.reporter, town).json["id"]
    rejected_at = FILED + timedelta(days=2)
    with at(rejected_at):
        step(town.property_staff, report_id, "reject", "重复报事")

    shown = detail(town.reporter, report_id, rejected_at + window - MINUTE)
    late = detail(town.reporter, report_id, rejected_at + window + MINUTE)

    assert shown["reopen_until"] == shanghai(rejected_at + window)
    assert shown["actions"] == ["reopen"]
    assert late["actions"] == []


def test_an_open_report_has_no_reopen_deadline(db, town):
    with at(FILED):
        report_id = file_report(town.reporter, town).json["id"]

    shown = detail(town.reporter, report_id, FILED + MINUTE)

    assert shown["reopen_until"] is None
    assert shown["actions"] == ["cancel"]


def test_others_are_never_offered_reopen_but_staff_see_the_deadline(db, town, resolved, window):
    neighbour = detail(town.neighbour, resolved, RESOLVED + MINUTE)
    with at(RESOLVED + MINUTE):
        staff = town.property_staff.get(f"/api/v1/admin/reports/{resolved}").json

    assert "reopen" not in neighbour["actions"] and "reopen" not in staff["actions"]
    assert staff["reopen_until"] == shanghai(RESOLVED + window)
