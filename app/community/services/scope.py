"""Who on the staff may see which households: admins all, grid workers their own grids."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.community.models import Building, GridWorker, Household
from app.core.auth import Actor
from app.core.errors import Forbidden
from app.extensions import db

ADMIN = "admin"
GRID_WORKER = "grid_worker"


class NotYourGrid(Forbidden):
    reason = "not_your_grid"
    message = "该住户不在您负责的网格内"


def grid_ids_of(actor: Actor) -> list[int]:
    """The grids the actor is assigned to in their community."""
    return list(
        db.session.scalars(
            select(GridWorker.grid_id).where(
                GridWorker.community_id == actor.community_id,
                GridWorker.user_id == actor.user_id,
            )
        )
    )


def households_visible_to(actor: Actor) -> Select:
    """A select of the households the actor may see as staff; raises Forbidden for others."""
    stmt = select(Household).where(Household.community_id == actor.community_id)
    if actor.has_role(ADMIN):
        return stmt
    if actor.has_role(GRID_WORKER):
        return stmt.join(Building, Building.id == Household.building_id).where(
            Building.grid_id.in_(grid_ids_of(actor))
        )
    raise Forbidden()


def ensure_household_in_scope(actor: Actor, household: Household) -> None:
    """Raises NotYourGrid unless the actor is an admin or looks after the household's grid."""
    if actor.has_role(ADMIN):
        return
    building = db.session.get(Building, household.building_id)
    if not actor.has_role(GRID_WORKER) or building.grid_id not in grid_ids_of(actor):
        raise NotYourGrid()
