"""The reporter's rating: after resolution, reporter only, once per resolution, comment checked
and kept from neighbours."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.reports.models import Report, ReportEvent
from tests.reports.conftest import control, file_report, step


@pytest.fixture
def resolved(town) -> int:
    report_id = file_report(town.reporter, town).json["id"]
    step(town.property_staff, report_id, "accept", "已受理")
    step(town.property_staff, report_id, "resolve", "已更换灯泡")
    return report_id


def rate(person, report_id: int, rating, comment: str | None = None):
    return person.post(
        f"/api/v1/reports/{report_id}/rating", json={"rating": rating, "comment": comment}
    )


def rate_events(db, report_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(ReportEvent.note)
            .where(ReportEvent.report_id == report_id, ReportEvent.action == "rate")
            .order_by(ReportEvent.id)
        )
    )


def test_the_reporter_rates_a_resolved_report(db, town, resolved):
    response = rate(town.reporter, resolved, 5, "师傅很快就修好了")

    assert response.status_code == 200
    assert {k: response.json[k] for k in ("id", "rating", "rating_comment", "status")} == {
        "id": resolved,
        "rating": 5,
        "rating_comment": "师傅很快就修好了",
        "status": "resolved",
    }
    assert response.json["rated_at"]
    assert rate_events(db, resolved) == ["评价 5 星"]
    mine = town.reporter.get(f"/api/v1/reports/{resolved}").json
    assert (mine["rating"], mine["rating_comment"]) == (5, "师傅很快就修好了")
    assert mine["timeline"][-1]["action_label"] == "评价"


def test_the_comment_is_for_the_reporter_and_staff_only(db, town, resolved):
    rate(town.reporter, resolved, 2, "修了两次才好")

    public = town.neighbour.get(f"/api/v1/reports/{resolved}").json
    staff = town.property_staff.get(f"/api/v1/admin/reports/{resolved}").json

    assert (public["rating"], public["rating_comment"]) == (2, None)
    assert all("修了两次" not in (e["note"] or "") for e in public["timeline"])
    assert (staff["rating"], staff["rating_comment"]) == (2, "修了两次才好")


def test_a_closed_report_can_be_rated_too(db, town, resolved):
    step(town.reporter, resolved, "close", staff=False)

    assert rate(town.reporter, resolved, 4).status_code == 200


def test_an_unresolved_report_cannot_be_rated(db, town):
    report_id = file_report(town.reporter, town).json["id"]
    step(town.property_staff, report_id, "accept", "已受理")

    response = rate(town.reporter, report_id, 5)

    assert (response.status_code, response.json["reason"]) == (409, "report_not_ratable")
    assert db.session.get(Report, report_id, populate_existing=True).rating is None


def test_only_the_reporter_rates(db, town, resolved):
    private = file_report(town.reporter, town, "water_electricity", text="家里厨房水管漏水")

    by_neighbour = rate(town.neighbour, resolved, 1)
    by_staff = rate(town.property_staff, resolved, 5)

    assert (by_neighbour.status_code, by_neighbour.json["reason"]) == (
        403,
        "report_rating_forbidden",
    )
    assert by_staff.status_code == 403
    assert rate(town.neighbour, private.json["id"], 1).status_code == 404
    assert rate_events(db, resolved) == []


def test_a_rating_is_given_once_and_the_same_again_is_a_harmless_retry(db, town, resolved):
    assert rate(town.reporter, resolved, 4, "不错").status_code == 200

    again = rate(town.reporter, resolved, 4, "不错")
    changed = rate(town.reporter, resolved, 1, "不错")

    assert (again.status_code, again.json["rating"]) == (200, 4)
    assert (changed.status_code, changed.json["reason"]) == (409, "report_already_rated")
    assert rate_events(db, resolved) == ["评价 4 星"]


def test_reopening_withdraws_the_rating_and_the_next_resolution_is_rated_afresh(db, town, resolved):
    rate(town.reporter, resolved, 1, "灯还是不亮")
    step(town.reporter, resolved, "reopen", "灯还是不亮", staff=False)

    reopened = town.reporter.get(f"/api/v1/reports/{resolved}").json
    assert (reopened["rating"], reopened["rating_comment"]) == (None, None)
    assert rate(town.reporter, resolved, 5).json["reason"] == "report_not_ratable"

    step(town.property_staff, resolved, "resolve", "已更换整套灯具")
    assert rate(town.reporter, resolved, 5).status_code == 200
    assert rate_events(db, resolved) == ["评价 1 星", "评价 5 星"]


def test_a_risky_comment_is_refused_and_nothing_is_saved(db, wechat, town, resolved):
    control(wechat, "content_rules", {"risky_words": ["赌博"]})

    response = rate(town.reporter, resolved, 1, "物业的人在赌博")

    assert (response.status_code, response.json["reason"]) == (422, "report_text_risky")
    assert db.session.get(Report, resolved, populate_existing=True).rating is None
    assert rate_events(db, resolved) == []


@pytest.mark.parametrize("rating", [0, 6, "五"])
def test_a_rating_is_a_whole_number_from_1_to_5(db, town, resolved, rating):
    assert rate(town.reporter, resolved, rating).status_code == 422
