"""Who stands where to a report (reporter, grid worker, organisation staff, admin) and what
they may therefore see; also who may see a report's photos.

A report is read by its reporter and by those who handle it (admins, the grid worker of its
grid, staff of the organisation it is routed to) whatever its state; anyone else in the
community reads it only while it is listed (public category, text passed, not cancelled).
A report someone may not read does not exist for them (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.community.models import GridWorker, OrganisationStaff
from app.core.auth import Actor
from app.core.errors import NotFound
from app.extensions import db
from app.media.models import MediaFile, MediaPurpose, Moderation
from app.media.services import register_access_rule
from app.reports.models import Report, ReportPhoto

REPORTER, GRID_WORKER, ORG_STAFF, ADMIN, SYSTEM = (
    "reporter",
    "grid_worker",
    "org_staff",
    "admin",
    "system",
)
HANDLERS = frozenset({GRID_WORKER, ORG_STAFF, ADMIN})


class ReportNotFound(NotFound):
    reason = "report_not_found"
    message = "找不到该报事"


@dataclass(frozen=True)
class Standing:
    """The parties an actor is to one report; empty for a neighbour."""

    parties: frozenset[str]

    @property
    def handles(self) -> bool:
        return bool(self.parties & HANDLERS)

    @property
    def is_reporter(self) -> bool:
        return REPORTER in self.parties

    def acting_as(self, allowed: frozenset[str]) -> str | None:
        """The party the actor acts as for a step ``allowed`` to those parties (most specific
        first: the organisation's staff before the grid worker before an admin)."""
        for party in (REPORTER, ORG_STAFF, GRID_WORKER, ADMIN, SYSTEM):
            if party in self.parties and party in allowed:
                return party
        return None


SYSTEM_STANDING = Standing(frozenset({SYSTEM}))


def grid_ids_of(actor: Actor) -> list[int]:
    if not actor.has_role(GRID_WORKER):
        return []
    return list(
        db.session.scalars(
            select(GridWorker.grid_id).where(
                GridWorker.community_id == actor.community_id,
                GridWorker.user_id == actor.user_id,
            )
        )
    )


def organisation_ids_of(actor: Actor) -> list[int]:
    if not actor.has_role(ORG_STAFF):
        return []
    return list(
        db.session.scalars(
            select(OrganisationStaff.organisation_id).where(
                OrganisationStaff.community_id == actor.community_id,
                OrganisationStaff.user_id == actor.user_id,
            )
        )
    )


def standing_of(actor: Actor, report: Report) -> Standing:
    parties = set()
    if report.reporter_user_id == actor.user_id:
        parties.add(REPORTER)
    if actor.has_role(ADMIN):
        parties.add(ADMIN)
    if report.grid_id is not None and report.grid_id in grid_ids_of(actor):
        parties.add(GRID_WORKER)
    if report.organisation_id is not None and report.organisation_id in organisation_ids_of(actor):
        parties.add(ORG_STAFF)
    return Standing(frozenset(parties))


def can_read(standing: Standing, report: Report) -> bool:
    return bool(standing.parties) or report.listed


def get_report(
    actor: Actor, report_id: int, *, for_update: bool = False
) -> tuple[Report, Standing]:
    """The report and the actor's standing to it; ReportNotFound when they may not read it."""
    stmt = select(Report).where(Report.id == report_id, Report.community_id == actor.community_id)
    report = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if report is None:
        raise ReportNotFound()
    standing = standing_of(actor, report)
    if not can_read(standing, report):
        raise ReportNotFound()
    return report, standing


def photo_visible(standing: Standing, media: MediaFile) -> bool:
    """Those who handle a report see its photos before WeChat's verdict (they have to fix
    what is in them); everyone else only once passed. Refused photos: the owner alone."""
    if standing.handles:
        return media.moderation != Moderation.RISKY
    return media.moderation == Moderation.PASS


def _may_view_report_photo(actor: Actor, media: MediaFile) -> bool:
    report = db.session.scalar(
        select(Report)
        .join(ReportPhoto, ReportPhoto.report_id == Report.id)
        .where(ReportPhoto.media_id == media.id, Report.community_id == actor.community_id)
    )
    if report is None:
        return False  # not attached yet: its uploader's alone
    standing = standing_of(actor, report)
    return can_read(standing, report) and photo_visible(standing, media)


register_access_rule(MediaPurpose.REPORT.value, _may_view_report_photo)
