"""HTTP API for residents binding themselves to their flats."""

from __future__ import annotations

from app.accounts.schemas import (
    HouseholdBindingSchema,
    HouseholdClaimArgs,
    HouseholdClaimSchema,
    MyHouseholdsSchema,
)
from app.accounts.services import binding, binding_claims
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db

blp = Blueprint(
    "households", __name__, url_prefix="/api/v1/me/households", description="我的房屋绑定"
)


@blp.route("")
@auth_required()
@blp.response(200, MyHouseholdsSchema)
def list_my_households():
    """The caller's bound flats and pending claims in the current community."""
    return binding.list_my_households(current_actor())


@blp.route("/auto", methods=["POST"])
@auth_required()
@blp.response(200, HouseholdBindingSchema)
def bind_by_phone():
    """Bind by the verified phone number, e.g. after the roster was updated."""
    result = binding.retry_bind_by_phone(current_actor())
    db.session.commit()
    return result


@blp.route("/<int:binding_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
def unbind(binding_id):
    """Leave a flat; the resident role goes with the last one."""
    binding.unbind_household(current_actor(), binding_id)
    db.session.commit()


@blp.route("/claims", methods=["POST"])
@auth_required()
@blp.arguments(HouseholdClaimArgs)
@blp.response(201, HouseholdClaimSchema)
@blp.alt_response(200, schema=HouseholdClaimSchema, description="已有待审核的相同申请")
def claim(args):
    """Claim a flat by its number, the registered name and the phone's last four digits."""
    result, created = binding_claims.claim_household(current_actor(), **args)
    db.session.commit()
    return result, 201 if created else 200


@blp.route("/claims/<int:request_id>", methods=["DELETE"])
@auth_required()
@blp.response(204)
def withdraw_claim(request_id):
    binding_claims.withdraw_claim(current_actor(), request_id)
    db.session.commit()
