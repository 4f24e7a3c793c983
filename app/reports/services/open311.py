"""Open311 GeoReport v2, read only: a community's public categories as *services* and its listed
reports as *service requests*, for civic tools that read any city's 311 data.

Only what neighbours may see leaves here, and less: listed reports (public category, text
passed, not cancelled), no reporter in any form, a photo only once WeChat's check passed it
(through a signed link that expires), and the status as its label rather than staff's notes,
which are written for neighbours in the app and may name people.

The services list is the same for every caller and changes only when staff edit categories, so
it is kept in Redis for a minute: once warm, answering it is one Redis GET.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import Select, func, select, true

from app.community.models import Building, Community, Organisation, Unit
from app.community.services import find_community_by_slug
from app.core.clock import utcnow
from app.core.errors import NotFound
from app.extensions import db, redis
from app.media.models import MediaFile, Moderation
from app.media.storage import media_storage
from app.reports.models import OPEN_STATUSES, Report, ReportCategory, ReportPhoto

log = logging.getLogger(__name__)

SERVICES_KEY = "linli:open311:services:{}"
SERVICES_CACHE_SECONDS = 60
DEFAULT_SPAN = timedelta(days=90)  # the spec's default window when no dates are given
OPEN, CLOSED = "open", "closed"


class Open311CommunityNotFound(NotFound):
    reason = "open311_community_not_found"
    message = "找不到该社区"


class Open311RequestNotFound(NotFound):
    reason = "open311_request_not_found"
    message = "找不到该报事"


@dataclass(frozen=True)
class RequestQuery:
    """Filters of GET requests; ``service_request_ids`` overrides all the others (spec)."""

    service_request_ids: list[int] | None = None
    service_codes: list[str] | None = None
    statuses: frozenset[str] | None = None
    start: datetime | None = None  # naive UTC
    end: datetime | None = None
    page: int = 1
    page_size: int = 1000


@dataclass(frozen=True)
class ServiceRequest:
    """A listed report with what the GeoReport fields need beside it."""

    report: Report
    service_code: str
    service_name: str
    response_hours: int
    resolution_hours: int
    agency: str | None
    address: str
    media_url: str | None

    @property
    def status(self) -> str:
        return OPEN if self.report.status in OPEN_STATUSES else CLOSED


def list_services(slug: str) -> list[dict]:
    """The community's active public categories, each as {code, name, organisation,
    response_hours, resolution_hours}; raises Open311CommunityNotFound."""
    key = SERVICES_KEY.format(slug)
    with contextlib.suppress(RedisError):
        cached = redis.client.get(key)
        if cached is not None:
            return json.loads(cached)
    community = _community(slug)
    rows = db.session.execute(
        select(ReportCategory, Organisation.name)
        .outerjoin(Organisation, Organisation.id == ReportCategory.organisation_id)
        .where(
            ReportCategory.community_id == community.id,
            ReportCategory.is_public.is_(True),
            ReportCategory.is_active.is_(True),
        )
        .order_by(ReportCategory.sort_order, ReportCategory.id)
    ).all()
    services = [
        {
            "code": category.code,
            "name": category.name,
            "organisation": organisation,
            "response_hours": category.response_hours,
            "resolution_hours": category.resolution_hours,
        }
        for category, organisation in rows
    ]
    try:
        redis.client.set(key, json.dumps(services, ensure_ascii=False), ex=SERVICES_CACHE_SECONDS)
    except RedisError:
        log.warning("open311: services of %s not cached (Redis unavailable)", slug)
    return services


def list_requests(
    slug: str, query: RequestQuery, now: datetime | None = None
) -> list[ServiceRequest]:
    """A page of the community's listed reports, newest first, as ServiceRequests.

    Without dates, the last 90 days. Raises Open311CommunityNotFound.
    """
    community = _community(slug)
    stmt = select(Report).where(Report.community_id == community.id, Report.listed == true())
    if query.service_request_ids:
        stmt = stmt.where(Report.id.in_(query.service_request_ids))
    else:
        stmt = _filtered(stmt, community.id, query, now or utcnow())
    stmt = stmt.order_by(Report.id.desc()).limit(query.page_size)
    reports = db.session.scalars(stmt.offset((query.page - 1) * query.page_size)).all()
    return _described(community, reports)


def get_request(slug: str, request_id: int) -> ServiceRequest:
    """One listed report; raises Open311CommunityNotFound, Open311RequestNotFound."""
    community = _community(slug)
    report = db.session.scalar(
        select(Report).where(
            Report.id == request_id, Report.community_id == community.id, Report.listed == true()
        )
    )
    if report is None:
        raise Open311RequestNotFound()
    return _described(community, [report])[0]


def _community(slug: str) -> Community:
    community = find_community_by_slug(slug)
    if community is None:
        raise Open311CommunityNotFound()
    return community


def _filtered(stmt: Select, community_id: int, query: RequestQuery, now: datetime) -> Select:
    if query.service_codes:
        stmt = stmt.where(
            Report.category_id.in_(
                select(ReportCategory.id).where(
                    ReportCategory.community_id == community_id,
                    ReportCategory.code.in_(query.service_codes),
                )
            )
        )
    if query.statuses == {OPEN}:
        stmt = stmt.where(Report.status.in_(OPEN_STATUSES))
    elif query.statuses == {CLOSED}:
        stmt = stmt.where(Report.status.not_in(OPEN_STATUSES))
    start = query.start
    if start is None and query.end is None:
        start = now - DEFAULT_SPAN
    if start is not None:
        stmt = stmt.where(Report.created_at >= start)
    if query.end is not None:
        stmt = stmt.where(Report.created_at <= query.end)
    return stmt


def _lookup(model, columns, ids) -> dict[int, tuple]:
    """id → the ``columns`` of those rows of ``model``."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(select(model.id, *columns).where(model.id.in_(wanted)))
    return {row[0]: tuple(row[1:]) for row in rows}


def _described(community: Community, reports) -> list[ServiceRequest]:
    categories = _lookup(
        ReportCategory,
        (ReportCategory.code, ReportCategory.name, ReportCategory.response_hours,
         ReportCategory.resolution_hours),
        (r.category_id for r in reports),
    )  # fmt: skip
    agencies = _lookup(Organisation, (Organisation.name,), (r.organisation_id for r in reports))
    buildings = _lookup(Building, (Building.name,), (r.building_id for r in reports))
    units = _lookup(Unit, (Unit.code,), (r.unit_id for r in reports))
    photos = _passed_photos([r.id for r in reports])
    return [
        ServiceRequest(
            report=r,
            service_code=categories[r.category_id][0],
            service_name=categories[r.category_id][1],
            response_hours=categories[r.category_id][2],
            resolution_hours=categories[r.category_id][3],
            agency=agencies.get(r.organisation_id, (None,))[0],
            address=_address(community, r, buildings, units),
            media_url=photos.get(r.id),
        )
        for r in reports
    ]


def _address(community: Community, report: Report, buildings: dict, units: dict) -> str:
    parts = [community.name]
    if report.building_id in buildings:
        parts.append(buildings[report.building_id][0])
    if report.unit_id in units:
        parts.append(f"{units[report.unit_id][0]}单元")
    if report.asset_code:
        parts.append(f"设施编号 {report.asset_code}")
    if report.place_note:
        parts.append(report.place_note)
    return " ".join(parts)


def _passed_photos(report_ids: list[int]) -> dict[int, str]:
    """report id → a public link to its first photo WeChat's check passed."""
    if not report_ids:
        return {}
    first = (
        select(ReportPhoto.report_id, func.min(ReportPhoto.position).label("position"))
        .join(MediaFile, MediaFile.id == ReportPhoto.media_id)
        .where(ReportPhoto.report_id.in_(report_ids), MediaFile.moderation == Moderation.PASS)
        .group_by(ReportPhoto.report_id)
        .subquery()
    )
    rows = db.session.execute(
        select(ReportPhoto.report_id, MediaFile.storage_key)
        .join(first, (first.c.report_id == ReportPhoto.report_id)
              & (first.c.position == ReportPhoto.position))
        .join(MediaFile, MediaFile.id == ReportPhoto.media_id)
    ).all()  # fmt: skip
    storage = media_storage()
    return {report_id: storage.url_for(key) for report_id, key in rows}
