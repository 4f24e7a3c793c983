"""How well reports are handled, per organisation or per category, over a period.

The reports counted are those filed in the period (Shanghai calendar days, both ends included),
cancelled ones left out. Each group (the organisation a report is routed to now, or its
category) gets:

- response rate: first response (accept, start, resolve or reject by those who handle it) by the
  response deadline, among reports whose response is decided — answered, or past the deadline
  unanswered; a report still inside its window does not count yet;
- resolution rate: resolved by the resolution deadline, among reports whose resolution is
  decided — resolved, or past the deadline unresolved; rejected reports are not expected to be
  resolved and are left out (they are counted on their own, so rejecting is visible);
- satisfaction rate: ratings of 4 or 5 among rated reports;
- median time from filing to first response, and to resolution, over the reports that have one.

A rate whose denominator is zero is None. Counts come from one SQL aggregate; the medians from
the durations selected in a second query (a few thousand a year per community).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import case, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.community.models import Organisation
from app.core.auth import Actor
from app.core.clock import SHANGHAI, utcnow
from app.core.errors import Forbidden, Invalid
from app.extensions import db
from app.reports.models import Report, ReportCategory, ReportStatus
from app.reports.services.access import ADMIN
from app.reports.services.rating import SATISFIED_FROM

GroupBy = Literal["organisation", "category"]
MAX_PERIOD_DAYS = 400
UNROUTED_NAME = "未指定责任单位"


class ReportStatsForbidden(Forbidden):
    reason = "report_stats_forbidden"
    message = "只有社区管理员可以查看报事统计"


class ReportStatsPeriodInvalid(Invalid):
    reason = "report_stats_period_invalid"
    message = "统计区间无效：开始日期不能晚于结束日期，且不超过 400 天"


@dataclass
class HandlingFigures:
    """The counts and medians of one group (or of all reports: ``id`` None, name 全部)."""

    id: int | None
    name: str
    reports: int = 0
    response_decided: int = 0
    responded_in_time: int = 0
    resolution_decided: int = 0
    resolved_in_time: int = 0
    rejected: int = 0
    rated: int = 0
    satisfied: int = 0
    median_response_seconds: float | None = None
    median_resolution_seconds: float | None = None

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded_in_time, self.response_decided)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.resolved_in_time, self.resolution_decided)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)


@dataclass(frozen=True)
class HandlingStats:
    date_from: date
    date_to: date
    group_by: GroupBy
    items: list[HandlingFigures]
    overall: HandlingFigures


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


_COUNTS = (
    "reports",
    "response_decided",
    "responded_in_time",
    "resolution_decided",
    "resolved_in_time",
    "rejected",
    "rated",
    "satisfied",
)  # in the order of the aggregate's columns


def handling_stats(
    actor: Actor,
    *,
    date_from: date,
    date_to: date,
    group_by: GroupBy,
    now: datetime | None = None,
) -> HandlingStats:
    """The figures per group over the period, groups by name, and for all reports together.

    Raises ReportStatsForbidden (admins only), ReportStatsPeriodInvalid.
    """
    if not actor.has_role(ADMIN):
        raise ReportStatsForbidden()
    if date_from > date_to or (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise ReportStatsPeriodInvalid()
    now = now or utcnow()
    key = Report.organisation_id if group_by == "organisation" else Report.category_id
    counted = _counted(actor.community_id, date_from, date_to)
    groups = _counts(key, counted, now)
    overall = HandlingFigures(None, "全部")
    for figures in groups.values():
        for name in _COUNTS:
            setattr(overall, name, getattr(overall, name) + getattr(figures, name))
    _add_medians(key, counted, groups, overall)
    names = _names(group_by, list(groups))
    for group_id, figures in groups.items():
        figures.name = names.get(group_id, UNROUTED_NAME)
    items = sorted(groups.values(), key=lambda f: (f.id is None, f.name))
    return HandlingStats(date_from, date_to, group_by, items, overall)


def _counted(community_id: int, date_from: date, date_to: date) -> list[ColumnElement[bool]]:
    """Reports of the community filed in the period (Shanghai days), cancelled ones aside."""
    return [
        Report.community_id == community_id,
        Report.created_at >= _utc_midnight(date_from),
        Report.created_at < _utc_midnight(date_to + timedelta(days=1)),
        Report.status != ReportStatus.CANCELLED,
    ]


def _utc_midnight(day: date) -> datetime:
    """The start of a Shanghai day as the naive UTC the columns hold."""
    return datetime.combine(day, time(), SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _counts(key, counted, now: datetime) -> dict[int | None, HandlingFigures]:
    rejected = Report.status == ReportStatus.REJECTED
    columns = (
        func.count(),
        _count(or_(Report.first_response_at.is_not(None), Report.response_due_at < now)),
        _count(Report.first_response_at <= Report.response_due_at),
        _count(~rejected & or_(Report.resolved_at.is_not(None), Report.resolution_due_at < now)),
        _count(Report.resolved_at <= Report.resolution_due_at),
        _count(rejected),
        func.count(Report.rating),
        _count(Report.rating >= SATISFIED_FROM),
    )
    rows = db.session.execute(select(key, *columns).where(*counted).group_by(key)).all()
    return {row[0]: HandlingFigures(row[0], "", *(int(n or 0) for n in row[1:])) for row in rows}


def _seconds(since, until) -> ColumnElement[int]:
    return func.timestampdiff(literal_column("SECOND"), since, until)


def _add_medians(key, counted, groups: dict, overall: HandlingFigures) -> None:
    rows = db.session.execute(
        select(
            key,
            _seconds(Report.created_at, Report.first_response_at),
            _seconds(Report.created_at, Report.resolved_at),
        ).where(
            *counted, or_(Report.first_response_at.is_not(None), Report.resolved_at.is_not(None))
        )
    ).all()
    responses, resolutions = defaultdict(list), defaultdict(list)
    for group_id, response, resolution in rows:
        if response is not None:
            responses[group_id].append(response)
        if resolution is not None:
            resolutions[group_id].append(resolution)
    for group_id, figures in groups.items():
        figures.median_response_seconds = _median(responses[group_id])
        figures.median_resolution_seconds = _median(resolutions[group_id])
    overall.median_response_seconds = _median([s for v in responses.values() for s in v])
    overall.median_resolution_seconds = _median([s for v in resolutions.values() for s in v])


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _names(group_by: GroupBy, ids: list[int | None]) -> dict[int, str]:
    model = Organisation if group_by == "organisation" else ReportCategory
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(wanted))).all())
