"""Rules for staff looking at households and occupants, and revealing personal data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.community.models import Building, Household, HouseholdStatus, Occupant
from app.community.personal_data import open_name, open_phone
from app.community.services.scope import ensure_household_in_scope, households_visible_to
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.core.pagination import paginate
from app.extensions import db


class HouseholdNotFound(NotFound):
    reason = "household_not_found"
    message = "找不到该住户"


class OccupantNotFound(NotFound):
    reason = "occupant_not_found"
    message = "找不到该登记人员"


@dataclass(frozen=True)
class HouseholdDetail:
    household: Household
    building: Building
    occupants: list[Occupant]


@dataclass(frozen=True)
class RevealedOccupant:
    occupant: Occupant
    name: str
    phone: str | None


def list_households(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    grid_id: int | None = None,
    building_id: int | None = None,
    status: HouseholdStatus | None = None,
) -> dict:
    """A page of the households the actor may see (grid workers: their grids only)."""
    stmt = households_visible_to(actor)
    if grid_id is not None or building_id is not None:
        stmt = stmt.where(
            Household.building_id.in_(_building_ids(actor.community_id, grid_id, building_id))
        )
    if status is not None:
        stmt = stmt.where(Household.status == status)
    return paginate(stmt.order_by(Household.id), page, page_size)


def _building_ids(community_id: int, grid_id: int | None, building_id: int | None):
    stmt = select(Building.id).where(Building.community_id == community_id)
    if grid_id is not None:
        stmt = stmt.where(Building.grid_id == grid_id)
    if building_id is not None:
        stmt = stmt.where(Building.id == building_id)
    return stmt


def get_household(actor: Actor, household_id: int) -> HouseholdDetail:
    """A household with its active occupants (masked on output). Raises HouseholdNotFound,
    NotYourGrid."""
    household = db.session.get(Household, household_id)
    if household is None or household.community_id != actor.community_id:
        raise HouseholdNotFound()
    ensure_household_in_scope(actor, household)
    occupants = db.session.scalars(
        select(Occupant)
        .where(Occupant.household_id == household.id, Occupant.is_active.is_(True))
        .order_by(Occupant.relation, Occupant.id)
    ).all()
    return HouseholdDetail(household, db.session.get(Building, household.building_id), occupants)


def reveal_occupant(actor: Actor, occupant_id: int, reason: str) -> RevealedOccupant:
    """An occupant's name and phone in clear, for staff who must call or visit; audited.

    Raises OccupantNotFound, NotYourGrid.
    """
    occupant = db.session.get(Occupant, occupant_id)
    if occupant is None or occupant.community_id != actor.community_id:
        raise OccupantNotFound()
    ensure_household_in_scope(actor, db.session.get(Household, occupant.household_id))
    record_audit(
        actor,
        "occupant.reveal",
        "occupant",
        occupant.id,
        reason=reason,
        detail={"household_id": occupant.household_id},
    )
    return RevealedOccupant(occupant, open_name(occupant), open_phone(occupant))
