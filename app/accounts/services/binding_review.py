"""Rules for staff deciding residents' claims to flats: who may see and decide, and the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.accounts.models import (
    BindingMethod,
    BindingRequest,
    BindingRequestStatus,
    Role,
    User,
)
from app.accounts.services.binding import (
    BindingRequestDecided,
    BindingRequestNotFound,
    bind_household,
)
from app.accounts.services.roles import grant_role
from app.community.models import Household, Occupant
from app.community.services.scope import ensure_household_in_scope, households_visible_to
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, Forbidden
from app.core.pagination import paginate
from app.extensions import db


@dataclass(frozen=True)
class ClaimReview:
    """A claim as staff see it: the flat, the claimant and the roster line it matched."""

    request: BindingRequest
    household: Household
    claimant: User
    occupant: Occupant


def list_binding_requests(
    actor: Actor, status: BindingRequestStatus, page: int, page_size: int
) -> dict[str, Any]:
    """A page of claims in the actor's community (a grid worker's: only their grids').

    Pending claims come oldest first (a queue), decided ones newest first.
    """
    stmt = select(BindingRequest).where(
        BindingRequest.community_id == actor.community_id, BindingRequest.status == status
    )
    visible = households_visible_to(actor).with_only_columns(Household.id)
    stmt = stmt.where(BindingRequest.household_id.in_(visible))
    order = (
        BindingRequest.id if status == BindingRequestStatus.PENDING else BindingRequest.id.desc()
    )
    result = paginate(stmt.order_by(order), page, page_size)
    result["items"] = _reviews(result["items"])
    return result


def _reviews(requests: list[BindingRequest]) -> list[ClaimReview]:
    """The claims with their flats, claimants and roster lines, in three queries, not 3 × n."""

    def by_id(model, ids):
        return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}

    households = by_id(Household, {r.household_id for r in requests})
    users = by_id(User, {r.user_id for r in requests})
    occupants = by_id(Occupant, {r.occupant_id for r in requests})
    return [
        ClaimReview(r, households[r.household_id], users[r.user_id], occupants[r.occupant_id])
        for r in requests
    ]


def approve_request(actor: Actor, request_id: int) -> ClaimReview:
    """Bind the claimant to the flat (method staff_approval) and make them a resident; audited.

    Raises BindingRequestNotFound (also for another community's), NotYourGrid (a grid worker
    outside their grids), BindingRequestDecided, HouseholdVacant, HouseholdFull.
    """
    claim = _pending_request_to_decide(actor, request_id)
    _ensure_roster_entry_still_there(claim)
    member = bind_household(
        actor.community_id,
        claim.household_id,
        claim.user_id,
        claim.occupant_id,
        BindingMethod.STAFF_APPROVAL,
    )
    grant_role(
        actor, claim.user_id, actor.community_id, Role.RESIDENT, reason="住户绑定：工作人员审核"
    )
    _decide(actor, claim, BindingRequestStatus.APPROVED, None)
    record_audit(
        actor,
        "binding_request.approve",
        "binding_request",
        claim.id,
        detail={
            "household_id": claim.household_id,
            "user_id": claim.user_id,
            "binding_id": member.id,
        },
    )
    return _reviews([claim])[0]


def reject_request(actor: Actor, request_id: int, reason: str) -> ClaimReview:
    """Refuse a claim, giving the claimant a reason; audited.

    Raises BindingRequestNotFound, NotYourGrid, BindingRequestDecided.
    """
    claim = _pending_request_to_decide(actor, request_id)
    _decide(actor, claim, BindingRequestStatus.REJECTED, reason)
    record_audit(
        actor,
        "binding_request.reject",
        "binding_request",
        claim.id,
        reason=reason,
        detail={"household_id": claim.household_id, "user_id": claim.user_id},
    )
    return _reviews([claim])[0]


class CannotDecideOwnClaim(Forbidden):
    reason = "own_claim"
    message = "不能审核自己的绑定申请"


class ClaimOutdated(Conflict):
    reason = "claim_outdated"
    message = "名册已更新，该申请对应的登记人员已不在此房屋，请驳回后让居民重新申请"


def _ensure_roster_entry_still_there(claim: BindingRequest) -> None:
    """A roster import since the claim may have moved the tenant out; then it cannot stand."""
    occupant = db.session.get(Occupant, claim.occupant_id)
    if occupant is None or not occupant.is_active or occupant.household_id != claim.household_id:
        raise ClaimOutdated()


def _pending_request_to_decide(actor: Actor, request_id: int) -> BindingRequest:
    # Locked, so two staff deciding at once cannot both approve or approve and reject.
    claim = db.session.scalar(
        select(BindingRequest)
        .where(BindingRequest.id == request_id, BindingRequest.community_id == actor.community_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if claim is None:
        raise BindingRequestNotFound()
    if claim.user_id == actor.user_id:
        raise CannotDecideOwnClaim()
    ensure_household_in_scope(actor, db.session.get(Household, claim.household_id))
    if claim.status != BindingRequestStatus.PENDING:
        raise BindingRequestDecided()
    return claim


def _decide(
    actor: Actor, claim: BindingRequest, status: BindingRequestStatus, reason: str | None
) -> None:
    claim.status = status
    claim.decided_by_user_id, claim.decided_at = actor.user_id, utcnow()
    claim.decision_reason = reason
    db.session.flush()
