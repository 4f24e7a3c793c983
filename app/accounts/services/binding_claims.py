"""Rules for claiming a flat by its details: checked against the roster, approved by staff."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import BindingRequest, BindingRequestStatus, HouseholdMember
from app.accounts.services.binding import (
    BindingRequestDecided,
    BindingRequestNotFound,
    ClaimView,
    HouseholdNotFound,
    HouseholdVacant,
)
from app.community.models import Household, HouseholdStatus, Occupant
from app.community.personal_data import name_hash, open_phone
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, Invalid, RateLimited
from app.extensions import db, redis

CLAIM_FAILURES_ALLOWED = 5
CLAIM_FAILURE_WINDOW_SECONDS = 24 * 3600
_CLAIM_FAILURES_KEY = "linli:binding-claim-failures:{}"


class AlreadyBound(Conflict):
    reason = "already_bound"
    message = "您已绑定该房屋"


class BindingDetailsMismatch(Invalid):
    reason = "binding_details_mismatch"
    message = "房号、姓名或手机号后四位与登记信息不一致"


class BindingAttemptsExceeded(RateLimited):
    reason = "binding_attempts_exceeded"
    message = "核验失败次数过多，请明天再试"


def claim_household(actor: Actor, flat: str, name: str, phone_last4: str) -> tuple[ClaimView, bool]:
    """Ask staff to bind the caller to ``flat``, proving it with a name and the phone's last four.

    Answers (claim, created); a pending claim to the same flat is answered again. A wrong name
    or last four give the same BindingDetailsMismatch; after CLAIM_FAILURES_ALLOWED of those in
    a day every claim is refused with BindingAttemptsExceeded. Raises HouseholdNotFound,
    HouseholdVacant, AlreadyBound.
    """
    _refuse_when_too_many_failures(actor.user_id)
    household = _lock_household_by_flat(actor.community_id, flat)
    if household.status != HouseholdStatus.OCCUPIED:
        raise HouseholdVacant()
    if _active_member(household.id, actor.user_id) is not None:
        raise AlreadyBound()
    occupant = _matching_occupant(household.id, name, phone_last4)
    if occupant is None:
        _count_failure(actor.user_id)
        raise BindingDetailsMismatch()
    # A locking read: it sees a pending claim another request committed a moment ago.
    pending = db.session.scalar(
        select(BindingRequest)
        .where(
            BindingRequest.household_id == household.id,
            BindingRequest.user_id == actor.user_id,
            BindingRequest.status == BindingRequestStatus.PENDING,
        )
        .with_for_update()
    )
    if pending is not None:
        return ClaimView(pending, household), False
    claim = BindingRequest(
        community_id=actor.community_id,
        household_id=household.id,
        user_id=actor.user_id,
        occupant_id=occupant.id,
        status=BindingRequestStatus.PENDING,
    )
    db.session.add(claim)
    db.session.flush()
    return ClaimView(claim, household), True


def _lock_household_by_flat(community_id: int, flat: str) -> Household:
    # Locked so two submissions of one claim cannot both find no pending request.
    household = db.session.scalar(
        select(Household)
        .where(Household.community_id == community_id, Household.flat == flat)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if household is None:
        raise HouseholdNotFound()
    return household


def _active_member(household_id: int, user_id: int) -> HouseholdMember | None:
    return db.session.scalar(
        select(HouseholdMember).where(
            HouseholdMember.household_id == household_id,
            HouseholdMember.user_id == user_id,
            HouseholdMember.is_active.is_(True),
        )
    )


def _matching_occupant(household_id: int, name: str, phone_last4: str) -> Occupant | None:
    candidates = db.session.scalars(
        select(Occupant)
        .where(
            Occupant.household_id == household_id,
            Occupant.name_hash == name_hash(name),
            Occupant.is_active.is_(True),
        )
        .order_by(Occupant.id)
    ).all()
    return next((o for o in candidates if (open_phone(o) or "").endswith(phone_last4)), None)


def _refuse_when_too_many_failures(user_id: int) -> None:
    key = _CLAIM_FAILURES_KEY.format(user_id)
    failures = int(redis.client.get(key) or 0)
    if failures >= CLAIM_FAILURES_ALLOWED:
        retry_after = max(1, redis.client.ttl(key))
        raise BindingAttemptsExceeded(headers={"Retry-After": str(retry_after)})


def _count_failure(user_id: int) -> None:
    # Only failures count, so a resident who mistypes once is not held back by successes.
    key = _CLAIM_FAILURES_KEY.format(user_id)
    pipe = redis.client.pipeline()
    pipe.set(key, 0, ex=CLAIM_FAILURE_WINDOW_SECONDS, nx=True)
    pipe.incr(key)
    pipe.execute()


def withdraw_claim(actor: Actor, request_id: int) -> None:
    """Withdraw the caller's own pending claim. Raises BindingRequestNotFound, …Decided."""
    claim = db.session.scalar(
        select(BindingRequest)
        .where(
            BindingRequest.id == request_id,
            BindingRequest.community_id == actor.community_id,
            BindingRequest.user_id == actor.user_id,
        )
        .with_for_update()
    )
    if claim is None:
        raise BindingRequestNotFound()
    if claim.status != BindingRequestStatus.PENDING:
        raise BindingRequestDecided()
    claim.status = BindingRequestStatus.WITHDRAWN
    claim.decided_by_user_id, claim.decided_at = actor.user_id, utcnow()
    db.session.flush()
