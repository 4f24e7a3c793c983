"""Rules for a community's subscribe templates: look-up by purpose and the admins' CRUD."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.subscriptions.fields import check_spec
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose

_EDITABLE = ("template_id", "title", "fields", "mapping", "page", "long_term", "is_active")


class SubscribeTemplateNotFound(NotFound):
    reason = "subscribe_template_not_found"
    message = "找不到该订阅消息模板"


class SubscribeTemplatePurposeTaken(Conflict):
    reason = "subscribe_template_purpose_taken"
    message = "该用途已配置模板，请修改原模板"


def get_template(community_id: int, purpose: TemplatePurpose) -> SubscribeTemplate | None:
    """The community's active template for ``purpose``; None when it has none (or it is off)."""
    return db.session.scalar(
        select(SubscribeTemplate).where(
            SubscribeTemplate.community_id == community_id,
            SubscribeTemplate.purpose == purpose,
            SubscribeTemplate.is_active.is_(True),
        )
    )


def list_templates(actor: Actor, *, active_only: bool = False) -> list[SubscribeTemplate]:
    stmt = select(SubscribeTemplate).where(SubscribeTemplate.community_id == actor.community_id)
    if active_only:
        stmt = stmt.where(SubscribeTemplate.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(SubscribeTemplate.purpose)))


def active_template_ids(community_id: int) -> dict[str, SubscribeTemplate]:
    """The community's active templates by WeChat template id."""
    rows = db.session.scalars(
        select(SubscribeTemplate).where(
            SubscribeTemplate.community_id == community_id,
            SubscribeTemplate.is_active.is_(True),
        )
    )
    return {row.template_id: row for row in rows}


def is_long_term(community_id: int, template_id: str) -> bool:
    """Whether the community flags ``template_id`` long-term (no credit needed per send)."""
    return bool(
        db.session.scalar(
            select(SubscribeTemplate.long_term)
            .where(
                SubscribeTemplate.community_id == community_id,
                SubscribeTemplate.template_id == template_id,
            )
            .order_by(SubscribeTemplate.long_term.desc())
            .limit(1)
        )
    )


def get_template_by_id(actor: Actor, template_pk: int) -> SubscribeTemplate:
    template = db.session.get(SubscribeTemplate, template_pk)
    if template is None or template.community_id != actor.community_id:
        raise SubscribeTemplateNotFound()
    return template


def create_template(
    actor: Actor,
    *,
    purpose: TemplatePurpose,
    template_id: str,
    title: str,
    fields: dict[str, str],
    mapping: dict[str, str],
    page: str = "pages/index/index",
    long_term: bool = False,
) -> SubscribeTemplate:
    """Configure the template for a purpose. Audited.

    Raises TemplateSpecInvalid (422) and SubscribeTemplatePurposeTaken (409; one template per
    purpose, active or not: change the existing one instead).
    """
    check_spec(fields, mapping)
    taken = db.session.scalar(
        select(SubscribeTemplate.id).where(
            SubscribeTemplate.community_id == actor.community_id,
            SubscribeTemplate.purpose == purpose,
        )
    )
    if taken is not None:
        raise SubscribeTemplatePurposeTaken()
    template = SubscribeTemplate(
        community_id=actor.community_id,
        purpose=purpose,
        template_id=template_id,
        title=title,
        fields=dict(fields),
        mapping=dict(mapping),
        page=page,
        long_term=long_term,
        is_active=True,
    )
    db.session.add(template)
    db.session.flush()
    record_audit(
        actor,
        "subscribe_template.create",
        "subscribe_template",
        template.id,
        detail={"purpose": purpose.value, "template_id": template_id},
    )
    return template


def update_template(actor: Actor, template_pk: int, **changes: Any) -> SubscribeTemplate:
    """Change a template's id, title, fields, mapping, page, long-term flag or activity. Audited.

    Raises SubscribeTemplateNotFound and TemplateSpecInvalid (fields and mapping are checked
    together, as they will be after the change).
    """
    template = get_template_by_id(actor, template_pk)
    changes = {key: value for key, value in changes.items() if key in _EDITABLE}
    check_spec(changes.get("fields", template.fields), changes.get("mapping", template.mapping))
    changed = {key: value for key, value in changes.items() if getattr(template, key) != value}
    for key, value in changed.items():
        setattr(template, key, dict(value) if isinstance(value, dict) else value)
    if changed:
        db.session.flush()
        action = (
            "subscribe_template.deactivate"
            if changed.get("is_active") is False
            else "subscribe_template.update"
        )
        record_audit(
            actor, action, "subscribe_template", template.id, detail={"changed": sorted(changed)}
        )
    return template


def deactivate_template(actor: Actor, template_pk: int) -> SubscribeTemplate:
    """Stop using a template: new batches for its purpose are not sent. Audited."""
    return update_template(actor, template_pk, is_active=False)
