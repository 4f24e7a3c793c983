"""HTTP API of activities for residents: browsing, signing up, the waiting list, check-in."""

from __future__ import annotations

from app.activities import schemas as s
from app.activities import services
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.idempotency import idempotent
from app.extensions import db

blp = Blueprint("activities", __name__, url_prefix="/api/v1/activities", description="活动报名")


@blp.route("")
@auth_required()
@blp.arguments(s.ActivityQueryArgs, location="query")
@blp.response(200, s.ActivityPageSchema)
def list_activities(args):
    """Published activities the caller may sign up for, soonest first."""
    return services.list_activities(current_actor(), **args)


@blp.route("/<int:activity_id>")
@auth_required()
@blp.response(200, s.ActivityDetailSchema)
def show_activity(activity_id):
    """The activity, the caller's sign-up and their place on the waiting list."""
    view = services.show_activity(current_actor(), activity_id)
    db.session.commit()  # offers that lapsed were passed on while reading
    return view


@blp.route("/<int:activity_id>/signups", methods=["POST"])
@auth_required()
@idempotent
@blp.arguments(s.SignupCreateArgs)
@blp.response(201, s.SignupSchema)
@blp.alt_response(200, schema=s.SignupSchema, description="已报名：返回原有的报名")
def sign_up(args, activity_id):
    """Sign up (with household members, or a shop's team): confirmed while seats last, then
    waitlisted, then 409 ``activity_full``. A retry returns the existing sign-up with 200."""
    signup, created = services.sign_up(current_actor(), activity_id, **args)
    db.session.commit()
    return signup, 201 if created else 200


@blp.route("/<int:activity_id>/participants")
@auth_required()
@blp.response(200, s.ParticipantSchema(many=True))
def list_participants(activity_id):
    """Who holds seats (masked); 403 ``participants_private`` for a mixer's non-organisers."""
    return services.list_participants(current_actor(), activity_id)


@blp.route("/scan", methods=["POST"])
@auth_required()
@blp.arguments(s.SceneScanArgs)
@blp.response(200, s.ScanResultSchema)
def scan_activity_code(args):
    """The caller scanned the activity's mini-program code: check their sign-up in or out.
    Scanning again changes nothing (``changed: false``)."""
    result = services.scan_scene(current_actor(), args["scene"], args["action"])
    db.session.commit()
    return result


@blp.route("/signups")
@auth_required()
@blp.arguments(s.MySignupQueryArgs, location="query")
@blp.response(200, s.MySignupPageSchema)
def list_my_signups(args):
    """The caller's sign-ups, newest first, each with its activity's summary."""
    return services.list_my_signups(current_actor(), **args)


@blp.route("/signups/<int:signup_id>")
@auth_required()
@blp.response(200, s.SignupDetailSchema)
def show_my_signup(signup_id):
    view = services.show_my_signup(current_actor(), signup_id)
    db.session.commit()
    return view


@blp.route("/signups/<int:signup_id>/confirm", methods=["POST"])
@auth_required()
@blp.response(200, s.SignupSchema)
def confirm_offer(signup_id):
    """Take up the seats offered from the waiting list before ``offer_expires_at``."""
    signup = services.confirm_offer(current_actor(), signup_id)
    db.session.commit()
    return signup


@blp.route("/signups/<int:signup_id>/cancel", methods=["POST"])
@auth_required()
@blp.response(200, s.SignupSchema)
def cancel_signup(signup_id):
    """Cancel; 409 ``cancel_deadline_passed`` for a confirmed sign-up after the deadline."""
    signup = services.cancel_signup(current_actor(), signup_id)
    db.session.commit()
    return signup


@blp.route("/signups/<int:signup_id>/checkin-code")
@auth_required()
@blp.response(200, s.CheckinCodeSchema)
def show_checkin_code(signup_id):
    """The signed payload to show as a QR code; it expires 2 hours after the activity ends."""
    return services.checkin_code(current_actor(), signup_id)
