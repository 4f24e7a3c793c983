"""What staff see of notices: their list, who read and confirmed, and who was not reached."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select

from app.community.models import Building, Grid, Household, Occupant, OccupantRelation
from app.community.services.scope import ADMIN, grid_ids_of
from app.core.auth import Actor
from app.core.pagination import paginate
from app.delivery.models import Delivery
from app.delivery.services import batch_progress, unreached
from app.extensions import db
from app.notices.models import Notice, NoticeRecipient, NoticeStatus
from app.notices.services.publishing import NoticeNotFound, get_staff_notice

NO_GRID = "未划分网格"


@dataclass(frozen=True)
class NoticeReport:
    """Reading, 已知晓 and WeChat delivery of one notice.

    ``push`` is "off" (not asked for), "not_published", "no_recipients", "unavailable" (no
    template configured for notices, so nothing was queued) or "queued" (see ``progress``).
    """

    notice: Notice
    recipients: int
    read: int
    households: int
    read_households: int
    acknowledged_households: int
    push: str
    progress: dict[str, int] | None


@dataclass(frozen=True)
class UnreachedHousehold:
    household_id: int
    flat: str
    primary_tenant: str | None  # masked
    reasons: list[str]  # no_push, no_delivery, or the final delivery statuses (no_credit …)


@dataclass(frozen=True)
class GridUnreached:
    grid_id: int | None
    grid_name: str
    households: list[UnreachedHousehold]


@dataclass(frozen=True)
class NotReached:
    notice: Notice
    total: int
    grids: list[GridUnreached]


def list_notices(
    actor: Actor, *, page: int, page_size: int, status: NoticeStatus | None = None
) -> dict:
    """A page of the community's notices, newest first; grid workers see their own only."""
    stmt = select(Notice).where(Notice.community_id == actor.community_id)
    if not actor.has_role(ADMIN):
        stmt = stmt.where(Notice.author_user_id == actor.user_id)
    if status is not None:
        stmt = stmt.where(Notice.status == status)
    return paginate(stmt.order_by(Notice.id.desc()), page, page_size)


def notice_report(actor: Actor, notice_id: int) -> NoticeReport:
    """Counts of readers and confirming households, and the push's progress.

    Raises NoticeNotFound, NoticeNotYours.
    """
    notice = get_staff_notice(actor, notice_id)
    read = NoticeRecipient.read_at.is_not(None)
    household = NoticeRecipient.household_id
    counts = db.session.execute(
        select(
            func.count(),
            func.count(NoticeRecipient.read_at),
            func.count(func.distinct(household)),
            func.count(func.distinct(case((read, household)))),
            func.count(
                func.distinct(case((NoticeRecipient.acknowledged_at.is_not(None), household)))
            ),
        ).where(
            NoticeRecipient.notice_id == notice.id,
            NoticeRecipient.community_id == actor.community_id,
        )
    ).one()
    progress = batch_progress(notice.delivery_batch_id) if notice.delivery_batch_id else None
    return NoticeReport(notice, *counts, push=_push_state(notice, counts[0]), progress=progress)


def _push_state(notice: Notice, recipients: int) -> str:
    if not notice.push:
        return "off"
    if notice.delivery_batch_id is not None:
        return "queued"
    if notice.published_at is None:
        return "not_published"
    return "unavailable" if recipients else "no_recipients"


def not_reached_by_grid(actor: Actor, notice_id: int) -> NotReached:
    """Households, grouped by grid, that neither got the WeChat message nor opened the notice
    in the app: the doors to knock on.

    A household counts as reached once any of its people read the notice or was sent (or is
    still being sent) the message. Admins see every grid; grid workers, for any notice of the
    community, their own grids only. Raises NoticeNotFound.
    """
    notice = db.session.scalar(
        select(Notice).where(Notice.id == notice_id, Notice.community_id == actor.community_id)
    )
    if notice is None:
        raise NoticeNotFound()
    rows = db.session.execute(_household_recipients(actor, notice)).all()
    reasons_of = _delivery_reasons(notice)
    unread: dict[int, Any] = {}
    reached: set[int] = set()
    reasons: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        reason = reasons_of(row.user_id)
        if row.read_at is not None or reason is None:
            reached.add(row.household_id)
        else:
            unread[row.household_id] = row
            reasons[row.household_id].add(reason)
    missed = [row for household_id, row in unread.items() if household_id not in reached]
    return NotReached(notice, len(missed), _by_grid(actor, missed, reasons))


def _household_recipients(actor: Actor, notice: Notice):
    stmt = (
        select(
            NoticeRecipient.household_id,
            NoticeRecipient.user_id,
            NoticeRecipient.read_at,
            Household.flat,
            Building.grid_id,
            Grid.name.label("grid_name"),
        )
        .join(Household, Household.id == NoticeRecipient.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Grid, Grid.id == Building.grid_id)
        .where(
            NoticeRecipient.notice_id == notice.id,
            NoticeRecipient.community_id == actor.community_id,
        )
    )
    if not actor.has_role(ADMIN):
        stmt = stmt.where(Building.grid_id.in_(grid_ids_of(actor)))
    return stmt


def _delivery_reasons(notice: Notice):
    """A function: user id -> why the message did not reach them, None if it did (or may)."""
    if notice.delivery_batch_id is None:
        return lambda user_id: "no_push"
    failed = {d.user_id: str(d.status) for d in unreached(notice.delivery_batch_id)}
    # People with a delivery row at all; those without one were never queued (no openid …).
    delivered = set(
        db.session.scalars(
            select(Delivery.user_id).where(
                Delivery.batch_id == notice.delivery_batch_id,
                Delivery.community_id == notice.community_id,
            )
        )
    )

    def reason(user_id: int) -> str | None:
        if user_id in failed:
            return failed[user_id]
        return None if user_id in delivered else "no_delivery"

    return reason


def _by_grid(actor: Actor, missed: list, reasons: dict[int, set[str]]) -> list[GridUnreached]:
    tenants = _primary_tenants(actor, [row.household_id for row in missed])
    grids: dict[int | None, GridUnreached] = {}
    for row in sorted(
        missed, key=lambda r: (r.grid_id is None, r.grid_name or "", r.grid_id or 0, r.flat)
    ):
        group = grids.setdefault(
            row.grid_id, GridUnreached(row.grid_id, row.grid_name or NO_GRID, [])
        )
        group.households.append(
            UnreachedHousehold(
                row.household_id,
                row.flat,
                tenants.get(row.household_id),
                sorted(reasons[row.household_id]),
            )
        )
    return list(grids.values())


def _primary_tenants(actor: Actor, household_ids: list[int]) -> dict[int, str]:
    if not household_ids:
        return {}
    return dict(
        db.session.execute(
            select(Occupant.household_id, func.min(Occupant.name_masked))
            .where(
                Occupant.community_id == actor.community_id,
                Occupant.household_id.in_(household_ids),
                Occupant.relation == OccupantRelation.PRIMARY_TENANT,
                Occupant.is_active.is_(True),
            )
            .group_by(Occupant.household_id)
        ).all()
    )
