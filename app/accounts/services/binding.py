"""Rules for binding residents to flats: by roster phone match, by claim, and unbinding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import (
    BindingMethod,
    BindingRequest,
    BindingRequestStatus,
    HouseholdMember,
    Membership,
    Role,
    User,
)
from app.accounts.services.flatmates import Flatmate, with_companions
from app.accounts.services.roles import grant_role, revoke_role
from app.community.models import Building, Household, HouseholdStatus, Occupant, OccupantRelation
from app.community.services import get_community
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db

DEFAULT_MAX_MEMBERS = 6


class PhoneRequired(Invalid):
    reason = "phone_required"
    message = "请先绑定手机号"


class RosterNoMatch(NotFound):
    reason = "roster_no_match"
    message = "租户名册中没有找到您的手机号，请按房号申请绑定"


class HouseholdNotFound(NotFound):
    reason = "household_not_found"
    message = "找不到该房号"


class HouseholdVacant(Conflict):
    reason = "household_vacant"
    message = "该房屋目前无人承租，无法绑定"


class HouseholdFull(Conflict):
    reason = "household_full"
    message = "该房屋绑定人数已满"


class BindingNotFound(NotFound):
    reason = "binding_not_found"
    message = "找不到该绑定"


class BindingRequestNotFound(NotFound):
    reason = "binding_request_not_found"
    message = "找不到该绑定申请"


class BindingRequestDecided(Conflict):
    reason = "binding_request_decided"
    message = "该申请已处理"


@dataclass(frozen=True)
class BindingView:
    """A binding with what its owner sees of it: their flat and their line on the roster."""

    member: HouseholdMember
    household: Household
    building: Building
    relation: OccupantRelation | None
    companions: tuple[Flatmate, ...] = ()  # who they may bring to an activity (masked)

    @property
    def since(self) -> datetime:
        return self.member.created_at


@dataclass(frozen=True)
class ClaimView:
    """A claim as its claimant sees it: the flat and where it stands."""

    request: BindingRequest
    household: Household


@dataclass(frozen=True)
class MyHouseholds:
    bindings: list[BindingView]
    claims: list[ClaimView]


def list_my_households(actor: Actor) -> MyHouseholds:
    """The caller's active bindings and pending claims in their current community."""
    rows = db.session.execute(
        select(HouseholdMember, Household, Building, Occupant.relation)
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Building, Building.id == Household.building_id)
        .outerjoin(Occupant, Occupant.id == HouseholdMember.occupant_id)
        .where(
            HouseholdMember.community_id == actor.community_id,
            HouseholdMember.user_id == actor.user_id,
            HouseholdMember.is_active.is_(True),
        )
        .order_by(HouseholdMember.id)
    ).all()
    claims = db.session.execute(
        select(BindingRequest, Household)
        .join(Household, Household.id == BindingRequest.household_id)
        .where(
            BindingRequest.community_id == actor.community_id,
            BindingRequest.user_id == actor.user_id,
            BindingRequest.status == BindingRequestStatus.PENDING,
        )
        .order_by(BindingRequest.id)
    ).all()
    views = with_companions(actor.community_id, [BindingView(*row) for row in rows])
    return MyHouseholds(views, [ClaimView(*row) for row in claims])


def bind_by_phone(actor: Actor) -> list[BindingView]:
    """Bind the caller to every occupied flat whose active occupant has their verified phone.

    Full flats are skipped; grants the resident role when any binding holds. Called right after
    phone binding, so it never raises for "no match": it answers an empty list.
    """
    return _bind_phone_matches(actor)[0]


def retry_bind_by_phone(actor: Actor) -> BindingView:
    """``bind_by_phone`` on demand (e.g. after a roster import), answering the first binding.

    Raises PhoneRequired, RosterNoMatch, HouseholdFull (every matching flat is full).
    """
    user = db.session.get(User, actor.user_id)
    if user.phone_hash is None:
        raise PhoneRequired()
    bindings, matched = _bind_phone_matches(actor)
    if bindings:
        return with_companions(actor.community_id, bindings[:1])[0]
    raise HouseholdFull() if matched else RosterNoMatch()


def _bind_phone_matches(actor: Actor) -> tuple[list[BindingView], bool]:
    """(bindings made or kept, whether the roster had any match at all)."""
    user = db.session.get(User, actor.user_id)
    if user.phone_hash is None:
        return [], False
    occupants = db.session.scalars(
        select(Occupant)
        .join(Household, Household.id == Occupant.household_id)
        .where(
            Occupant.community_id == actor.community_id,
            Occupant.phone_hash == user.phone_hash,
            Occupant.is_active.is_(True),
            Household.status == HouseholdStatus.OCCUPIED,
        )
        .order_by(Occupant.household_id, Occupant.id)
    ).all()
    bindings: list[BindingView] = []
    for occupant in occupants:
        if any(b.household.id == occupant.household_id for b in bindings):
            continue
        try:
            member = bind_household(
                actor.community_id,
                occupant.household_id,
                user.id,
                occupant.id,
                BindingMethod.PHONE_MATCH,
            )
        except (HouseholdFull, HouseholdVacant):
            continue
        bindings.append(_view(member, occupant.relation))
    if bindings:
        grant_role(actor, user.id, actor.community_id, Role.RESIDENT, reason="住户绑定：手机号匹配")
    return bindings, bool(occupants)


def bind_household(
    community_id: int,
    household_id: int,
    user_id: int,
    occupant_id: int | None,
    method: BindingMethod,
) -> HouseholdMember:
    """Make ``user_id`` an active member of the household (idempotent), within its cap.

    The household row is locked first, so counting and inserting cannot race, and an ended
    binding is re-activated rather than inserted twice. Raises HouseholdVacant, HouseholdFull.
    """
    household = _lock_household(community_id, household_id)
    if household is None:
        raise HouseholdNotFound()
    if household.status != HouseholdStatus.OCCUPIED:
        raise HouseholdVacant()
    # Locking reads see the latest committed rows, not this transaction's older snapshot.
    members = db.session.scalars(
        select(HouseholdMember)
        .where(HouseholdMember.household_id == household.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    mine = next((m for m in members if m.user_id == user_id), None)
    if mine is not None and mine.is_active:
        return mine
    if sum(m.is_active for m in members) >= _member_cap(community_id):
        raise HouseholdFull()
    _lock_membership(user_id, community_id)
    if mine is None:
        mine = HouseholdMember(
            community_id=community_id, household_id=household.id, user_id=user_id
        )
        db.session.add(mine)
    # One row per person and flat: it stands for the current binding; history is in the audit log.
    mine.is_active, mine.ended_at, mine.created_at = True, None, utcnow()
    mine.method, mine.occupant_id = method, occupant_id
    db.session.flush()
    return mine


def _member_cap(community_id: int) -> int:
    settings = get_community(community_id).settings or {}
    return int(settings.get("max_members_per_household", DEFAULT_MAX_MEMBERS))


def _lock_household(community_id: int, household_id: int) -> Household | None:
    return db.session.scalar(
        select(Household)
        .where(Household.id == household_id, Household.community_id == community_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _lock_membership(user_id: int, community_id: int) -> None:
    # Serialises a person's binds and unbinds, so the resident role follows the last of them.
    db.session.scalar(
        select(Membership)
        .where(Membership.user_id == user_id, Membership.community_id == community_id)
        .with_for_update()
    )


def _view(member: HouseholdMember, relation: OccupantRelation | None) -> BindingView:
    household = db.session.get(Household, member.household_id)
    return BindingView(member, household, db.session.get(Building, household.building_id), relation)


def unbind_household(actor: Actor, binding_id: int) -> None:
    """End one of the caller's bindings; the resident role goes with the last of them.

    Raises BindingNotFound for a binding that is not the caller's (or already ended).
    """
    _lock_membership(actor.user_id, actor.community_id)
    member = _active_binding_of(actor, binding_id)
    if member is None:
        raise BindingNotFound()
    member.is_active, member.ended_at = False, utcnow()
    db.session.flush()
    remaining = db.session.scalar(
        select(HouseholdMember.id)
        .where(
            HouseholdMember.community_id == actor.community_id,
            HouseholdMember.user_id == actor.user_id,
            HouseholdMember.is_active.is_(True),
        )
        .limit(1)
        .with_for_update()
    )
    if remaining is None:
        revoke_role(actor, actor.user_id, actor.community_id, Role.RESIDENT, reason="解除住户绑定")


def _active_binding_of(actor: Actor, binding_id: int) -> HouseholdMember | None:
    return db.session.scalar(
        select(HouseholdMember)
        .where(
            HouseholdMember.id == binding_id,
            HouseholdMember.community_id == actor.community_id,
            HouseholdMember.user_id == actor.user_id,
            HouseholdMember.is_active.is_(True),
        )
        .with_for_update()
    )
