"""HTTP API of notices for residents: their list, unread count, reading and 已知晓."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.notices import schemas as s
from app.notices import services

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="通知公告")


@blp.route("")
@auth_required()
@blp.arguments(s.MyNoticeQueryArgs, location="query")
@blp.response(200, s.MyNoticePageSchema)
def list_my_notices(args):
    """Notices addressed to the caller: pinned first, then newest; expired and withdrawn hidden."""
    return services.list_my_notices(current_actor(), **args)


@blp.route("/unread-count")
@auth_required()
@blp.response(200, s.UnreadCountSchema)
def show_unread_count():
    return {"unread": services.unread_count(current_actor())}


@blp.route("/<int:notice_id>")
@auth_required()
@blp.response(200, s.MyNoticeDetailSchema)
def show_notice(notice_id):
    """One notice addressed to the caller, marked read; 404 for anyone else's."""
    notice = services.get_notice_for_resident(current_actor(), notice_id)
    db.session.commit()
    return notice


@blp.route("/<int:notice_id>/acknowledge", methods=["POST"])
@auth_required()
@blp.response(200, s.MyNoticeDetailSchema)
def acknowledge(notice_id):
    """已知晓; calling it again changes nothing. 409 when the notice does not ask for it."""
    notice = services.acknowledge(current_actor(), notice_id)
    db.session.commit()
    return notice
