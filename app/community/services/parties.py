"""Rules for partner organisations, their staff, and shops."""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.models import Role
from app.accounts.services import roles as role_services
from app.community.models import Building, Organisation, OrganisationKind, OrganisationStaff, Shop
from app.community.services.places import NotAMember
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Conflict, NotFound
from app.core.pagination import paginate
from app.extensions import db


class OrganisationNotFound(NotFound):
    reason = "organisation_not_found"
    message = "找不到该单位"


class OrganisationNameTaken(Conflict):
    reason = "organisation_name_taken"
    message = "单位名称已被使用"


class ShopUnitTaken(Conflict):
    reason = "shop_unit_taken"
    message = "该商铺位置已登记"


def list_organisations(actor: Actor, kind: OrganisationKind | None = None) -> list[Organisation]:
    stmt = select(Organisation).where(Organisation.community_id == actor.community_id)
    if kind is not None:
        stmt = stmt.where(Organisation.kind == kind)
    return list(db.session.scalars(stmt.order_by(Organisation.id)))


def get_organisation(actor: Actor, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.community_id != actor.community_id:
        raise OrganisationNotFound()
    return organisation


def _ensure_name_free(actor: Actor, name: str, except_id: int | None = None) -> None:
    stmt = select(Organisation.id).where(
        Organisation.community_id == actor.community_id, Organisation.name == name
    )
    if except_id is not None:
        stmt = stmt.where(Organisation.id != except_id)
    if db.session.scalar(stmt) is not None:
        raise OrganisationNameTaken()


def create_organisation(
    actor: Actor, kind: OrganisationKind, name: str, service_phone: str | None = None
) -> Organisation:
    _ensure_name_free(actor, name)
    organisation = Organisation(
        community_id=actor.community_id, kind=kind, name=name, service_phone=service_phone
    )
    db.session.add(organisation)
    db.session.flush()
    record_audit(
        actor, "organisation.create", "organisation", organisation.id, detail={"name": name}
    )
    return organisation


def update_organisation(actor: Actor, organisation_id: int, changes: dict) -> Organisation:
    """Change name, kind, service phone or active flag; only what is given."""
    organisation = get_organisation(actor, organisation_id)
    if "name" in changes:
        _ensure_name_free(actor, changes["name"], except_id=organisation.id)
    for field, value in changes.items():
        setattr(organisation, field, value)
    db.session.flush()
    record_audit(
        actor,
        "organisation.update",
        "organisation",
        organisation.id,
        detail={k: str(v) for k, v in changes.items()},
    )
    return organisation


def list_organisation_staff(actor: Actor, organisation_id: int) -> list[OrganisationStaff]:
    organisation = get_organisation(actor, organisation_id)
    return list(
        db.session.scalars(
            select(OrganisationStaff)
            .where(OrganisationStaff.organisation_id == organisation.id)
            .order_by(OrganisationStaff.id)
        )
    )


def add_organisation_staff(
    actor: Actor, organisation_id: int, user_id: int, title: str = ""
) -> OrganisationStaff:
    """Make a community member staff of an organisation (idempotent); grants org_staff."""
    organisation = get_organisation(actor, organisation_id)
    if role_services.find_membership(user_id, actor.community_id) is None:
        raise NotAMember()
    staff = db.session.scalar(
        select(OrganisationStaff).where(
            OrganisationStaff.organisation_id == organisation.id,
            OrganisationStaff.user_id == user_id,
        )
    )
    if staff is None:
        staff = OrganisationStaff(
            community_id=actor.community_id,
            organisation_id=organisation.id,
            user_id=user_id,
            title=title,
        )
        db.session.add(staff)
        db.session.flush()
        record_audit(
            actor,
            "organisation.add_staff",
            "organisation",
            organisation.id,
            detail={"user_id": user_id, "title": title},
        )
    role_services.grant_role(actor, user_id, actor.community_id, Role.ORG_STAFF)
    return staff


def remove_organisation_staff(actor: Actor, organisation_id: int, user_id: int) -> None:
    """Take someone off an organisation's staff; org_staff goes with their last organisation."""
    organisation = get_organisation(actor, organisation_id)
    staff = db.session.scalar(
        select(OrganisationStaff).where(
            OrganisationStaff.organisation_id == organisation.id,
            OrganisationStaff.user_id == user_id,
        )
    )
    if staff is None:
        return
    db.session.delete(staff)
    db.session.flush()
    record_audit(
        actor,
        "organisation.remove_staff",
        "organisation",
        organisation.id,
        detail={"user_id": user_id},
    )
    remaining = db.session.scalar(
        select(func.count())
        .select_from(OrganisationStaff)
        .where(
            OrganisationStaff.community_id == actor.community_id,
            OrganisationStaff.user_id == user_id,
        )
    )
    if not remaining:
        role_services.revoke_role(actor, user_id, actor.community_id, Role.ORG_STAFF)


def list_shops(actor: Actor, page: int, page_size: int, category: str | None = None) -> dict:
    stmt = select(Shop).where(Shop.community_id == actor.community_id)
    if category:
        stmt = stmt.where(Shop.category == category)
    return paginate(stmt.order_by(Shop.id), page, page_size)


def create_shop(
    actor: Actor, unit_label: str, name: str, category: str, building_id: int | None = None
) -> Shop:
    if building_id is not None:
        building = db.session.get(Building, building_id)
        if building is None or building.community_id != actor.community_id:
            raise NotFound(reason="building_not_found", message="找不到该楼栋")
    taken = db.session.scalar(
        select(Shop.id).where(
            Shop.community_id == actor.community_id, Shop.unit_label == unit_label
        )
    )
    if taken is not None:
        raise ShopUnitTaken()
    shop = Shop(
        community_id=actor.community_id,
        unit_label=unit_label,
        name=name,
        category=category,
        building_id=building_id,
    )
    db.session.add(shop)
    db.session.flush()
    record_audit(actor, "shop.create", "shop", shop.id, detail={"name": name})
    return shop
