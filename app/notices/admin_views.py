"""Staff API of notices: publishing to an audience, the list, reports, who was not reached."""

from __future__ import annotations

import app.notices.tasks  # noqa: F401 — the worker builds the app; this registers the beat task
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.idempotency import idempotency_key, idempotent
from app.extensions import db
from app.notices import schemas as s
from app.notices import services

blp = Blueprint(
    "notices_admin",
    __name__,
    url_prefix="/api/v1/admin/notices",
    description="通知发布（工作人员）",
)
ADMIN, GRID_WORKER = "admin", "grid_worker"


@blp.route("", methods=["POST"])
@auth_required(ADMIN, GRID_WORKER)
@idempotent
@blp.arguments(s.NoticeCreateArgs)
@blp.response(201, s.NoticeSchema)
def create_notice(args):
    """Publish now or at ``publish_at``. Grid workers address only their own grids' residents.

    Send an ``Idempotency-Key`` header: a retry with the same key returns the same notice.
    """
    notice = services.create_notice(current_actor(), **args, idempotency_key=idempotency_key())
    db.session.commit()
    return notice


@blp.route("")
@auth_required(ADMIN, GRID_WORKER)
@blp.arguments(s.NoticeQueryArgs, location="query")
@blp.response(200, s.NoticePageSchema)
def list_notices(args):
    """Newest first; grid workers see the notices they wrote."""
    return services.list_notices(current_actor(), **args)


@blp.route("/<int:notice_id>")
@auth_required(ADMIN, GRID_WORKER)
@blp.response(200, s.NoticeReportSchema)
def show_notice_report(notice_id):
    """The notice with its read and 已知晓 counts and the WeChat push's progress."""
    return services.notice_report(current_actor(), notice_id)


@blp.route("/<int:notice_id>/not-reached")
@auth_required(ADMIN, GRID_WORKER)
@blp.response(200, s.NotReachedSchema)
def show_not_reached(notice_id):
    """Households per grid that neither got the message nor read it (grid workers: theirs)."""
    return services.not_reached_by_grid(current_actor(), notice_id)


@blp.route("/<int:notice_id>/cancel", methods=["POST"])
@auth_required(ADMIN, GRID_WORKER)
@blp.response(200, s.NoticeSchema)
def cancel_notice(notice_id):
    """Withdraw the notice from residents and stop pushes not yet sent."""
    notice = services.cancel_notice(current_actor(), notice_id)
    db.session.commit()
    return notice
