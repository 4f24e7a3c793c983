"""Staff API for the community's subscribe templates (admins only; every change audited)."""

from __future__ import annotations

from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.subscriptions import schemas as s
from app.subscriptions import services

blp = Blueprint(
    "subscribe_templates_admin",
    __name__,
    url_prefix="/api/v1/admin/subscribe-templates",
    description="订阅消息模板（管理员）",
)
ADMIN = "admin"


@blp.route("")
@auth_required(ADMIN)
@blp.response(200, s.SubscribeTemplateSchema(many=True))
def list_templates():
    return services.list_templates(current_actor())


@blp.route("", methods=["POST"])
@auth_required(ADMIN)
@blp.arguments(s.SubscribeTemplateCreateArgs)
@blp.response(201, s.SubscribeTemplateSchema)
def create_template(args):
    template = services.create_template(current_actor(), **args)
    db.session.commit()
    return template


@blp.route("/<int:template_pk>", methods=["PATCH"])
@auth_required(ADMIN)
@blp.arguments(s.SubscribeTemplateUpdateArgs)
@blp.response(200, s.SubscribeTemplateSchema)
def update_template(args, template_pk):
    """Change a template; ``{"is_active": false}`` deactivates it."""
    template = services.update_template(current_actor(), template_pk, **args)
    db.session.commit()
    return template
