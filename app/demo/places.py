"""The demo community's places: 30 residential buildings of 4,646 flats, shops' buildings, grids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import insert

from app.community.models import Building, Grid, Household, HouseholdStatus, Unit
from app.extensions import db

# Building N ("N号楼") is RESIDENTIAL_LAYOUT[N - 1]: (units, floors, flats per floor per unit).
# The flats add up to exactly 4,646, the paper's figure.
RESIDENTIAL_LAYOUT: tuple[tuple[int, int, int], ...] = (
    (2, 26, 3), (4, 12, 4), (3, 26, 2), (2, 19, 3), (2, 21, 3),
    (4, 17, 2), (4, 18, 2), (3, 19, 2), (3, 20, 3), (3, 21, 2),
    (4, 20, 2), (4, 13, 3), (4, 18, 3), (4, 10, 4), (2, 20, 4),
    (2, 22, 3), (3, 16, 3), (4, 11, 4), (2, 20, 4), (2, 20, 3),
    (3, 18, 4), (4, 26, 2), (4, 18, 2), (4, 10, 3), (3, 17, 3),
    (3, 23, 3), (3, 21, 2), (2, 16, 4), (4, 11, 3), (2, 23, 4),
)  # fmt: skip
COMMERCIAL_BUILDINGS: tuple[tuple[str, str], ...] = (
    ("S1", "商业楼A"),
    ("S2", "商业楼B"),
    ("S3", "商业楼C"),
)
GRID_NAMES = (
    "第一网格",
    "第二网格",
    "第三网格",
    "第四网格",
    "第五网格",
    "第六网格",
    "第七网格",
    "第八网格",
)


@dataclass(frozen=True)
class FlatAddress:
    building: str  # "3"
    unit: str  # "2"
    room: str  # "1502": floor 15, flat 02

    @property
    def flat(self) -> str:
        return f"{self.building}-{self.unit}-{self.room}"


@dataclass(frozen=True)
class Places:
    grids: list[Grid]
    residential: list[Building]
    commercial: list[Building]
    households: int


def residential_flats() -> Iterator[FlatAddress]:
    """Every residential flat, building by building, unit by unit, floor by floor."""
    for number, (units, floors, per_floor) in enumerate(RESIDENTIAL_LAYOUT, 1):
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for flat in range(1, per_floor + 1):
                    yield FlatAddress(str(number), str(unit), f"{floor:02d}{flat:02d}")


def grid_index_of(building_number: int) -> int:
    """Which grid (0-based) looks after building N: contiguous runs of 3–4 buildings each."""
    buildings, grids = len(RESIDENTIAL_LAYOUT), len(GRID_NAMES)
    return (building_number - 1) * grids // buildings


def create_places(community_id: int) -> Places:
    """Grids, buildings, units and every flat (vacant until the roster import fills them)."""
    grids = [Grid(community_id=community_id, name=name) for name in GRID_NAMES]
    db.session.add_all(grids)
    db.session.flush()
    residential = [
        Building(
            community_id=community_id,
            code=str(number),
            name=f"{number}号楼",
            grid_id=grids[grid_index_of(number)].id,
        )
        for number in range(1, len(RESIDENTIAL_LAYOUT) + 1)
    ]
    commercial = [
        Building(community_id=community_id, code=code, name=name)
        for code, name in COMMERCIAL_BUILDINGS
    ]
    db.session.add_all(residential + commercial)
    db.session.flush()
    units = _create_units(community_id, residential)
    households = _insert_households(community_id, residential, units)
    return Places(grids, residential, commercial, households)


def _create_units(community_id: int, buildings: list[Building]) -> dict[tuple[str, str], Unit]:
    units = {
        (building.code, str(code)): Unit(
            community_id=community_id, building_id=building.id, code=str(code)
        )
        for building, (count, _, _) in zip(buildings, RESIDENTIAL_LAYOUT, strict=True)
        for code in range(1, count + 1)
    }
    db.session.add_all(units.values())
    db.session.flush()
    return units


def _insert_households(
    community_id: int, buildings: list[Building], units: dict[tuple[str, str], Unit]
) -> int:
    """One multi-row INSERT for all flats: thousands of ORM objects would be needlessly slow."""
    building_ids = {building.code: building.id for building in buildings}
    rows = [
        {
            "community_id": community_id,
            "building_id": building_ids[address.building],
            "unit_id": units[(address.building, address.unit)].id,
            "room": address.room,
            "flat": address.flat,
            "status": HouseholdStatus.VACANT,
        }
        for address in residential_flats()
    ]
    db.session.execute(insert(Household), rows)
    return len(rows)
