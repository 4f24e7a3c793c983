"""The "me too" of reports: open public reports like the one about to be filed, and joining one as a
supporter, who then follows it like its reporter (WeChat messages on every change)."""

from __future__ import annotations

from sqlalchemy import delete, select, true, update
from sqlalchemy.exc import IntegrityError

from app.core.auth import Actor
from app.core.errors import Conflict, Invalid
from app.extensions import db
from app.reports.models import OPEN_STATUSES, Report, ReportSupporter
from app.reports.services.access import get_report
from app.reports.services.totals import lists_changed

SIMILAR_LIMIT = 10


class ReportSimilarPlaceRequired(Invalid):
    reason = "report_similar_place_required"
    message = "请提供楼栋或设施编号"


class ReportSupportOwn(Conflict):
    reason = "report_support_own"
    message = "这是您自己提交的报事"


class ReportSupportClosed(Conflict):
    reason = "report_support_closed"
    message = "该报事已不再接受附议"


def find_similar(
    actor: Actor, *, category_id: int, building_id: int | None, asset_code: str | None
) -> list[Report]:
    """Open, listed reports of the category at the building or with the asset code, the most
    supported first (at most 10). Private reports are never offered."""
    if building_id is None and not asset_code:
        raise ReportSimilarPlaceRequired()
    stmt = select(Report).where(
        Report.community_id == actor.community_id,
        Report.category_id == category_id,
        Report.listed == true(),
        Report.status.in_(OPEN_STATUSES),
    )
    if asset_code:
        stmt = stmt.where(Report.asset_code == asset_code)
    else:
        stmt = stmt.where(Report.building_id == building_id)
    stmt = stmt.order_by(Report.supporter_count.desc(), Report.id.desc()).limit(SIMILAR_LIMIT)
    return list(db.session.scalars(stmt))


def support_report(actor: Actor, report_id: int) -> Report:
    """Join a report as a supporter (again: no change). Only open, listed reports of others.

    Raises ReportNotFound, ReportSupportOwn, ReportSupportClosed.
    """
    report, standing = get_report(actor, report_id)
    if standing.is_reporter:
        raise ReportSupportOwn()
    if not report.listed or report.status not in OPEN_STATUSES:
        raise ReportSupportClosed()
    try:
        with db.session.begin_nested():
            db.session.add(
                ReportSupporter(
                    community_id=report.community_id, report_id=report.id, user_id=actor.user_id
                )
            )
    except IntegrityError:
        return report  # already a supporter
    _count(report, +1)
    return report


def withdraw_support(actor: Actor, report_id: int) -> Report:
    """Stop supporting (and following) a report; not supporting it is no error."""
    report, _ = get_report(actor, report_id)
    removed = db.session.execute(
        delete(ReportSupporter).where(
            ReportSupporter.report_id == report.id, ReportSupporter.user_id == actor.user_id
        )
    ).rowcount
    if removed:
        _count(report, -1)
    return report


def is_supporter(actor: Actor, report: Report) -> bool:
    return (
        db.session.scalar(
            select(ReportSupporter.id).where(
                ReportSupporter.report_id == report.id, ReportSupporter.user_id == actor.user_id
            )
        )
        is not None
    )


def _count(report: Report, change: int) -> None:
    db.session.execute(
        update(Report)
        .where(Report.id == report.id)
        .values(supporter_count=Report.supporter_count + change)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(report, ["supporter_count"])
    lists_changed(report.community_id)  # lists show the count
