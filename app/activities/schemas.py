"""Shapes of activities and sign-ups on the wire; people leave masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.activities.models import ActivityKind, ActivityStatus, AudienceKind, SignupStatus
from app.activities.services import ScanAction
from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema
from app.notices.schemas import UtcDateTimeArg

ID = validate.Range(min=1)
TEXT_64 = validate.Length(min=1, max=64)


class ActivityAudienceArgs(Schema):
    kind = fields.Enum(AudienceKind, by_value=True, required=True)
    ids = fields.List(
        fields.Integer(validate=ID), load_default=list, validate=validate.Length(max=500)
    )


class ActivityQuestionArgs(Schema):
    key = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{0,15}$"))
    label = fields.String(required=True, validate=TEXT_64)
    kind = fields.String(load_default="text", validate=validate.OneOf(["text", "choice"]))
    required = fields.Boolean(load_default=False)
    options = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        load_default=list,
        validate=validate.Length(max=20),
    )


class ActivityCreateArgs(Schema):
    kind = fields.Enum(ActivityKind, by_value=True, required=True)
    title = fields.String(required=True, validate=TEXT_64)
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    place = fields.String(required=True, validate=validate.Length(min=1, max=128))
    organiser_name = fields.String(load_default=None, validate=TEXT_64)
    cover_media_id = fields.Integer(load_default=None, allow_none=True, validate=ID)
    starts_at = UtcDateTimeArg(required=True)
    ends_at = UtcDateTimeArg(required=True)
    signup_opens_at = UtcDateTimeArg(load_default=None, metadata={"description": "默认立即"})
    signup_closes_at = UtcDateTimeArg(load_default=None, metadata={"description": "默认开始时"})
    cancel_deadline = UtcDateTimeArg(load_default=None, metadata={"description": "默认开始时"})
    capacity = fields.Integer(required=True, validate=validate.Range(min=1, max=100_000))
    waitlist_capacity = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "候补上限（人数）；不填不限，0 不设候补"},
    )
    seats_per_household = fields.Integer(load_default=1, validate=validate.Range(min=1, max=20))
    requires_approval = fields.Boolean(load_default=False)
    audience = fields.Nested(
        ActivityAudienceArgs, load_default=lambda: {"kind": "everyone", "ids": []}
    )
    questions = fields.List(
        fields.Nested(ActivityQuestionArgs), load_default=list, validate=validate.Length(max=10)
    )
    team_id = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=ID,
        metadata={"description": "志愿服务所属的服务队（计入队伍时长）"},
    )
    shop_teams = fields.Boolean(
        load_default=False, metadata={"description": "青年会客厅：以商户组队报名"}
    )
    participants_private = fields.Boolean(
        load_default=False, metadata={"description": "青年会客厅联谊：名单仅组织者可见"}
    )
    reminder_minutes = fields.Integer(load_default=None, validate=validate.Range(min=0, max=10080))


class ActivityUpdateArgs(Schema):
    title = fields.String(validate=TEXT_64)
    description = fields.String(validate=validate.Length(max=5000))
    place = fields.String(validate=validate.Length(min=1, max=128))
    organiser_name = fields.String(validate=TEXT_64)
    cover_media_id = fields.Integer(allow_none=True, validate=ID)
    signup_closes_at = UtcDateTimeArg()
    cancel_deadline = UtcDateTimeArg()
    capacity = fields.Integer(validate=validate.Range(min=1, max=100_000))
    waitlist_capacity = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100_000))
    reminder_minutes = fields.Integer(validate=validate.Range(min=0, max=10080))


class ReasonArgs(Schema):
    reason = fields.String(load_default=None, validate=validate.Length(max=255))


class ActivityQueryArgs(PageArgs):
    kind = fields.Enum(ActivityKind, by_value=True, load_default=None)
    include_past = fields.Boolean(load_default=False)


class OrganisedQueryArgs(PageArgs):
    status = fields.Enum(ActivityStatus, by_value=True, load_default=None)
    scannable = fields.Boolean(
        load_default=False,
        metadata={
            "description": "true：现在可以扫码签到或签退的活动（网格员、管理员：全社区的），"
            "按开始时间排列"
        },
    )


class SignupCreateArgs(Schema):
    household_id = fields.Integer(
        load_default=None, validate=ID, metadata={"description": "绑定多处房屋时选择其一"}
    )
    companion_ids = fields.List(
        fields.Integer(validate=ID),
        load_default=list,
        validate=validate.Length(max=20),
        metadata={"description": "同行的家庭成员（住户登记的其他人）"},
    )
    shop_id = fields.Integer(
        load_default=None, validate=ID, metadata={"description": "以商户组队报名时的商户"}
    )
    team_size = fields.Integer(load_default=None, validate=validate.Range(min=1, max=50))
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(max=16)),
        values=fields.Raw(allow_none=True),
        load_default=dict,
    )


class SignupQueryArgs(PageArgs):
    status = fields.Enum(SignupStatus, by_value=True, load_default=None)


class MySignupQueryArgs(PageArgs):
    active_only = fields.Boolean(load_default=False)


class CodeScanArgs(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=512))
    action = fields.Enum(ScanAction, by_value=True, load_default=ScanAction.CHECK_IN)


class SceneScanArgs(Schema):
    scene = fields.String(required=True, validate=validate.Length(min=1, max=32))
    action = fields.Enum(ScanAction, by_value=True, load_default=ScanAction.CHECK_IN)


class ActivityQuestionSchema(Schema):
    key = fields.String()
    label = fields.String()
    kind = fields.String()
    required = fields.Boolean()
    options = fields.List(fields.String())


class ActivityAudienceSchema(Schema):
    kind = fields.String(metadata={"description": "everyone, buildings, grids, team, merchants"})
    ids = fields.List(fields.Integer())


class ActivitySchema(Schema):
    id = fields.Integer()
    kind = fields.Enum(ActivityKind, by_value=True)
    status = fields.Enum(ActivityStatus, by_value=True)
    title = fields.String()
    description = fields.String()
    organiser_name = fields.String()
    place = fields.String()
    cover_media_id = fields.Integer(allow_none=True)
    starts_at = ShanghaiDateTime()
    ends_at = ShanghaiDateTime()
    signup_opens_at = ShanghaiDateTime()
    signup_closes_at = ShanghaiDateTime()
    cancel_deadline = ShanghaiDateTime()
    capacity = fields.Integer()
    seats_left = fields.Integer()
    waiting = fields.Integer(attribute="waitlist_taken", metadata={"description": "候补人数"})
    waitlist_capacity = fields.Integer(allow_none=True)
    seats_per_household = fields.Integer()
    requires_approval = fields.Boolean()
    audience = fields.Nested(ActivityAudienceSchema)
    questions = fields.List(fields.Nested(ActivityQuestionSchema))
    team_id = fields.Integer(allow_none=True)
    shop_teams = fields.Boolean()
    participants_private = fields.Boolean()


class AdminActivitySchema(ActivitySchema):
    organiser_user_id = fields.Integer()
    seats_taken = fields.Integer()
    reminder_minutes = fields.Integer()
    reminded_at = ShanghaiDateTime(allow_none=True)
    checkin_scene = fields.String(metadata={"description": "活动小程序码的 scene"})
    cancelled_at = ShanghaiDateTime(allow_none=True)
    created_at = ShanghaiDateTime()


class SignupSchema(Schema):
    id = fields.Integer()
    activity_id = fields.Integer()
    status = fields.Enum(SignupStatus, by_value=True)
    seats = fields.Integer()
    household_id = fields.Integer(allow_none=True)
    shop_id = fields.Integer(allow_none=True)
    companion_ids = fields.List(fields.Integer())
    answers = fields.Dict()
    queued_at = ShanghaiDateTime(allow_none=True)
    offer_expires_at = ShanghaiDateTime(
        allow_none=True, metadata={"description": "候补名额确认截止"}
    )
    checked_in_at = ShanghaiDateTime(allow_none=True)
    checked_out_at = ShanghaiDateTime(allow_none=True)
    cancelled_at = ShanghaiDateTime(allow_none=True)
    created_at = ShanghaiDateTime()


class ActivitySummarySchema(Schema):
    """What a list of sign-ups shows of each one's activity."""

    id = fields.Integer()
    title = fields.String()
    kind = fields.Enum(ActivityKind, by_value=True)
    status = fields.Enum(ActivityStatus, by_value=True)
    starts_at = ShanghaiDateTime()
    ends_at = ShanghaiDateTime()
    place = fields.String()


class MySignupSchema(SignupSchema):
    """One of the caller's sign-ups, with its activity's summary."""

    activity = fields.Nested(ActivitySummarySchema)


class ScanResultSchema(SignupSchema):
    """A ``ScanResult``: the sign-up as scanned, and whether the scan changed it."""

    changed = fields.Boolean(metadata={"description": "false：此前已签到/签退，本次未改变"})

    def get_attribute(self, obj, attr, default):
        # The sign-up's fields are read from the result's sign-up, the rest from the result.
        return super().get_attribute(obj if attr in _SCAN_OWN else obj.signup, attr, default)


_SCAN_OWN = frozenset({"changed", "attendee"})


class AttendeeSchema(Schema):
    name = fields.String(metadata={"description": "脱敏姓名"})
    flat = fields.String(allow_none=True, metadata={"description": "房屋，如 1-1-0101"})


class StaffScanResultSchema(ScanResultSchema):
    attendee = fields.Nested(AttendeeSchema, metadata={"description": "扫码核验的报名人"})


class SignupDetailSchema(Schema):
    """A ``SignupView``."""

    signup = fields.Nested(SignupSchema)
    activity = fields.Nested(ActivitySchema)
    position = fields.Integer(allow_none=True, metadata={"description": "候补排在第几位"})


class ActivityDetailSchema(Schema):
    """An ``ActivityView``: the activity and the caller's sign-up for it, if any."""

    activity = fields.Nested(ActivitySchema)
    my_signup = fields.Nested(SignupSchema, allow_none=True)
    position = fields.Integer(allow_none=True)


class SignupRowSchema(Schema):
    """A ``SignupRow``: a sign-up as its organiser sees it."""

    signup = fields.Nested(SignupSchema)
    nickname = fields.String(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    flat = fields.String(allow_none=True)
    shop_name = fields.String(allow_none=True)
    companions = fields.List(fields.String(), metadata={"description": "同行人（脱敏）"})


class ParticipantSchema(Schema):
    name = fields.String(metadata={"description": "脱敏昵称"})
    seats = fields.Integer()
    shop_name = fields.String(allow_none=True)


class CheckinCodeSchema(Schema):
    code = fields.String(metadata={"description": "二维码内容，组织者扫码签到"})
    expires_at = ShanghaiDateTime()


ActivityPageSchema = page_schema(ActivitySchema, "ActivityPage")
AdminActivityPageSchema = page_schema(AdminActivitySchema, "AdminActivityPage")
MySignupPageSchema = page_schema(MySignupSchema, "MySignupPage")
SignupRowPageSchema = page_schema(SignupRowSchema, "SignupRowPage")
