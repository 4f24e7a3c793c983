"""Shapes of a delivery batch and its progress on the wire."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.delivery.models import BatchStatus


class BatchProgressSchema(Schema):
    queued = fields.Integer()
    sending = fields.Integer()
    sent = fields.Integer()
    no_credit = fields.Integer()
    failed = fields.Integer()
    cancelled = fields.Integer()
    total = fields.Integer()


class DeliveryBatchSchema(Schema):
    """A ``BatchReport``: the batch and how far its sending has come."""

    id = fields.Integer(attribute="batch.id")
    source_type = fields.String(attribute="batch.source_type")
    source_id = fields.Integer(attribute="batch.source_id")
    status = fields.Enum(BatchStatus, by_value=True, attribute="batch.status")
    created_at = fields.DateTime(attribute="batch.created_at")
    finished_at = fields.DateTime(attribute="batch.finished_at", allow_none=True)
    cancelled_at = fields.DateTime(attribute="batch.cancelled_at", allow_none=True)
    progress = fields.Nested(BatchProgressSchema)
