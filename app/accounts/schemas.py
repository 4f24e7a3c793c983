"""Shapes of people on the wire; phone numbers only ever leave masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.accounts.models import BindingMethod, BindingRequestStatus, Role
from app.community.models import OccupantRelation
from app.community.schemas import SLUG, CommunitySchema
from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema

WECHAT_CODE = validate.Length(min=1, max=128)
FLAT = validate.Regexp(
    r"^\d{1,3}-\d{1,2}-\d{3,4}$", error="房号格式应为“楼栋-单元-房号”，如 3-2-1502"
)


class LoginArgs(Schema):
    code = fields.String(required=True, validate=WECHAT_CODE)
    community = fields.String(validate=SLUG, metadata={"description": "社区标识，首次登录时需要"})


class PhoneBindArgs(Schema):
    code = fields.String(required=True, validate=WECHAT_CODE)


class SwitchCommunityArgs(Schema):
    community = fields.String(required=True, validate=SLUG)


class MembershipSchema(Schema):
    community_id = fields.Integer()
    roles = fields.Function(lambda m: sorted(m.role_names))


class MeSchema(Schema):
    """``Profile`` dumped: the user, their current community and roles there."""

    id = fields.Integer(attribute="user.id")
    nickname = fields.String(attribute="user.nickname", allow_none=True)
    avatar_url = fields.String(attribute="user.avatar_url", allow_none=True)
    phone = fields.String(
        attribute="user.phone_masked", allow_none=True, metadata={"example": "138****1234"}
    )
    phone_bound = fields.Function(lambda p: p.user.phone_cipher is not None)
    community = fields.Nested(CommunitySchema)
    roles = fields.Function(lambda p: sorted(p.roles))
    memberships = fields.List(fields.Nested(MembershipSchema))


class LoginResultSchema(Schema):
    token = fields.String()
    expires_at = fields.Integer(metadata={"description": "Unix 时间戳（秒）"})
    user = fields.Nested(MeSchema, attribute="profile")


class HouseholdClaimArgs(Schema):
    flat = fields.String(required=True, validate=FLAT, metadata={"example": "3-2-1502"})
    name = fields.String(
        required=True, validate=validate.Length(min=1, max=32), metadata={"description": "登记姓名"}
    )
    phone_last4 = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{4}$", error="请输入登记手机号的后四位"),
        metadata={"description": "租户名册上登记的手机号后四位"},
    )


class CompanionSchema(Schema):
    """A ``Flatmate``: someone on the caller's lease they may bring to an activity."""

    id = fields.Integer(metadata={"description": "住户登记 id，报名时填入 companion_ids"})
    name = fields.String(attribute="name_masked", metadata={"example": "张*"})
    relation = fields.Enum(OccupantRelation, by_value=True)


class HouseholdBindingSchema(Schema):
    """A ``BindingView``: one of the caller's own flats."""

    id = fields.Integer(attribute="member.id")
    household_id = fields.Integer(
        attribute="household.id", metadata={"description": "报名活动时的 household_id"}
    )
    flat = fields.String(attribute="household.flat")
    building = fields.String(attribute="building.name")
    relation = fields.Enum(OccupantRelation, by_value=True, allow_none=True)
    method = fields.Enum(BindingMethod, by_value=True, attribute="member.method")
    since = ShanghaiDateTime()
    companions = fields.List(
        fields.Nested(CompanionSchema),
        metadata={"description": "同住的其他登记住户（不含本人），可作为活动同行人"},
    )


class HouseholdClaimSchema(Schema):
    """A ``ClaimView``: one of the caller's own claims."""

    id = fields.Integer(attribute="request.id")
    flat = fields.String(attribute="household.flat")
    status = fields.Enum(BindingRequestStatus, by_value=True, attribute="request.status")
    created_at = ShanghaiDateTime(attribute="request.created_at")


class MyHouseholdsSchema(Schema):
    bindings = fields.List(fields.Nested(HouseholdBindingSchema))
    claims = fields.List(fields.Nested(HouseholdClaimSchema), metadata={"description": "待审核"})


class BindingRequestQueryArgs(PageArgs):
    status = fields.Enum(
        BindingRequestStatus, by_value=True, load_default=BindingRequestStatus.PENDING
    )


class BindingRequestRejectArgs(Schema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "驳回原因，告知申请人并记入审计日志"},
    )


class BindingRequestSchema(Schema):
    """A ``ClaimReview``: what staff see of a claim; the claimant's data only masked."""

    id = fields.Integer(attribute="request.id")
    status = fields.Enum(BindingRequestStatus, by_value=True, attribute="request.status")
    flat = fields.String(attribute="household.flat")
    claimant_nickname = fields.String(attribute="claimant.nickname", allow_none=True)
    claimant_phone = fields.String(attribute="claimant.phone_masked", allow_none=True)
    occupant_name = fields.String(attribute="occupant.name_masked")
    occupant_relation = fields.Enum(OccupantRelation, by_value=True, attribute="occupant.relation")
    created_at = ShanghaiDateTime(attribute="request.created_at")
    decided_at = ShanghaiDateTime(attribute="request.decided_at", allow_none=True)
    decision_reason = fields.String(attribute="request.decision_reason", allow_none=True)


BindingRequestPageSchema = page_schema(BindingRequestSchema, "BindingRequestPage")


class MemberQueryArgs(PageArgs):
    role = fields.Enum(Role, by_value=True, load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=32))


class MemberSchema(Schema):
    """A ``MemberView``: what staff see of a member when assigning them."""

    user_id = fields.Integer(attribute="user.id")
    nickname = fields.String(attribute="user.nickname", allow_none=True)
    phone = fields.String(attribute="user.phone_masked", allow_none=True)
    roles = fields.Function(lambda v: sorted(v.membership.role_names))
    joined_at = ShanghaiDateTime(attribute="membership.created_at")
    last_seen_at = ShanghaiDateTime(attribute="membership.last_seen_at", allow_none=True)
