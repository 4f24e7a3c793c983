"""HTTP API of the merchants' alliance: the shops a merchant acts for; staff link them."""

from __future__ import annotations

from app.community.schemas import ShopSchema, UserRefArgs
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.merchants import services

blp = Blueprint("my_shops", __name__, url_prefix="/api/v1/me/shops", description="我的商户")
admin_blp = Blueprint(
    "shop_members_admin",
    __name__,
    url_prefix="/api/v1/admin/shops",
    description="商户的经营者（工作人员）",
)


@blp.route("")
@auth_required()
@blp.response(200, ShopSchema(many=True))
def list_my_shops():
    """Shops the caller may sign up as a team for Youth Lounge events."""
    return services.my_shops(current_actor())


@admin_blp.route("/<int:shop_id>/members", methods=["POST"])
@auth_required("admin")
@admin_blp.arguments(UserRefArgs)
@admin_blp.response(200, ShopSchema)
def link_member(args, shop_id):
    """Let a person act for the shop (grants the merchant role)."""
    shop = services.link_member(current_actor(), shop_id, args["user_id"])
    db.session.commit()
    return shop


@admin_blp.route("/<int:shop_id>/members/<int:user_id>", methods=["DELETE"])
@auth_required("admin")
@admin_blp.response(204)
def unlink_member(shop_id, user_id):
    services.unlink_member(current_actor(), shop_id, user_id)
    db.session.commit()
