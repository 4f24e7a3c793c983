"""Reading one report as the actor may see it: its names, visible photos, timeline and the
steps the actor may take."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import User
from app.community.models import Building, Organisation, Unit
from app.core.auth import Actor
from app.extensions import db
from app.media.models import MediaFile
from app.reports.models import Report, ReportCategory, ReportPhoto
from app.reports.services.access import ReportNotFound, Standing, get_report, photo_visible
from app.reports.services.supporting import is_supporter
from app.reports.services.timeline import TimelineEntry, timeline_of
from app.reports.services.workflow import allowed_actions, reopen_until


@dataclass(frozen=True)
class ReportDetail:
    report: Report
    category_name: str
    building_name: str | None
    unit_code: str | None
    organisation_name: str | None
    reporter_nickname: str
    photos: list[MediaFile]
    timeline: list[TimelineEntry]
    is_mine: bool
    is_supporter: bool
    actions: list[str] = field(default_factory=list)
    reopen_until: datetime | None = None


def _names(model, ids: Iterable[int | None], column) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(wanted))).all())


def get_report_detail(actor: Actor, report_id: int, *, handling: bool = False) -> ReportDetail:
    """One report as the actor may see it; ReportNotFound when they may not. ``handling``:
    only for those who handle it (the staff view, with the reporter's user id)."""
    report, standing = get_report(actor, report_id)
    if handling and not standing.handles:
        raise ReportNotFound()
    return ReportDetail(
        report=report,
        category_name=db.session.get(ReportCategory, report.category_id).name,
        building_name=_names(Building, [report.building_id], Building.name).get(report.building_id),
        unit_code=_names(Unit, [report.unit_id], Unit.code).get(report.unit_id),
        organisation_name=_names(Organisation, [report.organisation_id], Organisation.name).get(
            report.organisation_id
        ),
        reporter_nickname=db.session.scalar(
            select(User.nickname).where(User.id == report.reporter_user_id)
        )
        or "居民",
        photos=_visible_photos(actor, report, standing),
        timeline=timeline_of(report),
        is_mine=standing.is_reporter,
        is_supporter=is_supporter(actor, report),
        actions=allowed_actions(standing, report),
        reopen_until=reopen_until(report),
    )


def _visible_photos(actor: Actor, report: Report, standing: Standing) -> list[MediaFile]:
    photos = db.session.scalars(
        select(MediaFile)
        .join(ReportPhoto, ReportPhoto.media_id == MediaFile.id)
        .where(ReportPhoto.report_id == report.id)
        .order_by(ReportPhoto.position)
    )
    return [m for m in photos if m.owner_user_id == actor.user_id or photo_visible(standing, m)]
