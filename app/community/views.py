"""HTTP API of the community domain for the mini-program."""

from __future__ import annotations

from app.community import services
from app.community.places_cache import cached_places
from app.community.schemas import CommunitySchema, PlaceListSchema
from app.community.services import places
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor

blp = Blueprint("community", __name__, url_prefix="/api/v1/community", description="社区")
_PLACES = PlaceListSchema()


@blp.route("")
@auth_required()
@blp.response(200, CommunitySchema)
def show_current_community():
    """The community the caller's token is on."""
    return services.get_community(current_actor().community_id)


@blp.route("/places")
@auth_required()
@blp.response(200, PlaceListSchema)
def list_places():
    """The community's buildings and their units (e.g. for picking where a problem is)."""
    community_id = current_actor().community_id
    return cached_places(
        community_id, lambda: _PLACES.dump({"items": places.list_places(community_id)})
    )
