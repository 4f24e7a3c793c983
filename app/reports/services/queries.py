"""Reading reports: the lists (mine, public, a grid's, an organisation's, all).

Every list is one indexed range of ``report`` ordered by id (newest first); the page's rows
are then read in one query with their category and building names and first visible photo.
"""

from __future__ import annotations

from sqlalchemy import Row, Select, case, func, not_, or_, select, true, union

from app.community.models import Building
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Forbidden
from app.extensions import db
from app.media.models import MediaFile, Moderation
from app.reports.models import (
    OPEN_STATUSES,
    Report,
    ReportCategory,
    ReportPhoto,
    ReportStatus,
    ReportSupporter,
)
from app.reports.services.access import (
    ADMIN,
    grid_ids_of,
    organisation_ids_of,
)
from app.reports.services.escalating import overdue_clause
from app.reports.services.totals import cached_total, count_rows

OPEN = "open"  # a status filter meaning every open status
# How the reports of a person's own list are theirs: filed by them, joined with "me too", both.
FILED, SUPPORTED, ALL = "filed", "supported", "all"
RELATIONS = (FILED, SUPPORTED, ALL)


class ReportListForbidden(Forbidden):
    reason = "report_list_forbidden"
    message = "您没有可查看的报事队列"


# A report in a list: a plain row (no mapped object: lists are the hot path) of the ``Report``
# columns the list schemas read, with what the list shows beside them: category_name,
# building_name, thumb_media_id (and, in a page counted in its own query, total).
ReportItem = Row


def _filtered(stmt: Select, **filters) -> Select:
    status = filters.pop("status", None)
    overdue = filters.pop("overdue", None)
    if overdue is not None:
        late = overdue_clause(utcnow())
        stmt = stmt.where(late if overdue else not_(late))
    if status == OPEN:
        stmt = stmt.where(Report.status.in_(OPEN_STATUSES))
    elif status is not None:
        stmt = stmt.where(Report.status == ReportStatus(status))
    for name, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(Report, name) == value)
    return stmt


def _page(
    actor: Actor,
    stmt: Select,
    page: int,
    page_size: int,
    handles: bool,
    scope: str | None,
    public_view: bool = False,
    extra: tuple = (),
) -> dict:
    """One page, newest first; ``scope`` (the list and its filters) caches the total; None
    counts it every time, in the page's own query (short lists: one person's reports, an
    overdue queue, which changes with the clock).
    ``public_view``: thumbnails as everyone sees them, the reporter included, so the page is
    the same for every viewer (and can be cached as such). ``extra``: more labelled columns
    for the page's rows, computed from the report's own columns.

    The page's ids are found first, from an index alone, and only their 20 rows are read:
    deep pages stay cheap, and the optimizer has no reason to merge indexes and sort rows.
    The rows come in one query with what the list shows beside them (category and building
    names, the first photo this viewer may see), as plain rows of the columns lists show.
    """
    ids = (
        stmt.with_only_columns(Report.id)
        .order_by(Report.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
        .subquery("page_ids")
    )
    window = (
        select(
            *(_STAFF_COLUMNS if handles else _LISTED_COLUMNS),
            ReportCategory.name.label("category_name"),
            Building.name.label("building_name"),
            _first_photo(None if public_view else actor, handles).label("thumb_media_id"),
            *extra,
            *([] if scope else [_count_of(stmt).label("total")]),
        )
        .join(ids, ids.c.id == Report.id)
        .join(ReportCategory, ReportCategory.id == Report.category_id)
        .outerjoin(Building, Building.id == Report.building_id)
        .order_by(Report.id.desc())
    )
    total = cached_total(actor.community_id, scope, stmt) if scope else None
    rows = db.session.execute(window).all()
    if total is None:
        total = rows[0].total if rows else count_rows(stmt)
    return {
        "items": rows,
        "page": page,
        "page_size": page_size,
        "total": total,
    }


def _count_of(stmt: Select):
    return select(func.count()).select_from(stmt.order_by(None).subquery()).scalar_subquery()


# What the list schemas read of a report: ReportItemSchema, and StaffReportItemSchema too.
_LISTED_COLUMNS = (
    Report.id, Report.category_id, Report.text, Report.status, Report.building_id,
    Report.asset_code, Report.supporter_count, Report.created_at,
)  # fmt: skip
_STAFF_COLUMNS = (
    *_LISTED_COLUMNS, Report.organisation_id, Report.grid_id, Report.moderation,
    Report.is_public, Report.response_due_at, Report.resolution_due_at, Report.escalation_level,
)  # fmt: skip


def _first_photo(actor: Actor | None, handles: bool):
    """The id of a report's first photo this viewer may see: their own always; passed ones
    for everyone; those who handle reports also pending ones (not refused). No actor: what
    everyone sees."""
    visible = (
        MediaFile.moderation != Moderation.RISKY
        if handles
        else MediaFile.moderation == Moderation.PASS
    )
    if actor is not None:
        visible = or_(MediaFile.owner_user_id == actor.user_id, visible)
    return (
        select(ReportPhoto.media_id)
        .join(MediaFile, MediaFile.id == ReportPhoto.media_id)
        .where(ReportPhoto.report_id == Report.id, visible)
        .order_by(ReportPhoto.position)
        .limit(1)
        .correlate(Report)
        .scalar_subquery()
    )


def _scope(name: str, **filters) -> str | None:
    """The cache key of a list's total; None (counted each time) when it depends on the clock
    rather than on writes alone (overdue reports: a short list anyway)."""
    if filters.get("overdue") is not None:
        return None
    return name + "?" + "&".join(f"{k}={v}" for k, v in sorted(filters.items()))


def list_mine(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    status: str | None = None,
    relation: str = FILED,
) -> dict:
    """The actor's own reports: those they filed (held and cancelled ones included), those they
    joined with "me too" (while listed: a supporter reads them as any neighbour does), or
    ``all`` of them; each row says which (``relation``)."""
    mine = _mine(actor, relation).where(Report.community_id == actor.community_id)
    related = case((Report.reporter_user_id == actor.user_id, FILED), else_=SUPPORTED)
    extra = (related.label("relation"),)
    return _page(actor, _filtered(mine, status=status), page, page_size, False, None, extra=extra)


def _mine(actor: Actor, relation: str) -> Select:
    if relation == FILED:
        return select(Report).where(Report.reporter_user_id == actor.user_id)
    if relation == SUPPORTED:
        return (
            select(Report)
            .join(ReportSupporter, ReportSupporter.report_id == Report.id)
            .where(ReportSupporter.user_id == actor.user_id, Report.listed == true())
        )
    # Both, by their indexes (reporter, id) and (supporter, report): a union of ids to join.
    ids = union(
        select(Report.id).where(Report.reporter_user_id == actor.user_id),
        select(ReportSupporter.report_id).where(ReportSupporter.user_id == actor.user_id),
    ).subquery("mine_ids")
    return (
        select(Report)
        .join(ids, ids.c.id == Report.id)
        .where(or_(Report.reporter_user_id == actor.user_id, Report.listed == true()))
    )


def list_public(actor: Actor, *, page: int, page_size: int, **filters) -> dict:
    """Listed reports of the community (filters: category_id, status, building_id), the same
    page for every viewer: a reporter sees their own photos still being checked in their own
    list and the report, not here, where no one else sees them either."""
    stmt = select(Report).where(Report.community_id == actor.community_id, Report.listed == true())
    scope = _scope("public", **filters)
    return _page(actor, _filtered(stmt, **filters), page, page_size, False, scope, True)


def list_grid_queue(actor: Actor, *, page: int, page_size: int, **filters) -> dict:
    """Reports in the grids the actor looks after (default: the open ones; ``overdue``: those
    past a deadline)."""
    grid_ids = grid_ids_of(actor)
    if not grid_ids:
        raise ReportListForbidden()
    stmt = select(Report).where(
        Report.community_id == actor.community_id, Report.grid_id.in_(grid_ids)
    )
    scope = _scope("grids", grids=sorted(grid_ids), **filters)
    return _page(actor, _filtered(stmt, **filters), page, page_size, True, scope)


def list_organisation_queue(actor: Actor, *, page: int, page_size: int, **filters) -> dict:
    """Reports routed to the organisations the actor works for (default: the open ones)."""
    organisation_ids = organisation_ids_of(actor)
    if not organisation_ids:
        raise ReportListForbidden()
    stmt = select(Report).where(
        Report.community_id == actor.community_id,
        Report.organisation_id.in_(organisation_ids),
    )
    scope = _scope("organisations", organisations=sorted(organisation_ids), **filters)
    return _page(actor, _filtered(stmt, **filters), page, page_size, True, scope)


def list_all(actor: Actor, *, page: int, page_size: int, **filters) -> dict:
    """Every report of the community (admins), with any of the filters."""
    if not actor.has_role(ADMIN):
        raise ReportListForbidden()
    stmt = select(Report).where(Report.community_id == actor.community_id)
    return _page(actor, _filtered(stmt, **filters), page, page_size, True, _scope("all", **filters))
