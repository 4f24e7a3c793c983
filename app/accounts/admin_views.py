"""Staff HTTP API of the accounts domain: members, and the queue of residents' claims to flats."""

from __future__ import annotations

from app.accounts.models import Role
from app.accounts.schemas import (
    BindingRequestPageSchema,
    BindingRequestQueryArgs,
    BindingRequestRejectArgs,
    BindingRequestSchema,
    MemberQueryArgs,
    MemberSchema,
)
from app.accounts.services import binding_review, roles
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.core.pagination import page_schema
from app.extensions import db

binding_requests_blp = Blueprint(
    "binding_requests",
    __name__,
    url_prefix="/api/v1/admin/binding-requests",
    description="住户绑定审核",
)
DECIDERS = (Role.ADMIN, Role.GRID_WORKER)


@binding_requests_blp.route("")
@auth_required(*DECIDERS)
@binding_requests_blp.arguments(BindingRequestQueryArgs, location="query")
@binding_requests_blp.response(200, BindingRequestPageSchema)
def list_binding_requests(args):
    """Claims by status (pending by default); grid workers see their own grids' only."""
    return binding_review.list_binding_requests(current_actor(), **args)


@binding_requests_blp.route("/<int:request_id>/approve", methods=["POST"])
@auth_required(*DECIDERS)
@binding_requests_blp.response(200, BindingRequestSchema)
def approve(request_id):
    """Bind the claimant to the flat and make them a resident."""
    result = binding_review.approve_request(current_actor(), request_id)
    db.session.commit()
    return result


@binding_requests_blp.route("/<int:request_id>/reject", methods=["POST"])
@auth_required(*DECIDERS)
@binding_requests_blp.arguments(BindingRequestRejectArgs)
@binding_requests_blp.response(200, BindingRequestSchema)
def reject(args, request_id):
    result = binding_review.reject_request(current_actor(), request_id, args["reason"])
    db.session.commit()
    return result


members_blp = Blueprint(
    "members", __name__, url_prefix="/api/v1/admin/members", description="社区成员"
)


@members_blp.route("")
@auth_required(Role.ADMIN)
@members_blp.arguments(MemberQueryArgs, location="query")
@members_blp.response(200, page_schema(MemberSchema, "MemberPage"))
def list_members(args):
    """Members of the community, to pick grid workers and organisation staff from."""
    return roles.list_members(current_actor(), **args)
