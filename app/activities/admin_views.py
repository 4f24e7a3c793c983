"""Staff API of activities: organising, the sign-up lists and export, approvals, scanning."""

from __future__ import annotations

from flask import Response

import app.activities.audience
import app.activities.tasks  # noqa: F401 — the worker builds the app; this registers the tasks
from app.activities import schemas as s
from app.activities import services
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db

blp = Blueprint(
    "activities_admin",
    __name__,
    url_prefix="/api/v1/admin/activities",
    description="活动组织（工作人员）",
)
STAFF = ("admin", "grid_worker", "org_staff")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("", methods=["POST"])
@auth_required(*STAFF)
@blp.arguments(s.ActivityCreateArgs)
@blp.response(201, s.AdminActivitySchema)
def create_activity(args):
    """Publish an activity; the caller is its organiser."""
    activity = services.create_activity(current_actor(), **args)
    db.session.commit()
    return activity


@blp.route("")
@auth_required(*STAFF)
@blp.arguments(s.OrganisedQueryArgs, location="query")
@blp.response(200, s.AdminActivityPageSchema)
def list_organised(args):
    """The caller's activities (admins: the community's), newest first. ``scannable=true``:
    those whose check-in or check-out is open now and the caller may scan at (admins and grid
    workers: any of the community's, as scanning allows), soonest first."""
    if args.pop("scannable"):
        return services.list_scannable(current_actor(), **args)
    return services.list_organised(current_actor(), **args)


@blp.route("/<int:activity_id>")
@auth_required(*STAFF)
@blp.response(200, s.AdminActivitySchema)
def show_activity(activity_id):
    activity = services.get_organised(current_actor(), activity_id)
    services.refresh_offers(activity.id)
    db.session.commit()
    return activity


@blp.route("/<int:activity_id>", methods=["PATCH"])
@auth_required(*STAFF)
@blp.arguments(s.ActivityUpdateArgs)
@blp.response(200, s.AdminActivitySchema)
def update_activity(args, activity_id):
    """Change details; a larger capacity offers the new seats down the waiting list."""
    activity = services.update_activity(current_actor(), activity_id, **args)
    db.session.commit()
    return activity


@blp.route("/<int:activity_id>/cancel", methods=["POST"])
@auth_required(*STAFF)
@blp.arguments(s.ReasonArgs)
@blp.response(200, s.AdminActivitySchema)
def cancel_activity(args, activity_id):
    activity = services.cancel_activity(current_actor(), activity_id, args["reason"])
    db.session.commit()
    return activity


@blp.route("/<int:activity_id>/signups")
@auth_required(*STAFF)
@blp.arguments(s.SignupQueryArgs, location="query")
@blp.response(200, s.SignupRowPageSchema)
def list_signups(args, activity_id):
    """Attendees, the waiting list (``status=waitlisted``, in queue order), check-in status and
    answers, for the organiser."""
    return services.list_signups(current_actor(), activity_id, **args)


@blp.route("/<int:activity_id>/signups/<int:signup_id>/approve", methods=["POST"])
@auth_required(*STAFF)
@blp.response(200, s.SignupSchema)
def approve_signup(activity_id, signup_id):
    """Admit a pending sign-up: confirmed while seats last, else waitlisted."""
    signup = services.approve_signup(current_actor(), activity_id, signup_id)
    db.session.commit()
    return signup


@blp.route("/<int:activity_id>/signups/<int:signup_id>/reject", methods=["POST"])
@auth_required(*STAFF)
@blp.arguments(s.ReasonArgs)
@blp.response(200, s.SignupSchema)
def reject_signup(args, activity_id, signup_id):
    signup = services.reject_signup(current_actor(), activity_id, signup_id, args["reason"])
    db.session.commit()
    return signup


@blp.route("/<int:activity_id>/scans", methods=["POST"])
@auth_required(*STAFF)
@blp.arguments(s.CodeScanArgs)
@blp.response(200, s.StaffScanResultSchema)
def scan_code(args, activity_id):
    """The organiser or a grid worker scanned a resident's code: check in or out, and see whom
    it admits (masked name, flat). 403 ``checkin_code_invalid``/``checkin_code_expired``;
    scanning twice changes nothing (``changed: false``)."""
    result = services.scan_code(current_actor(), activity_id, args["code"], args["action"])
    db.session.commit()
    return result


@blp.route("/<int:activity_id>/export")
@auth_required(*STAFF)
@blp.doc(responses={"200": {"description": "报名名单 (.xlsx)", "content": {XLSX: {}}}})
def export_signups(activity_id):
    """Every sign-up with check-in times and answers, as an Excel file."""
    name, data = services.export_signups(current_actor(), activity_id)
    db.session.commit()  # the audit row
    return Response(
        data, mimetype=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blp.route("/<int:activity_id>/wxacode")
@auth_required(*STAFF)
@blp.doc(responses={"200": {"description": "活动签到小程序码", "content": {"image/png": {}}}})
def show_wxacode(activity_id):
    """The activity's own mini-program code: residents scan it to check themselves in."""
    return Response(services.activity_wxacode(current_actor(), activity_id), mimetype="image/png")
