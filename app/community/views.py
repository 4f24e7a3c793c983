"""HTTP API of the community domain for the mini-program."""

from __future__ import annotations

from app.community import services
from app.community.schemas import CommunitySchema
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor

blp = Blueprint("community", __name__, url_prefix="/api/v1/community", description="社区")


@blp.route("")
@auth_required()
@blp.response(200, CommunitySchema)
def show_current_community():
    """The community the caller's token is on."""
    return services.get_community(current_actor().community_id)
