"""Ending the bindings of households that left the roster, and with them the resident role."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select, update

from app.accounts.models import HouseholdMember, Role
from app.accounts.services.roles import revoke_role
from app.core.clock import utcnow
from app.extensions import db

REVOKE_REASON = "房屋已不在租赁名单中"
_CHUNK = 1000


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def end_bindings(community_id: int, vacated: list[int], removed_occupants: list[int]) -> int:
    """End the active bindings to vacated households and to occupants taken off the roster;
    their users may stop being residents."""
    found = {}
    for column, ids in (
        (HouseholdMember.household_id, vacated),
        (HouseholdMember.occupant_id, removed_occupants),
    ):
        for chunk in _chunks(ids):
            for row in db.session.execute(
                select(HouseholdMember.id, HouseholdMember.user_id).where(
                    HouseholdMember.community_id == community_id,
                    column.in_(chunk),
                    HouseholdMember.is_active.is_(True),
                )
            ):
                found[row.id] = row
    members = list(found.values())
    if not members:
        return 0
    for chunk in _chunks([m.id for m in members]):
        db.session.execute(
            update(HouseholdMember)
            .where(HouseholdMember.community_id == community_id, HouseholdMember.id.in_(chunk))
            .values(is_active=False, ended_at=utcnow())
        )
    users = sorted({m.user_id for m in members})
    still_bound = set()
    for chunk in _chunks(users):
        still_bound.update(
            db.session.scalars(
                select(HouseholdMember.user_id).where(
                    HouseholdMember.community_id == community_id,
                    HouseholdMember.user_id.in_(chunk),
                    HouseholdMember.is_active.is_(True),
                )
            )
        )
    for user_id in users:
        if user_id not in still_bound:
            revoke_role(None, user_id, community_id, Role.RESIDENT, reason=REVOKE_REASON)
    return len(members)
