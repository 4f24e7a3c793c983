"""Rules for people: WeChat login, sessions, phone binding, memberships and roles."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Membership, MembershipRole, Role, User, WeChatIdentity
from app.community.models import Community
from app.community.services import get_community, get_community_by_slug
from app.core.audit import record_audit
from app.core.auth import Actor, IssuedToken, sessions
from app.core.clock import utcnow
from app.core.crypto import mask_phone, personal_data
from app.core.errors import Invalid, NotFound, RateLimited
from app.core.rate_limits import rate_limiter
from app.extensions import db
from app.wechat.login import exchange_login_code
from app.wechat.phone import fetch_phone_number

PHONE_PURPOSE = "user.phone"


class CommunityRequired(Invalid):
    reason = "community_required"
    message = "请先选择所在社区"


class LoginTooFrequent(RateLimited):
    reason = "login_rate_limited"
    message = "登录太频繁，请稍后再试"


class UserNotFound(NotFound):
    reason = "user_not_found"
    message = "找不到该用户"


@dataclass(frozen=True)
class Profile:
    """What a person sees of themselves: who they are, where they are, what they may do."""

    user: User
    community: Community
    roles: frozenset[str]
    memberships: list[Membership]


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_at: int
    profile: Profile


def login_with_wechat(code: str, community_slug: str | None) -> LoginResult:
    """Exchange a wx.login code for our own token, creating the user on first login.

    WeChat is asked first, so a WeChat failure (WeChatUnavailable, WeChatCodeInvalid …) leaves
    no row behind. Raises CommunityNotFound, CommunityRequired, LoginTooFrequent.
    """
    wechat_session = exchange_login_code(code)
    _limit_logins_of(wechat_session.openid)
    user = _user_for_openid(wechat_session.openid, wechat_session.unionid)
    community = _community_to_enter(user, community_slug)
    membership = ensure_membership(user, community)
    now = utcnow()
    user.last_login_at = now
    membership.last_seen_at = now
    db.session.flush()
    issued: IssuedToken = sessions().issue(user.id, community.id)
    return LoginResult(issued.token, issued.expires_at, _profile(user, community))


def _limit_logins_of(openid: str) -> None:
    rate = current_app.config["LOGIN_RATE_LIMIT_PER_USER"]
    rate_limiter().hit(rate, "login-user", openid, error=LoginTooFrequent)


def _user_for_openid(openid: str, unionid: str | None) -> User:
    appid = current_app.config["WECHAT_APP_ID"]
    identity = _find_identity(appid, openid)
    if identity is None:
        try:
            with db.session.begin_nested():
                user = User()
                db.session.add(user)
                db.session.flush()
                identity = WeChatIdentity(
                    user_id=user.id, appid=appid, openid=openid, unionid=unionid
                )
                db.session.add(identity)
        except IntegrityError:
            # The same person logged in twice at once; the other request created them.
            identity = _find_identity(appid, openid)
    if unionid and identity.unionid != unionid:
        identity.unionid = unionid
    return db.session.get(User, identity.user_id)


def _find_identity(appid: str, openid: str) -> WeChatIdentity | None:
    return db.session.scalar(
        select(WeChatIdentity).where(WeChatIdentity.appid == appid, WeChatIdentity.openid == openid)
    )


def _community_to_enter(user: User, slug: str | None) -> Community:
    """The community asked for; else the one last used; else the deployment's default."""
    if slug:
        return get_community_by_slug(slug)
    last = db.session.scalar(
        select(Membership)
        .where(Membership.user_id == user.id)
        .order_by(Membership.last_seen_at.desc())
        .limit(1)
    )
    if last is not None:
        return get_community(last.community_id)
    default = current_app.config.get("DEFAULT_COMMUNITY")
    if default:
        return get_community_by_slug(default)
    raise CommunityRequired()


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
        membership = find_membership(user.id, community.id)
    return membership


def find_membership(user_id: int, community_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user_id, Membership.community_id == community_id
        )
    )


def roles_of(user_id: int, community_id: int) -> frozenset[str] | None:
    """The roles a token's holder has in its community; None when they may no longer act."""
    user = db.session.get(User, user_id)
    membership = find_membership(user_id, community_id)
    if user is None or not user.is_active or membership is None:
        return None
    return membership.role_names


def _profile(user: User, community: Community) -> Profile:
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
    ).all()
    current = next(m for m in memberships if m.community_id == community.id)
    return Profile(user, community, current.role_names, list(memberships))


def get_profile(actor: Actor) -> Profile:
    user = db.session.get(User, actor.user_id)
    return _profile(user, get_community(actor.community_id))


def logout(actor: Actor) -> None:
    sessions().revoke(actor.session_id, actor.user_id)


def switch_community(actor: Actor, slug: str) -> Profile:
    """Move the caller's session to another community, joining it if they are not a member."""
    user = db.session.get(User, actor.user_id)
    community = get_community_by_slug(slug)
    membership = ensure_membership(user, community)
    membership.last_seen_at = utcnow()
    db.session.flush()
    sessions().switch_community(actor.session_id, community.id)
    return _profile(user, community)


def bind_phone(actor: Actor, code: str) -> Profile:
    """Bind the WeChat-verified phone number to the caller, stored encrypted and masked."""
    phone = fetch_phone_number(code)
    cipher = personal_data()
    user = db.session.get(User, actor.user_id)
    user.phone_cipher = cipher.encrypt(phone.pure_number, PHONE_PURPOSE)
    user.phone_hash = cipher.lookup_hash(phone.pure_number, PHONE_PURPOSE)
    user.phone_masked = mask_phone(phone.pure_number)
    db.session.flush()
    return _profile(user, get_community(actor.community_id))


def grant_role(
    actor: Actor | None, user_id: int, community_id: int, role: Role, reason: str | None = None
) -> Membership:
    """Give ``role`` in a community (idempotent), recorded in the audit log."""
    user = db.session.get(User, user_id)
    if user is None:
        raise UserNotFound()
    membership = ensure_membership(user, get_community(community_id))
    if role.value not in membership.role_names:
        membership.roles.append(
            MembershipRole(role=role, granted_by_user_id=getattr(actor, "user_id", None))
        )
        db.session.flush()
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


def create_admin(openid: str, community_slug: str, nickname: str | None = None) -> User:
    """Bootstrap staff: the WeChat user ``openid`` becomes an admin of the community."""
    community = get_community_by_slug(community_slug)
    user = _user_for_openid(openid, None)
    if nickname:
        user.nickname = nickname
    grant_role(None, user.id, community.id, Role.ADMIN, reason="flask create-admin")
    return user
