"""Shapes of people on the wire; phone numbers only ever leave masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.community.schemas import SLUG, CommunitySchema

WECHAT_CODE = validate.Length(min=1, max=128)


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
