"""Marshmallow fields every domain uses."""

from __future__ import annotations

from marshmallow import fields

from app.core.clock import to_shanghai


class ShanghaiDateTime(fields.DateTime):
    """A naive UTC column shown in Asia/Shanghai time, with its offset (+08:00)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(to_shanghai(value), attr, obj, **kwargs)
