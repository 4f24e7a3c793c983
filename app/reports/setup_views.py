"""Staff API of report settings: categories (who fixes what, how fast, public or private) and
reply templates per status."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.reports import services
from app.reports import setup_schemas as s

blp = Blueprint(
    "report_setup_admin",
    __name__,
    url_prefix="/api/v1/admin/report-setup",
    description="报事设置：类别与回复模板",
)
ADMIN, GRID_WORKER, ORG_STAFF = "admin", "grid_worker", "org_staff"


@blp.route("/categories")
@auth_required(ADMIN)
@blp.response(200, s.StaffReportCategoryListSchema)
def list_categories():
    return {"items": services.list_categories(current_actor(), include_inactive=True)}


@blp.route("/categories", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.ReportCategoryCreateArgs)
@blp.response(201, s.StaffReportCategorySchema)
def create_category(args):
    category = services.create_category(current_actor(), **args)
    db.session.commit()
    return category


@blp.route("/categories/<int:category_id>", methods=["PATCH"])
@auth_required(ADMIN)
@blp.arguments(s.ReportCategoryUpdateArgs)
@blp.response(200, s.StaffReportCategorySchema)
def update_category(args, category_id):
    """Change routing, deadlines (for new reports) or public/private (for all its reports)."""
    category = services.update_category(current_actor(), category_id, args)
    db.session.commit()
    return category


@blp.route("/replies")
@auth_required(ADMIN, GRID_WORKER, ORG_STAFF)
@blp.arguments(s.ReportReplyQueryArgs, location="query")
@blp.response(200, s.ReportReplyListSchema)
def list_replies(args):
    """Ready-made replies, for the status a step leads to (e.g. ``resolved``)."""
    return {"items": services.list_replies(current_actor(), args["status"])}


@blp.route("/replies", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.ReportReplyCreateArgs)
@blp.response(201, s.ReportReplySchema)
def create_reply(args):
    reply = services.create_reply(current_actor(), **args)
    db.session.commit()
    return reply


@blp.route("/replies/<int:reply_id>", methods=["PATCH"])
@auth_required(ADMIN)
@blp.arguments(s.ReportReplyUpdateArgs)
@blp.response(200, s.ReportReplySchema)
def update_reply(args, reply_id):
    reply = services.update_reply(current_actor(), reply_id, args)
    db.session.commit()
    return reply


@blp.route("/replies/<int:reply_id>", methods=["DELETE"])
@auth_required(ADMIN)
@blp.response(204)
def delete_reply(reply_id):
    services.delete_reply(current_actor(), reply_id)
    db.session.commit()
