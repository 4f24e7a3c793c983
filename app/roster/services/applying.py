"""Writing a validated roster to units, households and occupants, in bulk and only what differs.

The community's current households and active occupants are read in a few queries into dicts,
compared with the roster in memory, and only the differences are written: new rows in bulk
INSERTs, changed rows in bulk UPDATEs by primary key. A roster identical to what is stored
writes nothing, so no ``updated_at`` moves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import insert, select, update

from app.community.models import Household, HouseholdStatus, Occupant, OccupantRelation, Unit
from app.community.personal_data import name_hash, phone_hash, sealed_name, sealed_phone
from app.extensions import db
from app.roster.services.bindings import end_bindings
from app.roster.services.progress import ProgressReporter
from app.roster.services.validation import RosterFlat, RosterOccupant

SUMMARY_KEYS = (
    "households_created",
    "households_occupied",  # were vacant, occupied again
    "households_updated",  # stayed occupied, lease changed
    "households_vacated",
    "occupants_added",
    "occupants_updated",  # relation or phone changed
    "occupants_removed",
    "bindings_ended",
)
_CHUNK = 1000
_OCCUPIED = HouseholdStatus.OCCUPIED


@dataclass(slots=True)
class _StoredHousehold:
    id: int
    status: HouseholdStatus
    lease: tuple[str | None, date | None, date | None]


@dataclass(slots=True)
class _StoredOccupant:
    id: int
    name_hash: str
    relation: OccupantRelation
    phone_hash: str | None


def apply_roster(
    community_id: int, flats: dict[str, RosterFlat], reporter: ProgressReporter
) -> dict[str, int]:
    """Make the community's households and occupants what ``flats`` says; the counts of changes.

    Occupied households missing from the roster become vacant: lease cleared, occupants
    deactivated, bindings ended, and their members lose the resident role unless still bound
    to another flat here. A person dropped from a flat that stays occupied loses their binding
    to it the same way. Writes only; never commits.
    """
    counts = dict.fromkeys(SUMMARY_KEYS, 0)
    stored = _stored_households(community_id)
    household_ids = _write_households(community_id, flats, stored, counts)
    vacated = [h.id for flat, h in stored.items() if h.status is _OCCUPIED and flat not in flats]
    _vacate(community_id, vacated)
    counts["households_vacated"] = len(vacated)
    removed = _write_occupants(community_id, flats, household_ids, counts, reporter)
    counts["bindings_ended"] = end_bindings(community_id, vacated, removed)
    # Bulk statements bypass the identity map; callers reading rows next must see the new values.
    db.session.flush()
    db.session.expire_all()
    return counts


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_households(community_id: int) -> dict[str, _StoredHousehold]:
    rows = db.session.execute(
        select(
            Household.flat,
            Household.id,
            Household.status,
            Household.lease_number,
            Household.lease_start,
            Household.lease_end,
        ).where(Household.community_id == community_id)
    )
    return {r.flat: _StoredHousehold(r.id, r.status, tuple(r[3:])) for r in rows}


def _lease(entry: RosterFlat) -> dict[str, Any]:
    return {
        "lease_number": entry.lease_number,
        "lease_start": entry.lease_start,
        "lease_end": entry.lease_end,
    }


def _write_households(
    community_id: int,
    flats: dict[str, RosterFlat],
    stored: dict[str, _StoredHousehold],
    counts: dict[str, int],
) -> dict[str, int]:
    """Create or update the roster's households; their ids by flat."""
    units = _unit_ids(community_id, flats)
    new_rows, changed = [], []
    for entry in flats.values():
        lease = _lease(entry)
        current = stored.get(entry.flat)
        if current is None:
            unit_id = units[(entry.building_id, entry.unit)]
            new_rows.append(_new_household(community_id, entry, unit_id))
        elif current.status is not _OCCUPIED:
            changed.append({"id": current.id, "status": _OCCUPIED, **lease})
            counts["households_occupied"] += 1
        elif current.lease != tuple(lease.values()):
            changed.append({"id": current.id, "status": _OCCUPIED, **lease})
            counts["households_updated"] += 1
    if changed:
        db.session.execute(update(Household), changed)
    if not new_rows:
        return {flat: h.id for flat, h in stored.items()}
    db.session.execute(insert(Household), new_rows)
    counts["households_created"] = len(new_rows)
    query = select(Household.flat, Household.id).where(Household.community_id == community_id)
    return dict(db.session.execute(query).all())


def _new_household(community_id: int, entry: RosterFlat, unit_id: int) -> dict[str, Any]:
    return {
        "community_id": community_id,
        "building_id": entry.building_id,
        "unit_id": unit_id,
        "room": entry.room,
        "flat": entry.flat,
        "status": _OCCUPIED,
        **_lease(entry),
    }


def _unit_ids(community_id: int, flats: dict[str, RosterFlat]) -> dict[tuple[int, str], int]:
    """Unit ids by (building id, unit code), creating the units the roster names first."""
    query = select(Unit.building_id, Unit.code, Unit.id).where(Unit.community_id == community_id)
    units = {(b, code): unit_id for b, code, unit_id in db.session.execute(query)}
    missing = sorted({(e.building_id, e.unit) for e in flats.values()} - units.keys())
    if not missing:
        return units
    db.session.execute(
        insert(Unit),
        [{"community_id": community_id, "building_id": b, "code": code} for b, code in missing],
    )
    return {(b, code): unit_id for b, code, unit_id in db.session.execute(query)}


def _vacate(community_id: int, household_ids: list[int]) -> None:
    for chunk in _chunks(household_ids):
        db.session.execute(
            update(Household)
            .where(Household.community_id == community_id, Household.id.in_(chunk))
            .values(
                status=HouseholdStatus.VACANT, lease_number=None, lease_start=None, lease_end=None
            )
        )


def _stored_occupants(community_id: int) -> dict[int, list[_StoredOccupant]]:
    rows = db.session.execute(
        select(
            Occupant.household_id,
            Occupant.id,
            Occupant.name_hash,
            Occupant.relation,
            Occupant.phone_hash,
        ).where(Occupant.community_id == community_id, Occupant.is_active.is_(True))
    )
    by_household: dict[int, list[_StoredOccupant]] = defaultdict(list)
    for row in rows:
        by_household[row.household_id].append(_StoredOccupant(*row[1:]))
    return by_household


@dataclass(slots=True)
class _OccupantChanges:
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def _write_occupants(
    community_id: int,
    flats: dict[str, RosterFlat],
    household_ids: dict[str, int],
    counts: dict[str, int],
    reporter: ProgressReporter,
) -> list[int]:
    """Match each flat's listed people to its active occupants by name; add, update, remove.

    Answers the ids of the occupants removed."""
    stored = _stored_occupants(community_id)
    changes = _OccupantChanges()
    for entry in flats.values():
        household_id = household_ids[entry.flat]
        _match_flat(community_id, household_id, entry, stored.pop(household_id, []), changes)
        reporter.advance(len(entry.occupants))
    # Households not on the roster (just vacated, or vacant with stray entries) keep no one.
    changes.removed.extend(o.id for occupants in stored.values() for o in occupants)
    if changes.new_rows:
        db.session.execute(insert(Occupant), changes.new_rows)
    if changes.changed:
        db.session.execute(update(Occupant), changes.changed)
    for chunk in _chunks(changes.removed):
        db.session.execute(
            update(Occupant)
            .where(Occupant.community_id == community_id, Occupant.id.in_(chunk))
            .values(is_active=False)
        )
    counts.update(
        occupants_added=len(changes.new_rows),
        occupants_updated=len(changes.changed),
        occupants_removed=len(changes.removed),
    )
    return changes.removed


def _match_flat(
    community_id: int,
    household_id: int,
    entry: RosterFlat,
    stored: list[_StoredOccupant],
    changes: _OccupantChanges,
) -> None:
    current: dict[str, _StoredOccupant] = {}
    for occupant in stored:
        if occupant.name_hash in current:
            changes.removed.append(occupant.id)  # a stray duplicate of one person
        else:
            current[occupant.name_hash] = occupant
    for person in entry.occupants:
        match = current.pop(name_hash(person.name), None)
        if match is None:
            changes.new_rows.append(_new_occupant(community_id, household_id, person))
        elif match.relation is not person.relation or match.phone_hash != _phone_hash(person):
            update_row = {"id": match.id, "relation": person.relation}
            changes.changed.append({**update_row, **sealed_phone(person.phone)})
    changes.removed.extend(occupant.id for occupant in current.values())


def _phone_hash(person: RosterOccupant) -> str | None:
    return phone_hash(person.phone) if person.phone else None


def _new_occupant(community_id: int, household_id: int, person: RosterOccupant) -> dict[str, Any]:
    return {
        "community_id": community_id,
        "household_id": household_id,
        "relation": person.relation,
        "is_active": True,
        **sealed_name(person.name),
        **sealed_phone(person.phone),
    }
