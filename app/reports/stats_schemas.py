"""Shapes of report handling statistics: the period and grouping asked for, figures per group."""

from __future__ import annotations

from datetime import timedelta

from marshmallow import Schema, fields, post_load, validate

from app.core.clock import to_shanghai, utcnow

DEFAULT_DAYS = 30


class ReportStatsQueryArgs(Schema):
    date_from = fields.Date(
        data_key="from", load_default=None, metadata={"description": "开始日期（含），默认 30 天前"}
    )
    date_to = fields.Date(
        data_key="to", load_default=None, metadata={"description": "结束日期（含），默认今天"}
    )
    group_by = fields.String(
        load_default="organisation", validate=validate.OneOf(["organisation", "category"])
    )

    @post_load
    def _default_period(self, data, **kwargs):
        """The last 30 Shanghai days, today included, for what was left out."""
        data["date_to"] = data["date_to"] or to_shanghai(utcnow()).date()
        data["date_from"] = data["date_from"] or data["date_to"] - timedelta(days=DEFAULT_DAYS - 1)
        return data


class HandlingFiguresSchema(Schema):
    """A ``HandlingFigures``: rates are shares (0–1, None when nothing to measure)."""

    id = fields.Integer(allow_none=True, metadata={"description": "单位或类别 id；null：未指定"})
    name = fields.String()
    reports = fields.Integer(metadata={"description": "期间提交的报事（不含撤销）"})
    response_decided = fields.Integer(metadata={"description": "已响应或已过受理时限的"})
    responded_in_time = fields.Integer()
    response_rate = fields.Float(allow_none=True, metadata={"description": "按时响应率"})
    resolution_decided = fields.Integer(
        metadata={"description": "已办结或已过办结时限的（不含驳回）"}
    )
    resolved_in_time = fields.Integer()
    resolution_rate = fields.Float(allow_none=True, metadata={"description": "按时办结率"})
    rejected = fields.Integer()
    rated = fields.Integer()
    satisfied = fields.Integer(metadata={"description": "4 星及以上"})
    satisfaction_rate = fields.Float(allow_none=True, metadata={"description": "满意率"})
    median_response_seconds = fields.Float(
        allow_none=True, metadata={"description": "提交到首次响应的中位时长（秒）"}
    )
    median_resolution_seconds = fields.Float(
        allow_none=True, metadata={"description": "提交到办结的中位时长（秒）"}
    )


class HandlingStatsSchema(Schema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    group_by = fields.String()
    items = fields.List(fields.Nested(HandlingFiguresSchema))
    overall = fields.Nested(HandlingFiguresSchema)
