"""Shapes of images on the wire: the upload form, the stored image, moderators' decisions."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema
from app.media.models import MediaPurpose, Moderation


class MediaUploadForm(Schema):
    purpose = fields.String(
        required=True,
        validate=validate.OneOf([p.value for p in MediaPurpose]),
        metadata={"description": "report / activity / notice / culture"},
    )


class MediaUploadFiles(Schema):
    file = Upload(
        required=True, metadata={"description": "JPEG、PNG 或 WebP，≤ 10 MB，≤ 5000 万像素"}
    )


class MediaSchema(Schema):
    id = fields.Integer()
    url = fields.Function(lambda m: f"/api/v1/media/{m.id}/original")
    thumb_url = fields.Function(lambda m: f"/api/v1/media/{m.id}/thumb")
    content_type = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    moderation = fields.Enum(
        Moderation,
        by_value=True,
        metadata={"description": "pending 审核中（仅本人可见）/ pass / review / risky"},
    )


class StaffMediaSchema(MediaSchema):
    purpose = fields.String()
    owner_user_id = fields.Integer()
    size_bytes = fields.Integer()
    created_at = ShanghaiDateTime()
    moderated_at = ShanghaiDateTime(allow_none=True)


StaffMediaPageSchema = page_schema(StaffMediaSchema, "StaffMediaPage")


class MediaQueryArgs(PageArgs):
    moderation = fields.Enum(Moderation, by_value=True, load_default=None)


class MediaModerationArgs(Schema):
    decision = fields.Enum(
        Moderation,
        by_value=True,
        required=True,
        validate=validate.OneOf([Moderation.PASS, Moderation.RISKY]),
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=255))
