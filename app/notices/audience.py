"""Who a notice is addressed to: checking an audience an author chose, resolving it into people.

An audience is a small dict: {"kind": "community"}, {"kind": "grids" | "buildings" |
"households", "ids": [...]}, {"kind": "roles", "roles": [...]}. Other domains add kinds with
``register_audience_kind`` (activities: {"kind": "activity", "ids": [id]}) without touching this
module. Resolution is set-based: one query per audience, whatever its size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Select, func, select

from app.accounts.models import HouseholdMember, Membership, MembershipRole, Role, User
from app.community.models import Building, Grid, Household, HouseholdStatus
from app.community.services.scope import ADMIN, GRID_WORKER, NotYourGrid, grid_ids_of
from app.core.auth import Actor
from app.core.errors import Forbidden, Invalid
from app.extensions import db

Audience = dict[str, Any]
# (community_id, audience) -> a select of rows labelled (user_id, household_id)
AudienceResolver = Callable[[int, Audience], Select]
# (actor, audience) -> the audience as it is stored; raises Invalid / Forbidden
AudienceCheck = Callable[[Actor, Audience], Audience]


class AudienceKindUnknown(Invalid):
    reason = "audience_kind_unknown"
    message = "不支持的通知对象类型"


class AudienceInvalid(Invalid):
    reason = "audience_invalid"
    message = "通知对象填写有误"


class AudienceUnknownIds(Invalid):
    reason = "audience_unknown_ids"
    message = "通知对象中有不存在的网格、楼栋或住户"


class AudienceAdminOnly(Forbidden):
    reason = "audience_admin_only"
    message = "只有社区管理员可以向全社区或按角色发布通知"


class Addressee(NamedTuple):
    """One person a notice goes to, and the flat they get it for (None: not as a resident)."""

    user_id: int
    household_id: int | None


@dataclass(frozen=True)
class _Kind:
    resolve: AudienceResolver
    check: AudienceCheck


_KINDS: dict[str, _Kind] = {}


def register_audience_kind(
    kind: str, resolver: AudienceResolver, *, check: AudienceCheck | None = None
) -> None:
    """Make ``kind`` a valid audience. ``check`` validates and normalises it for an author and
    raises what it refuses; without one the kind is for admins only and stored as given."""
    _KINDS[kind] = _Kind(resolver, check or _admin_only)


def validate_audience(actor: Actor, audience: Audience) -> Audience:
    """The audience as stored, if ``actor`` may address it.

    Raises AudienceKindUnknown, AudienceInvalid, AudienceUnknownIds (422), AudienceAdminOnly,
    NotYourGrid (403).
    """
    kind = _KINDS.get(str(audience.get("kind")))
    if kind is None:
        raise AudienceKindUnknown(errors={"kind": [str(audience.get("kind"))]})
    return kind.check(actor, audience)


def resolve_audience(community_id: int, audience: Audience) -> list[Addressee]:
    """Everyone the audience reaches today, once each (a person bound to two flats in it gets
    it for the lower household id)."""
    kind = _KINDS.get(str(audience.get("kind")))
    if kind is None:
        raise AudienceKindUnknown()
    rows = kind.resolve(community_id, audience).subquery()
    stmt = select(rows.c.user_id, func.min(rows.c.household_id)).group_by(rows.c.user_id)
    return [Addressee(user_id, household_id) for user_id, household_id in db.session.execute(stmt)]


def residents_of(community_id: int) -> Select:
    """(user_id, household_id) of every resident: an active binding to an occupied flat."""
    return (
        select(
            HouseholdMember.user_id.label("user_id"),
            HouseholdMember.household_id.label("household_id"),
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(User, User.id == HouseholdMember.user_id)
        .where(
            HouseholdMember.community_id == community_id,
            HouseholdMember.is_active.is_(True),
            Household.status == HouseholdStatus.OCCUPIED,
            User.is_active.is_(True),
        )
    )


def _admin_only(actor: Actor, audience: Audience) -> Audience:
    if not actor.has_role(ADMIN):
        raise AudienceAdminOnly()
    return audience


def _check_community(actor: Actor, audience: Audience) -> Audience:
    _admin_only(actor, audience)
    return {"kind": "community"}


def _check_roles(actor: Actor, audience: Audience) -> Audience:
    _admin_only(actor, audience)
    roles = audience.get("roles") or []
    unknown = sorted({str(r) for r in roles} - {r.value for r in Role})
    if not roles or unknown:
        raise AudienceInvalid(errors={"roles": unknown or ["请至少选择一个角色"]})
    return {"kind": "roles", "roles": sorted(set(roles))}


def _resolve_roles(community_id: int, audience: Audience) -> Select:
    residents = residents_of(community_id).subquery()
    return (
        select(Membership.user_id.label("user_id"), residents.c.household_id.label("household_id"))
        .join(MembershipRole, MembershipRole.membership_id == Membership.id)
        .join(User, User.id == Membership.user_id)
        .outerjoin(residents, residents.c.user_id == Membership.user_id)
        .where(
            Membership.community_id == community_id,
            MembershipRole.role.in_([Role(r) for r in audience["roles"]]),
            User.is_active.is_(True),
        )
    )


def _place_kind(kind: str, place: Callable[[int], Select], matches: Callable[[list[int]], Any]):
    """A kind addressed by ids of places: ``place(community_id)`` selects (id, grid_id) of the
    places of the community; ``matches(ids)`` is the condition on residents_of."""

    def check(actor: Actor, audience: Audience) -> Audience:
        ids = sorted({int(i) for i in audience.get("ids") or []})
        if not ids:
            raise AudienceInvalid(errors={"ids": ["请至少选择一项"]})
        rows = db.session.execute(place(actor.community_id).where(_id_of(kind).in_(ids)))
        found = {place_id: grid_id for place_id, grid_id in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise AudienceUnknownIds(errors={"ids": missing})
        if not actor.has_role(ADMIN):
            mine = set(grid_ids_of(actor)) if actor.has_role(GRID_WORKER) else set()
            if any(grid_id not in mine for grid_id in found.values()):
                raise NotYourGrid(message="只能向自己负责网格内的住户发布通知")
        return {"kind": kind, "ids": ids}

    def resolve(community_id: int, audience: Audience) -> Select:
        return residents_of(community_id).where(matches(audience["ids"]))

    register_audience_kind(kind, resolve, check=check)


def _id_of(kind: str):
    return {"grids": Grid.id, "buildings": Building.id, "households": Household.id}[kind]


def _grids(community_id: int) -> Select:
    return select(Grid.id, Grid.id.label("grid_id")).where(Grid.community_id == community_id)


def _buildings(community_id: int) -> Select:
    return select(Building.id, Building.grid_id).where(Building.community_id == community_id)


def _households(community_id: int) -> Select:
    return (
        select(Household.id, Building.grid_id)
        .join(Building, Building.id == Household.building_id)
        .where(Household.community_id == community_id)
    )


def _in_grids(ids: list[int]):
    return Household.building_id.in_(select(Building.id).where(Building.grid_id.in_(ids)))


def _resolve_community(community_id: int, audience: Audience) -> Select:
    return residents_of(community_id)


register_audience_kind("community", _resolve_community, check=_check_community)
register_audience_kind("roles", _resolve_roles, check=_check_roles)
_place_kind("grids", _grids, _in_grids)
_place_kind("buildings", _buildings, lambda ids: Household.building_id.in_(ids))
_place_kind("households", _households, lambda ids: HouseholdMember.household_id.in_(ids))
