"""Rules for memberships and roles in communities."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Membership, MembershipRole, Role, User
from app.community.models import Community
from app.community.services import get_community
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.core.pagination import paginate
from app.extensions import db


class UserNotFound(NotFound):
    reason = "user_not_found"
    message = "找不到该用户"


def ensure_membership(user: User, community: Community) -> Membership:
    """The user's membership of ``community``, joining them (with no roles yet) if needed."""
    membership = find_membership(user.id, community.id)
    if membership is not None:
        return membership
    try:
        with db.session.begin_nested():
            membership = Membership(user_id=user.id, community_id=community.id)
            db.session.add(membership)
    except IntegrityError:
        # Another request joined them first; a locking read sees its committed row.
        membership = find_membership(user.id, community.id, lock=True)
    return membership


def find_membership(user_id: int, community_id: int, lock: bool = False) -> Membership | None:
    stmt = select(Membership).where(
        Membership.user_id == user_id, Membership.community_id == community_id
    )
    return db.session.scalar(stmt.with_for_update(read=True) if lock else stmt)


def roles_of(user_id: int, community_id: int) -> frozenset[str] | None:
    """The roles a token's holder has in its community; None when they may no longer act
    (their account or the community was deactivated, or they left it). One query: a row per
    role, or one row with no role for a member without roles."""
    rows = db.session.execute(
        select(MembershipRole.role)
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(Community, Community.id == Membership.community_id)
        .outerjoin(MembershipRole, MembershipRole.membership_id == Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.community_id == community_id,
            User.is_active.is_(True),
            Community.is_active.is_(True),
        )
    ).all()
    if not rows:
        return None
    return frozenset(role.value for (role,) in rows if role is not None)


def grant_role(
    actor: Actor | None, user_id: int, community_id: int, role: Role, reason: str | None = None
) -> Membership:
    """Give ``role`` in a community (idempotent), recorded in the audit log."""
    user = db.session.get(User, user_id)
    if user is None:
        raise UserNotFound()
    membership = ensure_membership(user, get_community(community_id))
    if role.value in membership.role_names:
        return membership
    granted = MembershipRole(
        membership_id=membership.id, role=role, granted_by_user_id=getattr(actor, "user_id", None)
    )
    try:
        with db.session.begin_nested():
            db.session.add(granted)
    except IntegrityError:
        return membership  # granted at the same moment by another request, which audited it
    db.session.expire(membership, ["roles"])
    record_audit(
        actor,
        "role.grant",
        "user",
        user_id,
        community_id=community_id,
        reason=reason,
        detail={"role": role.value},
    )
    return membership


def revoke_role(
    actor: Actor | None, user_id: int, community_id: int, role: Role, reason: str | None = None
) -> None:
    """Take ``role`` away in a community (idempotent), recorded in the audit log."""
    membership = find_membership(user_id, community_id)
    held = [r for r in membership.roles if r.role == role] if membership else []
    if not held:
        return
    for row in held:
        membership.roles.remove(row)
    db.session.flush()
    record_audit(
        actor,
        "role.revoke",
        "user",
        user_id,
        community_id=community_id,
        reason=reason,
        detail={"role": role.value},
    )


@dataclass(frozen=True)
class MemberView:
    membership: Membership
    user: User


def list_members(
    actor: Actor, *, page: int, page_size: int, role: Role | None = None, q: str | None = None
) -> dict:
    """A page of the community's members for staff to pick from (phones masked on output)."""
    stmt = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == actor.community_id)
    )
    if role is not None:
        stmt = stmt.where(
            Membership.id.in_(
                select(MembershipRole.membership_id).where(MembershipRole.role == role)
            )
        )
    if q:
        stmt = stmt.where(User.nickname.contains(q, autoescape=True))
    result = paginate(stmt.order_by(Membership.id), page, page_size, rows=True)
    result["items"] = [MemberView(membership, user) for membership, user in result["items"]]
    return result
