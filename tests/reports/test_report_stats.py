"""The three rates and the two medians, per organisation and per category, on a fixture whose
every figure is worked out by hand below."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from app.reports.models import Report, ReportCategory, ReportStatus
from tests.factories import CommunityFactory

S = ReportStatus
H = timedelta(hours=1)
JUNE = datetime(2025, 6, 10, 2, 0)  # UTC
NOW = datetime(2025, 6, 30, 17, 0)  # 1 July 01:00 in Shanghai
PERIOD = "from=2025-06-01&to=2025-06-30"


def _add(db, town, code, created, status, first=None, resolved=None, rating=None) -> None:
    category = town.categories[code]
    db.session.add(
        Report(
            community_id=town.community.id, category_id=category.id,
            reporter_user_id=town.reporter.user_id, text="统计用报事",
            organisation_id=category.organisation_id, is_public=category.is_public,
            listed=False, status=status, status_changed_at=created, created_at=created,
            response_due_at=created + category.response_hours * H,
            resolution_due_at=created + category.resolution_hours * H,
            first_response_at=created + first if first else None,
            resolved_at=created + resolved if resolved else None,
            rating=rating,
        )
    )  # fmt: skip


@pytest.fixture
def handled(db, town) -> None:
    """Street lights and footpaths (the property company: 24 h to respond, 72 h / 168 h to
    resolve), safety hazards (the police: 4 h, 48 h), other (no organisation: 24 h, 168 h)."""
    add = lambda *a, **k: _add(db, town, *a, **k)  # noqa: E731
    # P1: filed 1 June 00:30 in Shanghai (31 May in UTC): inside the period.
    add("street_light", datetime(2025, 5, 31, 16, 30), S.CLOSED, 2 * H, 10 * H, 5)
    add("street_light", JUNE, S.RESOLVED, 30 * H, 80 * H, 3)  # P2: late twice, rated 3
    add("footpath", JUNE, S.CLOSED, 4 * H, 50 * H, 4)  # P3: in time (168 h), rated 4
    add("street_light", JUNE, S.REJECTED, 1 * H)  # P4: answered in time by rejecting
    add("street_light", datetime(2025, 6, 20, 2, 0), S.SUBMITTED)  # P5: both deadlines missed
    add("street_light", JUNE, S.CANCELLED)  # withdrawn: not counted at all
    add("safety_hazard", JUNE, S.CLOSED, 1 * H, 20 * H, 2)  # Q1: in time, rated 2
    add("safety_hazard", datetime(2025, 6, 30), S.IN_PROGRESS, 5 * H)  # Q2: late; 48 h not up
    add("safety_hazard", datetime(2025, 6, 30, 15, 0), S.SUBMITTED)  # Q3: 4 h not up yet
    add("other", JUNE, S.SUBMITTED)  # U1: nobody routed, nobody answered
    # Outside the period in Shanghai time: 31 May 23:30 and 1 July 00:30.
    add("street_light", datetime(2025, 5, 31, 15, 30), S.CLOSED, 1 * H, 2 * H, 1)
    add("street_light", datetime(2025, 6, 30, 16, 30), S.RESOLVED, 1 * H, 2 * H, 1)
    _elsewhere(db, town)
    db.session.flush()


def _elsewhere(db, town) -> None:
    """A report of another community in the period, answered in time and rated 1."""
    other = CommunityFactory(slug="shuangjing", name="双井社区")
    category = ReportCategory(
        community_id=other.id, code="street_light", name="路灯", response_hours=24,
        resolution_hours=72, is_public=True,
    )  # fmt: skip
    db.session.add(category)
    db.session.flush()
    db.session.add(
        Report(
            community_id=other.id, category_id=category.id,
            reporter_user_id=town.reporter.user_id, text="别的社区", is_public=True,
            listed=False, status=S.CLOSED, status_changed_at=JUNE, created_at=JUNE,
            response_due_at=JUNE + 24 * H, resolution_due_at=JUNE + 72 * H,
            first_response_at=JUNE + H, resolved_at=JUNE + 2 * H, rating=1,
        )
    )  # fmt: skip


def figures(id_, name, counts, rates, medians) -> dict:
    reports, r_dec, r_ok, s_dec, s_ok, rejected, rated, satisfied = counts
    return {
        "id": id_, "name": name, "reports": reports,
        "response_decided": r_dec, "responded_in_time": r_ok, "response_rate": rates[0],
        "resolution_decided": s_dec, "resolved_in_time": s_ok, "resolution_rate": rates[1],
        "rejected": rejected, "rated": rated, "satisfied": satisfied,
        "satisfaction_rate": rates[2],
        "median_response_seconds": medians[0], "median_resolution_seconds": medians[1],
    }  # fmt: skip


OVERALL = figures(
    None,
    "全部",
    (9, 8, 4, 6, 3, 1, 4, 2),
    (0.5, 0.5, 0.5),
    # responses 1 h, 1 h, 2 h, 4 h, 5 h, 30 h; resolutions 10 h, 20 h, 50 h, 80 h
    (10800.0, 126000.0),
)


def stats(person, query: str):
    with time_machine.travel(NOW, tick=False):
        return person.get(f"/api/v1/admin/report-stats?{query}")


def test_rates_and_medians_per_organisation(db, town, handled):
    response = stats(town.admin, PERIOD + "&group_by=organisation")

    assert response.status_code == 200
    body = response.json
    assert (body["from"], body["to"], body["group_by"]) == (
        "2025-06-01",
        "2025-06-30",
        "organisation",
    )
    assert body["items"] == [
        # Q1–Q3: responses 1 h (in time), 5 h (late); Q1 resolved in 20 h; rated 2
        figures(town.police.id, "北焦警务室", (3, 2, 1, 1, 1, 0, 1, 0), (0.5, 1.0, 0.0),
                (10800.0, 72000.0)),
        # P1–P5: responses 2 h, 30 h, 4 h, 1 h (+ P5 unanswered); resolutions 10 h, 80 h,
        # 50 h (+ P5 unresolved; P4 rejected is left out); rated 5, 3, 4
        figures(town.property_company.id, "焦园物业", (5, 5, 3, 4, 2, 1, 3, 2),
                (0.6, 0.5, 0.6667), (10800.0, 180000.0)),
        figures(None, "未指定责任单位", (1, 1, 0, 1, 0, 0, 0, 0), (0.0, 0.0, None),
                (None, None)),
    ]  # fmt: skip
    assert body["overall"] == OVERALL


def test_rates_and_medians_per_category(db, town, handled):
    c = town.categories

    body = stats(town.admin, PERIOD + "&group_by=category").json

    assert body["items"] == [
        figures(c["other"].id, "其他", (1, 1, 0, 1, 0, 0, 0, 0), (0.0, 0.0, None),
                (None, None)),
        figures(c["safety_hazard"].id, "安全隐患", (3, 2, 1, 1, 1, 0, 1, 0), (0.5, 1.0, 0.0),
                (10800.0, 72000.0)),
        # P1, P2, P4, P5: responses 2 h, 30 h, 1 h; resolutions 10 h, 80 h (P5 late)
        figures(c["street_light"].id, "路灯", (4, 4, 2, 3, 1, 1, 2, 1), (0.5, 0.3333, 0.5),
                (7200.0, 162000.0)),
        figures(c["footpath"].id, "道路步道", (1, 1, 1, 1, 1, 0, 1, 1), (1.0, 1.0, 1.0),
                (14400.0, 180000.0)),
    ]  # fmt: skip
    assert body["overall"] == OVERALL


def test_without_dates_the_last_30_days_are_counted(db, town, handled):
    body = stats(town.admin, "").json

    assert (body["from"], body["to"], body["group_by"]) == (
        "2025-06-02",
        "2025-07-01",
        "organisation",
    )
    # P1 (1 June) falls out; the report filed at 1 July 00:30 comes in, answered in time.
    assert body["overall"]["reports"] == 9


def test_only_admins_see_the_figures(db, town):
    response = stats(town.property_staff, PERIOD)

    assert (response.status_code, response.json["reason"]) == (403, "role_required")


@pytest.mark.parametrize(
    "query",
    ["from=2025-06-30&to=2025-06-01", "from=2024-01-01&to=2025-06-30", "group_by=grid"],
)
def test_a_wrong_period_or_grouping_is_refused(db, town, query):
    response = stats(town.admin, query)

    assert response.status_code == 422
