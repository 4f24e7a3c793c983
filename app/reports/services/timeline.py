"""The timeline of a report: appending its steps, and reading them back with names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import User
from app.community.models import Organisation
from app.extensions import db
from app.reports.models import Report, ReportEvent

SYSTEM_NAME = "系统"


def record_event(
    report: Report,
    *,
    actor_user_id: int | None,
    actor_role: str,
    action: str,
    from_status: str | None,
    to_status: str | None,
    note: str | None = None,
    organisation_id: int | None = None,
) -> ReportEvent:
    """Append one step (never updated or deleted afterwards)."""
    event = ReportEvent(
        community_id=report.community_id,
        report_id=report.id,
        actor_user_id=actor_user_id,
        actor_role=actor_role,
        organisation_id=organisation_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class TimelineEntry:
    event: ReportEvent
    actor_name: str  # the nickname people know them by, or 系统
    organisation_name: str | None


def timeline_of(report: Report) -> list[TimelineEntry]:
    """The steps, oldest first, each with who took it (nickname) and for which organisation."""
    rows = db.session.execute(
        select(ReportEvent, User.nickname, Organisation.name)
        .outerjoin(User, User.id == ReportEvent.actor_user_id)
        .outerjoin(Organisation, Organisation.id == ReportEvent.organisation_id)
        .where(ReportEvent.report_id == report.id)
        .order_by(ReportEvent.id)
    ).all()
    return [
        TimelineEntry(
            event=event,
            actor_name=SYSTEM_NAME if event.actor_user_id is None else (nickname or "居民"),
            organisation_name=org_name,
        )
        for event, nickname, org_name in rows
    ]
