"""HTTP API for admins: upload a lease roster, follow its import, list past imports."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.pagination import PageArgs
from app.extensions import db
from app.roster import services
from app.roster.schemas import RosterImportPageSchema, RosterImportSchema, RosterUploadArgs

blp = Blueprint(
    "roster_admin",
    __name__,
    url_prefix="/api/v1/admin/roster-imports",
    description="租赁名单导入（管理员）",
)


@blp.route("", methods=["POST"])
@auth_required("admin")
@blp.arguments(RosterUploadArgs, location="files")
@blp.response(202, RosterImportSchema)
def upload_roster(args):
    """Upload the housing centre's roster (multipart field `file`); imported in the background."""
    upload = args["file"]
    record = services.start_roster_import(current_actor(), upload.filename, upload.read())
    db.session.commit()
    return record


@blp.route("")
@auth_required("admin")
@blp.arguments(PageArgs, location="query")
@blp.response(200, RosterImportPageSchema)
def list_roster_imports(args):
    return services.list_roster_imports(current_actor(), args["page"], args["page_size"])


@blp.route("/<int:import_id>")
@auth_required("admin")
@blp.response(200, RosterImportSchema)
def show_roster_import(import_id):
    """An import's status, progress, errors (when refused) and summary (when done)."""
    return services.get_roster_import(current_actor(), import_id)
