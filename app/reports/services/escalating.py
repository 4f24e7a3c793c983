"""Deadlines: overdue reports escalate on a schedule, first to the grid worker of their grid,
then to the community's admins.

A report is *overdue* while it waits past a deadline: still submitted after its response
deadline (nobody has taken it), or open (submitted, accepted, in progress, reopened) after its
resolution deadline. An overdue report escalates in steps:

- level 1, as soon as it is overdue: the grid workers of the report's grid (the community's
  admins when the report has no grid or the grid nobody);
- level 2, one response window (the category's response hours) after level 1, if it is still
  overdue then: the community's admins.

Each step happens once per report and level. Candidates are found without locks, then claimed
FOR UPDATE SKIP LOCKED with their overdue state and level checked again under the lock, so two
beat runs at once never take one step twice. A step raises ``escalation_level``, appends a
timeline event by the system and queues a WeChat message to its targets through the outbox;
in the app, staff find these reports with the queues' ``overdue`` filter.

Levels count steps per report, not per deadline: a report escalated for its response deadline
that later misses its resolution deadline goes on to level 2. Deadlines never move (not on
reassignment, not on reopening), so a reopened report past its deadline is overdue at once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import and_, func, literal_column, or_, select
from sqlalchemy.sql.elements import ColumnElement

from app.accounts.models import Membership, MembershipRole, Role, User
from app.community.models import GridWorker
from app.core.clock import utcnow
from app.delivery.services import Recipient, enqueue_batch
from app.extensions import db
from app.reports.models import OPEN_STATUSES, Report, ReportCategory, ReportStatus
from app.reports.services.access import SYSTEM
from app.reports.services.notifying import TITLE_TEXT_CHARS
from app.reports.services.timeline import record_event
from app.reports.services.totals import lists_changed
from app.subscriptions.fields import TemplateSpecInvalid, TemplateValueInvalid
from app.subscriptions.models import TemplatePurpose

log = logging.getLogger(__name__)

MAX_LEVEL = 2
ESCALATION_BATCH = 200
SOURCE_TYPE = "report_escalation"
_TARGET_NAMES = {1: "网格员", 2: "社区管理员"}


def response_overdue(now: datetime) -> ColumnElement[bool]:
    """Nobody has taken it and its response deadline has passed."""
    return and_(Report.status == ReportStatus.SUBMITTED, Report.response_due_at < now)


def resolution_overdue(now: datetime) -> ColumnElement[bool]:
    """Still open and its resolution deadline has passed."""
    return and_(Report.status.in_(OPEN_STATUSES), Report.resolution_due_at < now)


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """``is_overdue`` as SQL (the staff queues' ``overdue`` filter)."""
    return or_(response_overdue(now), resolution_overdue(now))


def is_overdue(report: Report, now: datetime) -> bool:
    if report.status not in OPEN_STATUSES:
        return False
    late_response = report.status == ReportStatus.SUBMITTED and report.response_due_at < now
    return late_response or report.resolution_due_at < now


def escalate_overdue(now: datetime | None = None, limit: int = ESCALATION_BATCH) -> int:
    """Take the escalation steps that are due (at most ``limit``); how many were taken.

    Safe to run several times at once: a report another run holds is skipped (SKIP LOCKED) and
    one whose level changed since it was found is left alone. Commit is the caller's.
    """
    now = (now or utcnow()).replace(microsecond=0)
    planned = _due_steps(now, limit)
    if not planned:
        return 0
    claimed = db.session.scalars(
        select(Report)
        .where(Report.id.in_(planned), overdue_clause(now))
        .order_by(Report.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    taken = 0
    for report in claimed:
        if report.escalation_level + 1 != planned[report.id]:
            continue  # another run took this step between our look and our lock
        _escalate(report, planned[report.id], now)
        taken += 1
    for community_id in {r.community_id for r in claimed}:
        lists_changed(community_id)
    return taken


def _due_steps(now: datetime, limit: int) -> dict[int, int]:
    """report id → the level it is due to reach, oldest deadline first; read without locks.

    One query per deadline, each a range of its own index (status, *_due_at).
    """
    next_step_at = func.timestampadd(
        literal_column("HOUR"), ReportCategory.response_hours, Report.last_escalated_at
    )
    step_due = or_(Report.escalation_level == 0, next_step_at <= now)
    planned: dict[int, int] = {}
    for overdue, deadline in (
        (response_overdue(now), Report.response_due_at),
        (resolution_overdue(now), Report.resolution_due_at),
    ):
        rows = db.session.execute(
            select(Report.id, Report.escalation_level)
            .join(ReportCategory, ReportCategory.id == Report.category_id)
            .where(overdue, Report.escalation_level < MAX_LEVEL, step_due)
            .order_by(deadline, Report.id)
            .limit(limit)
        ).all()
        planned.update({report_id: level + 1 for report_id, level in rows})
    return dict(list(planned.items())[:limit])


def _escalate(report: Report, level: int, now: datetime) -> None:
    targets, target_name = _targets(report, level)
    late = "办结超时" if report.resolution_due_at < now else "受理超时"
    report.escalation_level = level
    report.last_escalated_at = now
    record_event(
        report,
        actor_user_id=None,
        actor_role=SYSTEM,
        action="escalate",
        from_status=report.status.value,
        to_status=report.status.value,
        note=f"{late}，第{level}级督办：已提醒{target_name}",
    )
    _notify(report, targets, late, now)


def _targets(report: Report, level: int) -> tuple[list[int], str]:
    """Who a step tells: level 1 the grid's workers (admins if none), level 2 the admins."""
    if level == 1:
        workers = grid_worker_ids(report)
        if workers:
            return workers, _TARGET_NAMES[1]
    return admin_ids(report.community_id), _TARGET_NAMES[2]


def grid_worker_ids(report: Report) -> list[int]:
    if report.grid_id is None:
        return []
    return list(
        db.session.scalars(
            select(GridWorker.user_id)
            .join(User, User.id == GridWorker.user_id)
            .where(
                GridWorker.community_id == report.community_id,
                GridWorker.grid_id == report.grid_id,
                User.is_active.is_(True),
            )
            .order_by(GridWorker.user_id)
        )
    )


def admin_ids(community_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Membership.user_id)
            .join(MembershipRole, MembershipRole.membership_id == Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.community_id == community_id,
                MembershipRole.role == Role.ADMIN,
                User.is_active.is_(True),
            )
            .order_by(Membership.user_id)
        )
    )


def _notify(report: Report, targets: list[int], late: str, now: datetime) -> None:
    """One WeChat message per target (outbox); a template that cannot be filled is logged."""
    if not targets:
        log.warning("report %s: an escalation step has nobody to tell", report.id)
        return
    category_name = db.session.scalar(
        select(ReportCategory.name).where(ReportCategory.id == report.category_id)
    )
    values = {
        "title": f"{category_name}：{report.text[:TITLE_TEXT_CHARS]}",
        "status": late,
        "note": f"{late}，请尽快督办",
        "updated_at": now,
        "report_id": report.id,
    }
    try:
        with db.session.begin_nested():
            enqueue_batch(
                community_id=report.community_id,
                purpose=TemplatePurpose.REPORT_UPDATE,
                source_type=SOURCE_TYPE,
                source_id=report.id,
                recipients=[Recipient(user_id) for user_id in targets],
                values=values,
                page_query=f"id={report.id}&staff=1",
            )
    except (TemplateSpecInvalid, TemplateValueInvalid):
        log.exception("report %s: escalation message not queued (template)", report.id)
