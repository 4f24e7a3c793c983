"""Routing a report: the category's organisation fixes it, the building's grid worker sees it,
and its deadlines start from the category's hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.community.models import Building, Organisation
from app.extensions import db
from app.reports.models import Report, ReportCategory
from app.reports.services.categories import ReportOrganisationInvalid


def route(
    report: Report, category: ReportCategory, building: Building | None, now: datetime
) -> None:
    """Set the report's organisation, grid and deadlines (no organisation: staff triage)."""
    report.organisation_id = category.organisation_id
    report.grid_id = building.grid_id if building is not None else None
    report.response_due_at = now + timedelta(hours=category.response_hours)
    report.resolution_due_at = now + timedelta(hours=category.resolution_hours)


def check_new_organisation(report: Report, organisation_id: int | None) -> Organisation:
    """The active organisation of the report's community a report is being assigned to."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if (
        organisation is None
        or organisation.community_id != report.community_id
        or not organisation.is_active
    ):
        raise ReportOrganisationInvalid()
    return organisation
