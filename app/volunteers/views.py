"""HTTP API of the volunteer corps for residents: their own hours."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.pagination import PageArgs
from app.volunteers import schemas as s
from app.volunteers import services

blp = Blueprint(
    "volunteer_hours", __name__, url_prefix="/api/v1/me/volunteer-hours", description="志愿时长"
)


@blp.route("")
@auth_required()
@blp.arguments(PageArgs, location="query")
@blp.response(200, s.MyHoursSchema)
def show_my_hours(args):
    """The caller's total minutes and their ledger entries, newest first."""
    return services.my_hours(current_actor(), **args)
