"""Rules for logging in: WeChat login, sessions, switching community, phone binding."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Membership, Role, User, WeChatIdentity
from app.accounts.services.binding import bind_by_phone
from app.accounts.services.roles import ensure_membership, grant_role
from app.community.models import Community
from app.community.services import get_community, get_community_by_slug
from app.core.after_commit import run_after_commit
from app.core.auth import Actor, IssuedToken, sessions
from app.core.clock import utcnow
from app.core.crypto import PHONE_LOOKUP, mask_phone, personal_data
from app.core.errors import Forbidden, Invalid, RateLimited
from app.core.rate_limits import rate_limiter
from app.extensions import db
from app.wechat.errors import WeChatCodeInvalid, WeChatCodeUsed
from app.wechat.login import exchange_login_code
from app.wechat.phone import fetch_phone_number

PHONE_PURPOSE = "user.phone"


class CommunityRequired(Invalid):
    reason = "community_required"
    message = "请先选择所在社区"


class PhoneCodeInvalid(Invalid):
    reason = "wechat_code_invalid"
    message = "手机号授权已失效，请重新授权"


class AccountDisabled(Forbidden):
    reason = "account_disabled"
    message = "该账号已被停用，请联系社区工作人员"


class LoginTooFrequent(RateLimited):
    reason = "login_rate_limited"
    message = "登录太频繁，请稍后再试"


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
    if not user.is_active:
        raise AccountDisabled()
    community = _community_to_enter(user, community_slug)
    membership = ensure_membership(user, community)
    now = utcnow()
    user.last_login_at = now
    membership.last_seen_at = now
    db.session.flush()
    issued: IssuedToken = sessions().issue(user.id, community.id)
    return LoginResult(issued.token, issued.expires_at, _profile(user, community, membership))


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
            # A plain SELECT would still see this transaction's snapshot (REPEATABLE READ),
            # from before the other request committed; a locking read sees the latest row.
            identity = _find_identity(appid, openid, lock=True)
            # Their user row is newer than our snapshot too.
            return _locked_user(identity.user_id)
    if unionid and identity.unionid != unionid:
        identity.unionid = unionid
    return db.session.get(User, identity.user_id)


def _locked_user(user_id: int) -> User:
    return db.session.scalar(select(User).where(User.id == user_id).with_for_update(read=True))


def _find_identity(appid: str, openid: str, lock: bool = False) -> WeChatIdentity | None:
    stmt = select(WeChatIdentity).where(
        WeChatIdentity.appid == appid, WeChatIdentity.openid == openid
    )
    return db.session.scalar(stmt.with_for_update(read=True) if lock else stmt)


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


def _profile(user: User, community: Community, current: Membership | None = None) -> Profile:
    """``current``: the membership just ensured, which a plain SELECT may not see yet when
    another request committed it during this transaction (REPEATABLE READ)."""
    memberships = list(
        db.session.scalars(
            select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
        )
    )
    if current is None:
        current = next(m for m in memberships if m.community_id == community.id)
    elif current not in memberships:
        memberships.append(current)
    return Profile(user, community, current.role_names, memberships)


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
    # Only once the membership is committed: a token must never point at a community its
    # holder has not durably joined.
    run_after_commit(sessions().switch_community, actor.session_id, community.id)
    return _profile(user, community, membership)


def bind_phone(actor: Actor, code: str) -> Profile:
    """Bind the WeChat-verified phone number to the caller, stored encrypted and masked.

    A number on the community's lease roster binds the caller to that flat at once (resident).
    """
    try:
        phone = fetch_phone_number(code)
    except (WeChatCodeInvalid, WeChatCodeUsed) as error:
        # 401 would tell the mini-program its own login expired; the code is what was bad.
        raise PhoneCodeInvalid(reason=error.reason) from None
    cipher = personal_data()
    user = db.session.get(User, actor.user_id)
    user.phone_cipher = cipher.encrypt(phone.pure_number, PHONE_PURPOSE)
    user.phone_hash = cipher.lookup_hash(phone.pure_number, PHONE_LOOKUP)
    user.phone_masked = mask_phone(phone.pure_number)
    db.session.flush()
    bind_by_phone(actor)
    return _profile(user, get_community(actor.community_id))


def create_admin(openid: str, community_slug: str, nickname: str | None = None) -> User:
    """Bootstrap staff: the WeChat user ``openid`` becomes an admin of the community."""
    community = get_community_by_slug(community_slug)
    user = _user_for_openid(openid, None)
    if nickname:
        user.nickname = nickname
    grant_role(None, user.id, community.id, Role.ADMIN, reason="flask create-admin")
    return user
