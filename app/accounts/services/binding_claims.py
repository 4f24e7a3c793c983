"""Rules for claiming a flat by its details: checked against the roster, approved by staff."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
# Many accounts guessing at one flat's tenant are held back too.
FLAT_FAILURES_ALLOWED = 10
_FLAT_FAILURES_KEY = "linli:binding-claim-failures:household:{}"


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
    a day (per person, and per flat against many accounts) every claim is refused with
    BindingAttemptsExceeded. Raises HouseholdNotFound, HouseholdVacant, AlreadyBound.
    """
    # The attempt is counted before it is judged, so a burst of parallel guesses cannot all
    # pass the check; attempts that were not wrong guesses are handed back.
    with _attempt(_CLAIM_FAILURES_KEY.format(actor.user_id), CLAIM_FAILURES_ALLOWED):
        household = _lock_household_by_flat(actor.community_id, flat)
        with _attempt(_FLAT_FAILURES_KEY.format(household.id), FLAT_FAILURES_ALLOWED):
            return _claim(actor, household, name, phone_last4)


def _claim(actor: Actor, household: Household, name: str, phone_last4: str):
    if household.status != HouseholdStatus.OCCUPIED:
        raise HouseholdVacant()
    if _active_member(household.id, actor.user_id) is not None:
        raise AlreadyBound()
    occupant = _matching_occupant(household.id, name, phone_last4)
    if occupant is None:
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


@contextmanager
def _attempt(key: str, allowed: int) -> Iterator[None]:
    """Count one attempt against ``key`` up front; keep it only if it ends in a wrong guess."""
    pipe = redis.client.pipeline()
    pipe.incr(key)
    pipe.expire(key, CLAIM_FAILURE_WINDOW_SECONDS, nx=True)
    attempts, _ = pipe.execute()
    if attempts > allowed:
        redis.client.decr(key)
        retry_after = max(1, redis.client.ttl(key))
        raise BindingAttemptsExceeded(headers={"Retry-After": str(retry_after)})
    try:
        yield
    except BindingDetailsMismatch:
        raise
    except BaseException:
        redis.client.decr(key)
        raise
    redis.client.decr(key)


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
