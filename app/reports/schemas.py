"""Shapes of reports on the wire: filing, lists, a report with its timeline, staff inputs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.clock import utcnow
from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema
from app.reports.models import ReportStatus, TextModeration
from app.reports.services.escalating import is_overdue
from app.reports.services.notifying import STATUS_LABELS
from app.reports.services.queries import FILED, OPEN, RELATIONS
from app.reports.services.workflow import REPORTER_ACTIONS, STAFF_ACTIONS

STATUS_VALUES = [s.value for s in ReportStatus]
ASSET_CODE = validate.Regexp(r"^[A-Za-z0-9\-_]{1,32}$", error="设施编号只能包含字母、数字、-、_")
ACTION_LABELS = {
    "submit": "提交报事",
    "route": "派单",
    "assign": "转派",
    "accept": "受理",
    "start": "开始处理",
    "resolve": "办结",
    "reject": "驳回",
    "close": "确认完结",
    "reopen": "重新打开",
    "cancel": "撤销",
    "rate": "评价",
    "escalate": "超时督办",
}
ROLE_LABELS = {
    "reporter": "报事人",
    "grid_worker": "网格员",
    "org_staff": "责任单位",
    "admin": "社区工作人员",
    "system": "系统",
}


def _media_url(media_id: int | None, variant: str) -> str | None:
    return None if media_id is None else f"/api/v1/media/{media_id}/{variant}"


# ---- filing and "me too" -------------------------------------------------------------------


class ReportPlaceArgs(Schema):
    building_id = fields.Integer(load_default=None, allow_none=True)
    unit_id = fields.Integer(load_default=None, allow_none=True)
    lat = fields.Decimal(
        load_default=None, allow_none=True, places=6, validate=validate.Range(-90, 90)
    )
    lng = fields.Decimal(
        load_default=None, allow_none=True, places=6, validate=validate.Range(-180, 180)
    )
    asset_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=ASSET_CODE,
        metadata={"description": "路灯杆、充电桩上的设施编号"},
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class ReportCreateArgs(Schema):
    category_id = fields.Integer(required=True)
    text = fields.String(required=True, validate=validate.Length(min=2, max=1000))
    place = fields.Nested(ReportPlaceArgs, required=True)
    media_ids = fields.List(
        fields.Integer(),
        load_default=list,
        validate=validate.Length(max=9),
        metadata={"description": "先上传（purpose=report）得到的图片 id，最多 9 张"},
    )


class ReportSimilarQueryArgs(Schema):
    category_id = fields.Integer(required=True)
    building_id = fields.Integer(load_default=None)
    asset_code = fields.String(load_default=None, validate=ASSET_CODE)


class ReporterTransitionArgs(Schema):
    action = fields.String(required=True, validate=validate.OneOf(REPORTER_ACTIONS))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReportStaffTransitionArgs(Schema):
    action = fields.String(required=True, validate=validate.OneOf(STAFF_ACTIONS))
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "办结说明、驳回理由（必填）；可用回复模板"},
    )


class ReportAssignArgs(Schema):
    organisation_id = fields.Integer(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReportRatingArgs(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ReportModerationArgs(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["release", "hide"]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))


# ---- lists --------------------------------------------------------------------------------


class _StatusArg(fields.String):
    def __init__(self, **kwargs):
        super().__init__(validate=validate.OneOf([*STATUS_VALUES, OPEN]), **kwargs)


class ReportMineQueryArgs(PageArgs):
    status = _StatusArg(load_default=None)
    relation = fields.String(
        load_default=FILED,
        validate=validate.OneOf(RELATIONS),
        metadata={"description": "filed：我提交的（默认）；supported：我附议的；all：全部"},
    )


class ReportPublicQueryArgs(PageArgs):
    category_id = fields.Integer(load_default=None)
    building_id = fields.Integer(load_default=None)
    status = _StatusArg(load_default=None)


def _overdue_arg() -> fields.Boolean:
    return fields.Boolean(
        load_default=None,
        metadata={"description": "true：已超过受理或办结时限的；false：未超时的"},
    )


class ReportQueueQueryArgs(ReportPublicQueryArgs):
    status = _StatusArg(load_default=OPEN, metadata={"description": "默认 open：未办结的"})
    overdue = _overdue_arg()


class ReportAllQueryArgs(ReportPublicQueryArgs):
    overdue = _overdue_arg()
    organisation_id = fields.Integer(load_default=None)
    grid_id = fields.Integer(load_default=None)
    moderation = fields.Enum(TextModeration, by_value=True, load_default=None)


class ReportItemSchema(Schema):
    """A ``ReportItem`` (a row)."""

    id = fields.Integer()
    category_id = fields.Integer()
    category_name = fields.String()
    summary = fields.Function(lambda i: i.text[:60])
    status = fields.Function(lambda i: i.status.value)
    status_label = fields.Function(lambda i: STATUS_LABELS[i.status])
    building_id = fields.Integer(allow_none=True)
    building_name = fields.String(allow_none=True)
    asset_code = fields.String(allow_none=True)
    supporter_count = fields.Integer()
    thumb_url = fields.Function(lambda i: _media_url(i.thumb_media_id, "thumb"))
    created_at = ShanghaiDateTime()


class StaffReportItemSchema(ReportItemSchema):
    organisation_id = fields.Integer(allow_none=True)
    grid_id = fields.Integer(allow_none=True)
    moderation = fields.Function(lambda i: i.moderation.value)
    is_public = fields.Boolean()
    response_due_at = ShanghaiDateTime()
    resolution_due_at = ShanghaiDateTime()
    escalation_level = fields.Integer()
    overdue = fields.Function(lambda i: is_overdue(i, utcnow()))


class MyReportItemSchema(ReportItemSchema):
    relation = fields.String(metadata={"description": "filed：我提交的；supported：我附议的"})


ReportPageSchema = page_schema(ReportItemSchema, "ReportPage")
MyReportPageSchema = page_schema(MyReportItemSchema, "MyReportPage")
StaffReportPageSchema = page_schema(StaffReportItemSchema, "StaffReportPage")


# ---- one report ---------------------------------------------------------------------------


class ReportPhotoSchema(Schema):
    id = fields.Integer()
    url = fields.Function(lambda m: _media_url(m.id, "original"))
    thumb_url = fields.Function(lambda m: _media_url(m.id, "thumb"))
    moderation = fields.Function(lambda m: m.moderation.value)


class ReportTimelineEntrySchema(Schema):
    """A ``TimelineEntry``: who did what, for which organisation, when."""

    action = fields.String(attribute="event.action")
    action_label = fields.Function(lambda e: ACTION_LABELS.get(e.event.action, e.event.action))
    actor_name = fields.String()
    actor_role = fields.String(attribute="event.actor_role")
    actor_role_label = fields.Function(lambda e: ROLE_LABELS.get(e.event.actor_role, ""))
    organisation_name = fields.String(allow_none=True)
    from_status = fields.String(attribute="event.from_status", allow_none=True)
    to_status = fields.String(attribute="event.to_status", allow_none=True)
    note = fields.String(attribute="event.note", allow_none=True)
    created_at = ShanghaiDateTime(attribute="event.created_at")


class ReportDetailSchema(Schema):
    """A ``ReportDetail``; the reporter appears by nickname only."""

    id = fields.Integer(attribute="report.id")
    category_id = fields.Integer(attribute="report.category_id")
    category_name = fields.String()
    text = fields.String(attribute="report.text")
    status = fields.Function(lambda d: d.report.status.value)
    status_label = fields.Function(lambda d: STATUS_LABELS[d.report.status])
    moderation = fields.Function(lambda d: d.report.moderation.value)
    is_public = fields.Boolean(attribute="report.is_public")
    building_id = fields.Integer(attribute="report.building_id", allow_none=True)
    building_name = fields.String(allow_none=True)
    unit_code = fields.String(allow_none=True)
    lat = fields.Decimal(attribute="report.lat", as_string=True, allow_none=True)
    lng = fields.Decimal(attribute="report.lng", as_string=True, allow_none=True)
    asset_code = fields.String(attribute="report.asset_code", allow_none=True)
    place_note = fields.String(attribute="report.place_note", allow_none=True)
    organisation_name = fields.String(allow_none=True)
    reporter_nickname = fields.String()
    supporter_count = fields.Integer(attribute="report.supporter_count")
    photos = fields.List(fields.Nested(ReportPhotoSchema))
    timeline = fields.List(fields.Nested(ReportTimelineEntrySchema))
    is_mine = fields.Boolean()
    is_supporter = fields.Boolean()
    actions = fields.List(fields.String(), metadata={"description": "当前用户可执行的操作"})
    reopen_until = ShanghaiDateTime(
        allow_none=True,
        metadata={"description": "报事人可重新打开的截止时间（已办结或已驳回时；可能已过）"},
    )
    response_due_at = ShanghaiDateTime(attribute="report.response_due_at")
    resolution_due_at = ShanghaiDateTime(attribute="report.resolution_due_at")
    resolved_at = ShanghaiDateTime(attribute="report.resolved_at", allow_none=True)
    rating = fields.Integer(attribute="report.rating", allow_none=True)
    rating_comment = fields.Function(
        lambda d: d.report.rating_comment if d.is_mine else None,
        metadata={"description": "评价内容：仅报事人与处置人员可见"},
    )
    rated_at = ShanghaiDateTime(attribute="report.rated_at", allow_none=True)
    created_at = ShanghaiDateTime(attribute="report.created_at")


class StaffReportDetailSchema(ReportDetailSchema):
    reporter_user_id = fields.Integer(attribute="report.reporter_user_id")
    organisation_id = fields.Integer(attribute="report.organisation_id", allow_none=True)
    grid_id = fields.Integer(attribute="report.grid_id", allow_none=True)
    first_response_at = ShanghaiDateTime(attribute="report.first_response_at", allow_none=True)
    escalation_level = fields.Integer(attribute="report.escalation_level")
    overdue = fields.Function(lambda d: is_overdue(d.report, utcnow()))
    rating_comment = fields.String(attribute="report.rating_comment", allow_none=True)


class ReportSchema(Schema):
    """A report as filed (its page, with photos and timeline, is ``GET /reports/<id>``)."""

    id = fields.Integer()
    category_id = fields.Integer()
    text = fields.String()
    status = fields.Function(lambda r: r.status.value)
    status_label = fields.Function(lambda r: STATUS_LABELS[r.status])
    moderation = fields.Function(lambda r: r.moderation.value)
    is_public = fields.Boolean()
    building_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    lat = fields.Decimal(as_string=True, allow_none=True)
    lng = fields.Decimal(as_string=True, allow_none=True)
    asset_code = fields.String(allow_none=True)
    place_note = fields.String(allow_none=True)
    response_due_at = ShanghaiDateTime()
    resolution_due_at = ShanghaiDateTime()
    created_at = ShanghaiDateTime()


class ReportRefSchema(Schema):
    """A report just changed: what the client needs to refresh its view."""

    id = fields.Integer()
    status = fields.Function(lambda r: r.status.value)
    status_label = fields.Function(lambda r: STATUS_LABELS[r.status])
    moderation = fields.Function(lambda r: r.moderation.value)
    supporter_count = fields.Integer()
    organisation_id = fields.Integer(allow_none=True)


class ReportRatingSchema(Schema):
    """A report just rated."""

    id = fields.Integer()
    status = fields.Function(lambda r: r.status.value)
    rating = fields.Integer()
    rating_comment = fields.String(allow_none=True)
    rated_at = ShanghaiDateTime()


class SimilarReportSchema(Schema):
    id = fields.Integer()
    summary = fields.Function(lambda r: r.text[:60])
    status = fields.Function(lambda r: r.status.value)
    status_label = fields.Function(lambda r: STATUS_LABELS[r.status])
    supporter_count = fields.Integer()
    created_at = ShanghaiDateTime()


class ReportSimilarListSchema(Schema):
    items = fields.List(fields.Nested(SimilarReportSchema))
