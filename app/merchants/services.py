"""Rules linking merchants to the shops they act for."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.accounts.services.roles import grant_role
from app.community.models import Shop
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import NotFound
from app.extensions import db
from app.merchants.models import ShopMember

_DUPLICATE_KEY = 1062


class ShopNotFound(NotFound):
    reason = "shop_not_found"
    message = "找不到该商户"


def _shop(actor: Actor, shop_id: int) -> Shop:
    shop = db.session.get(Shop, shop_id)
    if shop is None or shop.community_id != actor.community_id:
        raise ShopNotFound()
    return shop


def link_member(actor: Actor, shop_id: int, user_id: int) -> Shop:
    """Let a person act for a shop; they hold the merchant role from then on. Idempotent,
    audited. Raises ShopNotFound, UserNotFound."""
    shop = _shop(actor, shop_id)
    grant_role(actor, user_id, actor.community_id, Role.MERCHANT, reason=f"shop {shop.id}")
    try:
        with db.session.begin_nested():
            db.session.add(
                ShopMember(community_id=shop.community_id, shop_id=shop.id, user_id=user_id)
            )
    except IntegrityError as error:
        if not (error.orig and error.orig.args and error.orig.args[0] == _DUPLICATE_KEY):
            raise
        return shop  # linked already
    record_audit(actor, "shop.link_member", "shop", shop.id, detail={"user_id": user_id})
    return shop


def unlink_member(actor: Actor, shop_id: int, user_id: int) -> None:
    """The person no longer acts for the shop (their merchant role stays). Audited."""
    shop = _shop(actor, shop_id)
    removed = db.session.execute(
        delete(ShopMember).where(ShopMember.shop_id == shop.id, ShopMember.user_id == user_id)
    ).rowcount
    if removed:
        record_audit(actor, "shop.unlink_member", "shop", shop.id, detail={"user_id": user_id})


def my_shops(actor: Actor) -> list[Shop]:
    """The shops the caller acts for in their community."""
    return list(
        db.session.scalars(
            select(Shop)
            .join(ShopMember, ShopMember.shop_id == Shop.id)
            .where(
                ShopMember.community_id == actor.community_id, ShopMember.user_id == actor.user_id
            )
            .order_by(Shop.id)
        )
    )
