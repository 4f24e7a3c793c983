"""Staff API of images: the moderation queue and a moderator's verdict."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.media import schemas as s
from app.media import services

blp = Blueprint(
    "media_admin", __name__, url_prefix="/api/v1/admin/media", description="图片审核（管理员）"
)
ADMIN = "admin"


@blp.route("")
@auth_required(ADMIN)
@blp.arguments(s.MediaQueryArgs, location="query")
@blp.response(200, s.StaffMediaPageSchema)
def list_media(args):
    """The community's images, newest first; ``moderation=review`` is the moderation queue."""
    return services.list_media(current_actor(), **args)


@blp.route("/<int:media_id>/moderation", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.MediaModerationArgs)
@blp.response(200, s.StaffMediaSchema)
def moderate_media(args, media_id):
    """Show (``pass``) or hide (``risky``) an image, e.g. one WeChat held for review. Audited."""
    media = services.moderate_media(current_actor(), media_id, args["decision"], args["reason"])
    db.session.commit()
    return media
