"""Staff API of reports: queues, a report in full, workflow steps, assignment, moderation."""

from __future__ import annotations

import app.reports.tasks  # noqa: F401 — the worker builds the app; this registers the beat task
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.reports import schemas as s
from app.reports import services

blp = Blueprint(
    "reports_admin",
    __name__,
    url_prefix="/api/v1/admin/reports",
    description="报事处置（网格员、责任单位、管理员）",
)
ADMIN, GRID_WORKER, ORG_STAFF = "admin", "grid_worker", "org_staff"
STAFF = (ADMIN, GRID_WORKER, ORG_STAFF)


@blp.route("")
@auth_required(ADMIN)
@blp.arguments(s.ReportAllQueryArgs, location="query")
@blp.response(200, s.StaffReportPageSchema)
def list_all(args):
    """Every report of the community; ``moderation=review`` is the moderation queue."""
    return services.list_all(current_actor(), **args)


@blp.route("/grid-queue")
@auth_required(GRID_WORKER)
@blp.arguments(s.ReportQueueQueryArgs, location="query")
@blp.response(200, s.StaffReportPageSchema)
def list_grid_queue(args):
    """Reports in the grids you look after (default: open ones; ``overdue=true``: past a
    deadline, with their ``escalation_level``)."""
    return services.list_grid_queue(current_actor(), **args)


@blp.route("/org-queue")
@auth_required(ORG_STAFF)
@blp.arguments(s.ReportQueueQueryArgs, location="query")
@blp.response(200, s.StaffReportPageSchema)
def list_organisation_queue(args):
    """Reports routed to your organisations (default: open ones; ``overdue=true``: past a
    deadline)."""
    return services.list_organisation_queue(current_actor(), **args)


@blp.route("/<int:report_id>")
@auth_required(*STAFF)
@blp.response(200, s.StaffReportDetailSchema)
def show_report(report_id):
    """A report you handle (its organisation's staff, its grid's worker, admins); 404 else."""
    return services.get_report_detail(current_actor(), report_id, handling=True)


@blp.route("/<int:report_id>/transitions", methods=["POST"])
@auth_required(*STAFF)
@blp.arguments(s.ReportStaffTransitionArgs)
@blp.response(200, s.ReportRefSchema)
def take_step(args, report_id):
    """accept, start, resolve (note), reject (reason), close; staff of the report's
    organisation, the grid worker of its grid, admins. 409 from a state that does not allow it.
    """
    report = services.transition(current_actor(), report_id, args["action"], note=args["note"])
    db.session.commit()
    return report


@blp.route("/<int:report_id>/assign", methods=["POST"])
@auth_required(*STAFF)
@blp.arguments(s.ReportAssignArgs)
@blp.response(200, s.ReportRefSchema)
def assign(args, report_id):
    """Send an open report to another organisation; it waits there to be accepted."""
    report = services.transition(
        current_actor(),
        report_id,
        "assign",
        note=args["note"],
        organisation_id=args["organisation_id"],
    )
    db.session.commit()
    return report


@blp.route("/<int:report_id>/moderation", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.ReportModerationArgs)
@blp.response(200, s.ReportRefSchema)
def moderate(args, report_id):
    """Release a text held for review to the neighbours, or hide one. Audited."""
    report = services.moderate_text(current_actor(), report_id, args["decision"], args["reason"])
    db.session.commit()
    return report
