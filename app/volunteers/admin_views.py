"""Staff API of the volunteer corps: teams, members, the ledger and its corrections."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.volunteers import schemas as s
from app.volunteers import services

blp = Blueprint(
    "volunteers_admin",
    __name__,
    url_prefix="/api/v1/admin/volunteers",
    description="志愿服务队与时长（工作人员）",
)
ADMIN, STAFF = "admin", ("admin", "grid_worker", "org_staff")


@blp.route("/teams")
@auth_required(*STAFF)
@blp.response(200, s.TeamSchema(many=True))
def list_teams():
    return services.list_teams(current_actor())


@blp.route("/teams", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.TeamCreateArgs)
@blp.response(201, s.TeamSchema)
def create_team(args):
    team = services.create_team(current_actor(), **args)
    db.session.commit()
    return team


@blp.route("/teams/<int:team_id>/members", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.MemberArgs)
@blp.response(200, s.TeamSchema)
def add_member(args, team_id):
    actor = current_actor()
    team = services.add_member(actor, actor.community_id, team_id, args["user_id"])
    db.session.commit()
    return team


@blp.route("/hours")
@auth_required(*STAFF)
@blp.arguments(s.EntryQueryArgs, location="query")
@blp.response(200, s.HoursEntryPageSchema)
def list_entries(args):
    """The ledger, newest first, for one volunteer or one team."""
    return services.list_entries(current_actor(), **args)


@blp.route("/hours/<int:entry_id>/corrections", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.CorrectionArgs)
@blp.response(201, s.HoursEntrySchema)
def correct_entry(args, entry_id):
    """A compensating entry against a credit (entries are never edited)."""
    entry = services.correct_entry(current_actor(), entry_id, args["minutes"], args["reason"])
    db.session.commit()
    return entry
