"""Rules for buildings, grids and their workers, and the list of places residents pick from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from app.accounts.models import Role
from app.accounts.services import roles as role_services
from app.community.models import Building, Grid, GridWorker, Unit
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db


class GridNotFound(NotFound):
    reason = "grid_not_found"
    message = "找不到该网格"


class GridNameTaken(Conflict):
    reason = "grid_name_taken"
    message = "网格名称已被使用"


class BuildingCodeTaken(Conflict):
    reason = "building_code_taken"
    message = "楼栋编号已被使用"


class UnknownBuildings(Invalid):
    reason = "unknown_buildings"
    message = "包含本社区不存在的楼栋"


class NotAMember(Invalid):
    reason = "not_a_member"
    message = "该用户尚未加入本社区，请先让其登录小程序"


def list_buildings(actor: Actor) -> list[Building]:
    return list(
        db.session.scalars(
            select(Building)
            .where(Building.community_id == actor.community_id)
            .order_by(Building.id)
        )
    )


@dataclass(frozen=True)
class PlaceUnit:
    id: int
    code: str


@dataclass(frozen=True)
class Place:
    """A building with its units, as residents pick them (no households, no people)."""

    id: int
    code: str
    name: str
    units: list[PlaceUnit] = field(default_factory=list)


def _natural(code: str) -> tuple:
    """Sort key: "2" before "10", "S1" after the numbered buildings, as residents count."""
    parts = re.findall(r"\d+|\D+", code)
    key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts)
    return key, code


def list_places(community_id: int) -> list[Place]:
    """Every building of the community with its units, both in natural order of their codes;
    two queries whatever the community's size."""
    places = {
        row.id: Place(row.id, row.code, row.name)
        for row in db.session.execute(
            select(Building.id, Building.code, Building.name).where(
                Building.community_id == community_id
            )
        )
    }
    for row in db.session.execute(
        select(Unit.id, Unit.building_id, Unit.code).where(Unit.community_id == community_id)
    ):
        if row.building_id in places:
            places[row.building_id].units.append(PlaceUnit(row.id, row.code))
    for place in places.values():
        place.units.sort(key=lambda unit: _natural(unit.code))
    return sorted(places.values(), key=lambda place: _natural(place.code))


def create_building(actor: Actor, code: str, name: str, grid_id: int | None = None) -> Building:
    """Raises BuildingCodeTaken, GridNotFound."""
    if grid_id is not None:
        get_grid(actor, grid_id)
    taken = db.session.scalar(
        select(Building.id).where(
            Building.community_id == actor.community_id, Building.code == code
        )
    )
    if taken is not None:
        raise BuildingCodeTaken()
    building = Building(community_id=actor.community_id, code=code, name=name, grid_id=grid_id)
    db.session.add(building)
    db.session.flush()
    record_audit(actor, "building.create", "building", building.id, detail={"code": code})
    return building


def get_grid(actor: Actor, grid_id: int) -> Grid:
    grid = db.session.get(Grid, grid_id)
    if grid is None or grid.community_id != actor.community_id:
        raise GridNotFound()
    return grid


@dataclass(frozen=True)
class GridSummary:
    grid: Grid
    building_ids: list[int]
    worker_user_ids: list[int]


def list_grids(actor: Actor) -> list[GridSummary]:
    """Every grid of the community with its buildings and workers, in three queries."""
    grids = db.session.scalars(
        select(Grid).where(Grid.community_id == actor.community_id).order_by(Grid.id)
    ).all()
    buildings: dict[int, list[int]] = {}
    for building_id, grid_id in db.session.execute(
        select(Building.id, Building.grid_id).where(
            Building.community_id == actor.community_id, Building.grid_id.is_not(None)
        )
    ):
        buildings.setdefault(grid_id, []).append(building_id)
    workers: dict[int, list[int]] = {}
    for grid_id, user_id in db.session.execute(
        select(GridWorker.grid_id, GridWorker.user_id).where(
            GridWorker.community_id == actor.community_id
        )
    ):
        workers.setdefault(grid_id, []).append(user_id)
    return [GridSummary(g, buildings.get(g.id, []), workers.get(g.id, [])) for g in grids]


def summarize_grid(actor: Actor, grid_id: int) -> GridSummary:
    return next(s for s in list_grids(actor) if s.grid.id == grid_id)


def create_grid(actor: Actor, name: str) -> GridSummary:
    """Raises GridNameTaken."""
    taken = db.session.scalar(
        select(Grid.id).where(Grid.community_id == actor.community_id, Grid.name == name)
    )
    if taken is not None:
        raise GridNameTaken()
    grid = Grid(community_id=actor.community_id, name=name)
    db.session.add(grid)
    db.session.flush()
    record_audit(actor, "grid.create", "grid", grid.id, detail={"name": name})
    return GridSummary(grid, [], [])


def set_grid_buildings(actor: Actor, grid_id: int, building_ids: list[int]) -> GridSummary:
    """Make exactly ``building_ids`` the grid's buildings (a building is in one grid at most)."""
    grid = get_grid(actor, grid_id)
    wanted = set(building_ids)
    known = set(
        db.session.scalars(
            select(Building.id).where(
                Building.community_id == actor.community_id, Building.id.in_(wanted)
            )
        )
    )
    if known != wanted:
        raise UnknownBuildings(errors={"building_ids": sorted(wanted - known)})
    db.session.execute(
        update(Building)
        .where(Building.community_id == actor.community_id, Building.grid_id == grid.id)
        .values(grid_id=None)
    )
    if wanted:
        db.session.execute(update(Building).where(Building.id.in_(wanted)).values(grid_id=grid.id))
    record_audit(
        actor, "grid.set_buildings", "grid", grid.id, detail={"building_ids": sorted(wanted)}
    )
    return summarize_grid(actor, grid.id)


def assign_grid_worker(actor: Actor, grid_id: int, user_id: int) -> GridSummary:
    """Put a member of the community in charge of a grid (idempotent); grants the role."""
    grid = get_grid(actor, grid_id)
    if role_services.find_membership(user_id, actor.community_id) is None:
        raise NotAMember()
    assignment = db.session.scalar(
        select(GridWorker).where(GridWorker.grid_id == grid.id, GridWorker.user_id == user_id)
    )
    if assignment is None:
        assignment = GridWorker(community_id=actor.community_id, grid_id=grid.id, user_id=user_id)
        db.session.add(assignment)
        db.session.flush()
        record_audit(actor, "grid.assign_worker", "grid", grid.id, detail={"user_id": user_id})
    role_services.grant_role(actor, user_id, actor.community_id, Role.GRID_WORKER)
    return summarize_grid(actor, grid.id)


def unassign_grid_worker(actor: Actor, grid_id: int, user_id: int) -> None:
    """Take a worker off a grid; the role goes with their last grid."""
    grid = get_grid(actor, grid_id)
    assignment = db.session.scalar(
        select(GridWorker).where(GridWorker.grid_id == grid.id, GridWorker.user_id == user_id)
    )
    if assignment is None:
        return
    db.session.delete(assignment)
    db.session.flush()
    record_audit(actor, "grid.unassign_worker", "grid", grid.id, detail={"user_id": user_id})
    remaining = db.session.scalar(
        select(func.count())
        .select_from(GridWorker)
        .where(GridWorker.community_id == actor.community_id, GridWorker.user_id == user_id)
    )
    if not remaining:
        role_services.revoke_role(actor, user_id, actor.community_id, Role.GRID_WORKER)
