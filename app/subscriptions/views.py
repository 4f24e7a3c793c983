"""HTTP API for the mini-program: my subscribe templates and what I answered in the popup."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.subscriptions import schemas as s
from app.subscriptions import services

blp = Blueprint(
    "subscriptions", __name__, url_prefix="/api/v1/me/subscriptions", description="订阅消息"
)


@blp.route("")
@auth_required()
@blp.response(200, s.MySubscriptionSchema(many=True))
def list_my_subscriptions():
    """The community's templates by purpose (ids for wx.requestSubscribeMessage), my credits."""
    return services.list_my_subscriptions(current_actor())


@blp.route("", methods=["POST"])
@auth_required()
@blp.arguments(s.PopupResultsArgs)
@blp.response(200, s.MySubscriptionSchema(many=True))
def record_popup_results(args):
    """Report the result of one wx.requestSubscribeMessage call (at most 3 templates)."""
    subscriptions = services.record_popup_results(current_actor(), args["results"])
    db.session.commit()
    return subscriptions
