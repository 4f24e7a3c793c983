"""Staff API to read the audit log (admins only)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.core.api import Blueprint
from app.core.audit import list_audit_entries
from app.core.auth import auth_required, current_actor
from app.core.fields import ShanghaiDateTime
from app.core.pagination import PageArgs, page_schema

blp = Blueprint("audit", __name__, url_prefix="/api/v1/admin/audit-log", description="审计日志")


class AuditQueryArgs(PageArgs):
    action = fields.String(load_default=None, validate=validate.Length(max=64))
    object_type = fields.String(load_default=None, validate=validate.Length(max=64))
    actor_user_id = fields.Integer(load_default=None)


class AuditEntrySchema(Schema):
    id = fields.Integer()
    actor_user_id = fields.Integer(allow_none=True)
    actor_roles = fields.String()
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    detail = fields.Dict(allow_none=True)
    ip = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    created_at = ShanghaiDateTime()


@blp.route("")
@auth_required("admin")
@blp.arguments(AuditQueryArgs, location="query")
@blp.response(200, page_schema(AuditEntrySchema, "AuditEntryPage"))
def list_entries(args):
    return list_audit_entries(current_actor(), **args)
