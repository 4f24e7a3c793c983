"""Report categories: the defaults every community starts with, and staff editing them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from app.community.models import Organisation, OrganisationKind
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.reports.models import Report, ReportCategory, listed_clause
from app.reports.services.totals import lists_changed

K = OrganisationKind


@dataclass(frozen=True)
class DefaultCategory:
    code: str
    name: str
    kinds: tuple[OrganisationKind, ...]  # who fixes it, first present kind wins
    response_hours: int
    resolution_hours: int
    is_public: bool


# Facilities are public (neighbours see them and join in); households and disputes private.
DEFAULT_CATEGORIES = (
    DefaultCategory("street_light", "路灯", (K.PROPERTY_COMPANY,), 24, 72, True),
    DefaultCategory("footpath", "道路步道", (K.PROPERTY_COMPANY,), 24, 168, True),
    DefaultCategory("bike_shed", "车棚", (K.PROPERTY_COMPANY,), 24, 120, True),
    DefaultCategory("ev_charger", "充电桩", (K.PROPERTY_COMPANY,), 24, 72, True),
    DefaultCategory("sanitation", "环境卫生", (K.PROPERTY_COMPANY,), 12, 48, True),
    DefaultCategory("noise", "噪音扰民", (K.PROPERTY_COMPANY,), 12, 48, False),
    DefaultCategory(
        "safety_hazard", "安全隐患", (K.POLICE_STATION, K.PROPERTY_COMPANY), 4, 48, True
    ),
    DefaultCategory("water_electricity", "水电", (K.PROPERTY_COMPANY,), 4, 48, False),
    DefaultCategory("lift", "电梯", (K.MAINTENANCE_CONTRACTOR, K.PROPERTY_COMPANY), 2, 24, True),
    DefaultCategory("greenery", "绿化", (K.PROPERTY_COMPANY,), 24, 168, True),
    DefaultCategory(
        "neighbour_dispute",
        "邻里纠纷",
        (K.PARTY_BRANCH, K.RESIDENT_REPRESENTATIVES),
        24,
        168,
        False,
    ),
    DefaultCategory("other", "其他", (), 24, 168, False),
)


class ReportCategoryNotFound(NotFound):
    reason = "report_category_not_found"
    message = "找不到该报事类别"


class ReportCategoryCodeTaken(Conflict):
    reason = "report_category_code_taken"
    message = "类别代码已存在"


class ReportOrganisationInvalid(Invalid):
    reason = "report_organisation_invalid"
    message = "负责单位不存在或已停用"


def seed_default_categories(
    community_id: int, organisations_by_kind: Mapping[OrganisationKind, int]
) -> list[ReportCategory]:
    """Give a community the default categories it lacks, each routed to the organisation of
    the first of its kinds present in ``organisations_by_kind`` (none: community staff
    triage). Running it again adds nothing. Returns the categories added."""
    existing = set(
        db.session.scalars(
            select(ReportCategory.code).where(ReportCategory.community_id == community_id)
        )
    )
    added = []
    for order, default in enumerate(DEFAULT_CATEGORIES):
        if default.code in existing:
            continue
        owners = [organisations_by_kind[k] for k in default.kinds if k in organisations_by_kind]
        added.append(
            ReportCategory(
                community_id=community_id,
                code=default.code,
                name=default.name,
                organisation_id=owners[0] if owners else None,
                response_hours=default.response_hours,
                resolution_hours=default.resolution_hours,
                is_public=default.is_public,
                sort_order=order * 10,
            )
        )
    db.session.add_all(added)
    db.session.flush()
    return added


def list_categories(actor: Actor, *, include_inactive: bool = False) -> list[ReportCategory]:
    stmt = select(ReportCategory).where(ReportCategory.community_id == actor.community_id)
    if not include_inactive:
        stmt = stmt.where(ReportCategory.is_active.is_(True))
    return list(db.session.scalars(stmt.order_by(ReportCategory.sort_order, ReportCategory.id)))


def get_category(actor: Actor, category_id: int) -> ReportCategory:
    category = db.session.get(ReportCategory, category_id)
    if category is None or category.community_id != actor.community_id:
        raise ReportCategoryNotFound()
    return category


def _check_organisation(actor: Actor, organisation_id: int | None) -> None:
    if organisation_id is None:
        return
    organisation = db.session.get(Organisation, organisation_id)
    if (
        organisation is None
        or organisation.community_id != actor.community_id
        or not organisation.is_active
    ):
        raise ReportOrganisationInvalid()


def create_category(actor: Actor, **fields: Any) -> ReportCategory:
    """A new category (admins). Raises ReportCategoryCodeTaken, ReportOrganisationInvalid."""
    _check_organisation(actor, fields.get("organisation_id"))
    taken = db.session.scalar(
        select(ReportCategory.id).where(
            ReportCategory.community_id == actor.community_id,
            ReportCategory.code == fields["code"],
        )
    )
    if taken is not None:
        raise ReportCategoryCodeTaken()
    category = ReportCategory(community_id=actor.community_id, **fields)
    db.session.add(category)
    db.session.flush()
    record_audit(actor, "report_category.create", "report_category", category.id, detail=fields)
    return category


def update_category(actor: Actor, category_id: int, changes: dict[str, Any]) -> ReportCategory:
    """Change a category (admins). Making it public or private applies to its reports too;
    deadlines apply to reports filed from now on. Audited."""
    category = get_category(actor, category_id)
    if "organisation_id" in changes:
        _check_organisation(actor, changes["organisation_id"])
    for key, value in changes.items():
        setattr(category, key, value)
    if "is_public" in changes:
        db.session.execute(
            update(Report)
            .where(Report.community_id == actor.community_id, Report.category_id == category.id)
            .values(is_public=category.is_public, listed=listed_clause(category.is_public))
            .execution_options(synchronize_session=False)
        )
    lists_changed(actor.community_id)  # the lists show its name, and whose reports are listed
    db.session.flush()
    record_audit(
        actor,
        "report_category.update",
        "report_category",
        category.id,
        detail=dict(changes),
    )
    return category
