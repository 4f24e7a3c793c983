"""Whom a resident may bring along to an activity: the other active occupants of their flat.

The same people the activities' sign-up accepts as ``companion_ids`` (an active occupant of the
flat signed up for, other than the one the resident is bound as), only ever with masked names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple, TypeVar

from sqlalchemy import select

from app.community.models import HouseholdStatus, Occupant, OccupantRelation
from app.extensions import db

Binding = TypeVar("Binding")


class Flatmate(NamedTuple):
    id: int  # the occupant's id: what a sign-up's companion_ids name
    household_id: int
    name_masked: str
    relation: OccupantRelation


def flatmates_by_household(
    community_id: int, household_ids: Iterable[int]
) -> dict[int, list[Flatmate]]:
    """The active occupants of these households, tenant first (one query)."""
    wanted = sorted(set(household_ids))
    found: dict[int, list[Flatmate]] = {household_id: [] for household_id in wanted}
    if not wanted:
        return found
    rows = db.session.execute(
        select(Occupant.id, Occupant.household_id, Occupant.name_masked, Occupant.relation)
        .where(
            Occupant.community_id == community_id,
            Occupant.household_id.in_(wanted),
            Occupant.is_active.is_(True),
        )
        .order_by(Occupant.id)
    )
    for row in rows:
        found[row.household_id].append(Flatmate(*row))
    for flatmates in found.values():
        flatmates.sort(key=lambda f: f.relation != OccupantRelation.PRIMARY_TENANT)
    return found


def with_companions(community_id: int, views: list[Binding]) -> list[Binding]:
    """Each binding view (a dataclass with ``household``, ``member`` and ``companions``) with
    the flat's other active occupants (one query for all of them); a binding to a flat no
    longer let brings no one, as the activities' sign-up would refuse."""
    occupied = [v for v in views if v.household.status == HouseholdStatus.OCCUPIED]
    flatmates = flatmates_by_household(community_id, (v.household.id for v in occupied))
    return [
        replace(
            view,
            companions=tuple(
                f for f in flatmates.get(view.household.id, ()) if f.id != view.member.occupant_id
            ),
        )
        for view in views
    ]
