"""Shapes of notices on the wire: what staff send, what residents and staff get back."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, fields, validate

from app.accounts.models import Role
from app.core.clock import SHANGHAI
from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema
from app.notices.models import NoticeStatus

SUMMARY_CHARS = 60


class UtcDateTimeArg(fields.DateTime):
    """An ISO time from a client, stored as naive UTC; one without an offset is Beijing time."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        return moment.astimezone(UTC).replace(tzinfo=None)


class AudienceArgs(Schema):
    kind = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "community, grids, buildings, households, roles, activity …"},
    )
    ids = fields.List(
        fields.Integer(validate=validate.Range(min=1)),
        validate=validate.Length(max=5000),
        metadata={"description": "网格、楼栋、住户或活动的 id（按 kind）"},
    )
    roles = fields.List(
        fields.String(validate=validate.OneOf([r.value for r in Role])),
        validate=validate.Length(max=len(Role)),
    )


class NoticeCreateArgs(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=64))
    body = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    images = fields.List(
        fields.Url(schemes={"http", "https"}, validate=validate.Length(max=512)),
        load_default=list,
        validate=validate.Length(max=9),
    )
    audience = fields.Nested(AudienceArgs, required=True)
    publish_at = UtcDateTimeArg(
        load_default=None,
        allow_none=True,
        metadata={"description": "定时发布（最多提前 90 天）；不填即刻发布"},
    )
    expires_at = UtcDateTimeArg(
        load_default=None, allow_none=True, metadata={"description": "过期后居民端不再显示"}
    )
    pinned = fields.Boolean(load_default=False)
    requires_ack = fields.Boolean(
        load_default=False, metadata={"description": "需要住户点“已知晓”"}
    )
    push = fields.Boolean(load_default=True, metadata={"description": "发送微信订阅消息"})


class NoticeQueryArgs(PageArgs):
    status = fields.Enum(NoticeStatus, by_value=True, load_default=None)


class MyNoticeQueryArgs(PageArgs):
    unread_only = fields.Boolean(load_default=False)


class MyNoticeSchema(Schema):
    """A ``MyNotice`` in the resident's list."""

    id = fields.Integer(attribute="notice.id")
    title = fields.String(attribute="notice.title")
    summary = fields.Function(lambda m: m.notice.body[:SUMMARY_CHARS])
    pinned = fields.Boolean(attribute="notice.pinned")
    requires_ack = fields.Boolean(attribute="notice.requires_ack")
    published_at = ShanghaiDateTime(attribute="notice.published_at")
    expires_at = ShanghaiDateTime(attribute="notice.expires_at", allow_none=True)
    read = fields.Function(lambda m: m.read_at is not None)
    acknowledged = fields.Function(lambda m: m.acknowledged_at is not None)


class MyNoticeDetailSchema(MyNoticeSchema):
    body = fields.String(attribute="notice.body")
    images = fields.List(fields.String(), attribute="notice.images")
    read_at = ShanghaiDateTime(allow_none=True)
    acknowledged_at = ShanghaiDateTime(allow_none=True)


class UnreadCountSchema(Schema):
    unread = fields.Integer()


class NoticeSchema(Schema):
    """A notice as staff see it."""

    id = fields.Integer()
    title = fields.String()
    body = fields.String()
    images = fields.List(fields.String())
    audience = fields.Dict()
    status = fields.Enum(NoticeStatus, by_value=True)
    author_user_id = fields.Integer()
    publish_at = ShanghaiDateTime()
    published_at = ShanghaiDateTime(allow_none=True)
    expires_at = ShanghaiDateTime(allow_none=True)
    cancelled_at = ShanghaiDateTime(allow_none=True)
    pinned = fields.Boolean()
    requires_ack = fields.Boolean()
    push = fields.Boolean()
    delivery_batch_id = fields.Integer(allow_none=True)
    created_at = ShanghaiDateTime()


class NoticeReportSchema(Schema):
    """A ``NoticeReport``."""

    notice = fields.Nested(NoticeSchema)
    recipients = fields.Integer(metadata={"description": "收到通知的人数"})
    read = fields.Integer(metadata={"description": "已读人数"})
    households = fields.Integer(metadata={"description": "送达的住户数"})
    read_households = fields.Integer()
    acknowledged_households = fields.Integer(metadata={"description": "已知晓的住户数"})
    push = fields.String(
        metadata={
            "description": "off, not_published, no_recipients, unavailable（未配置模板）, queued"
        }
    )
    progress = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        allow_none=True,
        metadata={"description": "微信推送进度：queued, sending, sent, no_credit, failed … total"},
    )


class UnreachedHouseholdSchema(Schema):
    household_id = fields.Integer()
    flat = fields.String()
    primary_tenant = fields.String(allow_none=True, metadata={"description": "承租人（脱敏）"})
    reasons = fields.List(fields.String())


class GridUnreachedSchema(Schema):
    grid_id = fields.Integer(allow_none=True)
    grid_name = fields.String()
    households = fields.List(fields.Nested(UnreachedHouseholdSchema))


class NotReachedSchema(Schema):
    notice_id = fields.Integer(attribute="notice.id")
    total = fields.Integer(metadata={"description": "未触达的住户数"})
    grids = fields.List(fields.Nested(GridUnreachedSchema))


NoticePageSchema = page_schema(NoticeSchema, "NoticePage")
MyNoticePageSchema = page_schema(MyNoticeSchema, "MyNoticePage")
