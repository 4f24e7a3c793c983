"""Staff API for the community's places, grids, households and partner organisations."""

from __future__ import annotations

from app.community import schemas as s
from app.community.services import households, parties, places
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.pagination import page_schema
from app.extensions import db

blp = Blueprint(
    "community_admin", __name__, url_prefix="/api/v1/admin", description="社区管理（工作人员）"
)
ADMIN, GRID_WORKER = "admin", "grid_worker"


@blp.route("/buildings")
@auth_required(ADMIN, GRID_WORKER)
@blp.response(200, s.BuildingSchema(many=True))
def list_buildings():
    return places.list_buildings(current_actor())


@blp.route("/buildings", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.BuildingCreateArgs)
@blp.response(201, s.BuildingSchema)
def create_building(args):
    building = places.create_building(current_actor(), **args)
    db.session.commit()
    return building


@blp.route("/grids")
@auth_required(ADMIN, GRID_WORKER)
@blp.response(200, s.GridSchema(many=True))
def list_grids():
    return places.list_grids(current_actor())


@blp.route("/grids", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.GridCreateArgs)
@blp.response(201, s.GridSchema)
def create_grid(args):
    grid = places.create_grid(current_actor(), args["name"])
    db.session.commit()
    return grid


@blp.route("/grids/<int:grid_id>/buildings", methods=["PUT"])
@auth_required(ADMIN)
@blp.arguments(s.GridBuildingsArgs)
@blp.response(200, s.GridSchema)
def set_grid_buildings(args, grid_id):
    grid = places.set_grid_buildings(current_actor(), grid_id, args["building_ids"])
    db.session.commit()
    return grid


@blp.route("/grids/<int:grid_id>/workers", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.UserRefArgs)
@blp.response(200, s.GridSchema)
def assign_grid_worker(args, grid_id):
    grid = places.assign_grid_worker(current_actor(), grid_id, args["user_id"])
    db.session.commit()
    return grid


@blp.route("/grids/<int:grid_id>/workers/<int:user_id>", methods=["DELETE"])
@auth_required(ADMIN)
@blp.response(204)
def unassign_grid_worker(grid_id, user_id):
    places.unassign_grid_worker(current_actor(), grid_id, user_id)
    db.session.commit()


@blp.route("/households")
@auth_required(ADMIN, GRID_WORKER)
@blp.arguments(s.HouseholdQueryArgs, location="query")
@blp.response(200, page_schema(s.HouseholdSchema, "HouseholdPage"))
def list_households(args):
    return households.list_households(current_actor(), **args)


@blp.route("/households/<int:household_id>")
@auth_required(ADMIN, GRID_WORKER)
@blp.response(200, s.HouseholdDetailSchema)
def show_household(household_id):
    return households.get_household(current_actor(), household_id)


@blp.route("/occupants/<int:occupant_id>/reveal", methods=["POST"])
@auth_required(ADMIN, GRID_WORKER)
@blp.arguments(s.RevealArgs)
@blp.response(200, s.RevealedOccupantSchema)
def reveal_occupant(args, occupant_id):
    """An occupant's full name and phone; every call is written to the audit log."""
    revealed = households.reveal_occupant(current_actor(), occupant_id, args["reason"])
    db.session.commit()
    return revealed


@blp.route("/organisations")
@auth_required(ADMIN, GRID_WORKER)
@blp.arguments(s.OrganisationQueryArgs, location="query")
@blp.response(200, s.OrganisationSchema(many=True))
def list_organisations(args):
    return parties.list_organisations(current_actor(), args["kind"])


@blp.route("/organisations", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.OrganisationCreateArgs)
@blp.response(201, s.OrganisationSchema)
def create_organisation(args):
    organisation = parties.create_organisation(current_actor(), **args)
    db.session.commit()
    return organisation


@blp.route("/organisations/<int:organisation_id>", methods=["PATCH"])
@auth_required(ADMIN)
@blp.arguments(s.OrganisationUpdateArgs)
@blp.response(200, s.OrganisationSchema)
def update_organisation(args, organisation_id):
    organisation = parties.update_organisation(current_actor(), organisation_id, args)
    db.session.commit()
    return organisation


@blp.route("/organisations/<int:organisation_id>/staff")
@auth_required(ADMIN)
@blp.response(200, s.OrganisationStaffSchema(many=True))
def list_organisation_staff(organisation_id):
    return parties.list_organisation_staff(current_actor(), organisation_id)


@blp.route("/organisations/<int:organisation_id>/staff", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.OrganisationStaffArgs)
@blp.response(200, s.OrganisationStaffSchema)
def add_organisation_staff(args, organisation_id):
    staff = parties.add_organisation_staff(current_actor(), organisation_id, **args)
    db.session.commit()
    return staff


@blp.route("/organisations/<int:organisation_id>/staff/<int:user_id>", methods=["DELETE"])
@auth_required(ADMIN)
@blp.response(204)
def remove_organisation_staff(organisation_id, user_id):
    parties.remove_organisation_staff(current_actor(), organisation_id, user_id)
    db.session.commit()


@blp.route("/shops")
@auth_required(ADMIN, GRID_WORKER)
@blp.arguments(s.ShopQueryArgs, location="query")
@blp.response(200, page_schema(s.ShopSchema, "ShopPage"))
def list_shops(args):
    return parties.list_shops(current_actor(), **args)


@blp.route("/shops", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.ShopCreateArgs)
@blp.response(201, s.ShopSchema)
def create_shop(args):
    shop = parties.create_shop(current_actor(), **args)
    db.session.commit()
    return shop
