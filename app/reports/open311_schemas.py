"""Shapes of Open311 GeoReport v2: the query of GET requests, services and service requests
under the spec's own field names."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from app.core.clock import SHANGHAI
from app.core.fields import ShanghaiDateTime
from app.reports.services.notifying import STATUS_LABELS
from app.reports.services.open311 import CLOSED, OPEN, RequestQuery

PAGE_SIZE_MAX = 1000  # the spec's default limit: the first 1,000 requests


class CommaSeparated(fields.Field):
    """``a,b,c`` (the spec's way of giving several values) as a list of ``inner`` values."""

    def __init__(self, inner: fields.Field, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def _deserialize(self, value, attr, data, **kwargs):
        items = [item.strip() for item in str(value).split(",") if item.strip()]
        if not items or len(items) > 100:
            raise ValidationError("1 to 100 comma-separated values")
        return [self.inner.deserialize(item) for item in items]


class W3DateTime(fields.Field):
    """A W3C/ISO 8601 datetime (2025-06-01T00:00:00Z, …+08:00), as naive UTC; without an
    offset it is Shanghai time."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError("not a W3C datetime, e.g. 2025-06-01T00:00:00+08:00") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=SHANGHAI)
        return moment.astimezone(UTC).replace(tzinfo=None)


class Open311RequestQueryArgs(Schema):
    """GET requests: ``service_request_id`` overrides every other filter; without dates the
    last 90 days. ``page``/``page_size`` are the common pagination extension."""

    class Meta:
        unknown = EXCLUDE  # jurisdiction_id and others' extensions are ignored

    service_request_ids = CommaSeparated(fields.Integer(), data_key="service_request_id")
    service_codes = CommaSeparated(fields.String(validate=validate.Length(max=32)),
                                   data_key="service_code")  # fmt: skip
    statuses = CommaSeparated(fields.String(validate=validate.OneOf([OPEN, CLOSED])),
                              data_key="status")  # fmt: skip
    start = W3DateTime(data_key="start_date")
    end = W3DateTime(data_key="end_date")
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    page_size = fields.Integer(
        load_default=PAGE_SIZE_MAX, validate=validate.Range(1, PAGE_SIZE_MAX)
    )

    @post_load
    def _query(self, data, **kwargs) -> RequestQuery:
        if "statuses" in data:
            data["statuses"] = frozenset(data["statuses"])
        return RequestQuery(**data)


def _service_description(service: dict) -> str:
    party = service["organisation"] or "社区"
    return (
        f"{service['name']}：{party}负责，{service['response_hours']}小时内受理，"
        f"{service['resolution_hours']}小时内办结"
    )


class Open311ServiceSchema(Schema):
    """A service (a public report category) from ``list_services``."""

    service_code = fields.String(attribute="code")
    service_name = fields.String(attribute="name")
    description = fields.Function(_service_description)
    metadata = fields.Function(lambda s: False)  # no extra attributes to fill in
    type = fields.Function(lambda s: "realtime")
    keywords = fields.Function(lambda s: f"{s['name']},{s['code']}")
    group = fields.Function(lambda s: s["organisation"] or "社区")


def _decimal(value) -> float | None:
    return None if value is None else float(value)


class Open311RequestSchema(Schema):
    """A ``ServiceRequest``; no reporter, status notes are the status's label."""

    service_request_id = fields.Function(lambda r: str(r.report.id))
    status = fields.String()
    status_notes = fields.Function(lambda r: STATUS_LABELS[r.report.status])
    service_name = fields.String()
    service_code = fields.String()
    description = fields.Function(lambda r: r.report.text)
    agency_responsible = fields.String(attribute="agency", allow_none=True)
    service_notice = fields.Function(
        lambda r: f"{r.response_hours}小时内受理，{r.resolution_hours}小时内办结"
    )
    requested_datetime = ShanghaiDateTime(attribute="report.created_at")
    updated_datetime = ShanghaiDateTime(attribute="report.status_changed_at")
    expected_datetime = ShanghaiDateTime(attribute="report.resolution_due_at")
    address = fields.String()
    address_id = fields.Function(lambda r: r.report.asset_code)
    zipcode = fields.Function(lambda r: None)
    lat = fields.Function(lambda r: _decimal(r.report.lat))
    long = fields.Function(lambda r: _decimal(r.report.lng))
    media_url = fields.String(allow_none=True)
