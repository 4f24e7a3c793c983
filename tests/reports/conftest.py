"""A small community for the report tests.

Grid A holds building 1, grid B building 2. The property company fixes facilities (street
lights …), the police station safety hazards, the lift company lifts; categories are the
defaults. People: a reporter and a neighbour (residents), the grid workers of A and B, staff of
the property company and of the police station, an admin; each has a nickname.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.community.models import GridWorker, OrganisationKind, OrganisationStaff
from app.reports.models import ReportCategory
from app.reports.services import seed_default_categories
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose
from tests.factories import BuildingFactory, GridFactory, OrganisationFactory
from tests.media.media_support import (  # noqa: F401 — fixtures
    clean_content_rules,
    control,
    dispatched_batches,
    media_root,
    queued_checks,
)

TEMPLATE_ID = "tmpl_report_update"
FIELDS = {"thing1": "thing", "phrase2": "phrase", "thing3": "thing", "time4": "time"}
MAPPING = {"thing1": "title", "phrase2": "status", "thing3": "note", "time4": "updated_at"}


@pytest.fixture(autouse=True)
def _contained(request):
    """No report test writes outside its tmp dir, reaches the broker or leaves emulator rules."""
    for name in ("media_root", "queued_checks", "dispatched_batches", "clean_content_rules"):
        request.getfixturevalue(name)


@pytest.fixture
def report_template(db, community, wechat) -> SubscribeTemplate:
    control(wechat, "templates", {"template_id": TEMPLATE_ID, "fields": FIELDS})
    template = SubscribeTemplate(
        community_id=community.id,
        purpose=TemplatePurpose.REPORT_UPDATE,
        template_id=TEMPLATE_ID,
        title="报事进度提醒",
        fields=FIELDS,
        mapping=MAPPING,
        page="pages/report/detail",
    )
    db.session.add(template)
    db.session.flush()
    return template


def _named(db, person, nickname: str):
    person.user_id = person.get("/api/v1/me").json["id"]
    db.session.get(User, person.user_id).nickname = nickname
    db.session.flush()
    person.nickname = nickname
    return person


@pytest.fixture
def town(db, community, wechat_user, make_staff, report_template):
    grid_a = GridFactory(community_id=community.id, name="A网格")
    grid_b = GridFactory(community_id=community.id, name="B网格")
    b1 = BuildingFactory(community_id=community.id, code="1", grid_id=grid_a.id)
    b2 = BuildingFactory(community_id=community.id, code="2", grid_id=grid_b.id)
    kinds = OrganisationKind
    property_company = OrganisationFactory(
        community_id=community.id, kind=kinds.PROPERTY_COMPANY, name="焦园物业"
    )
    police = OrganisationFactory(
        community_id=community.id, kind=kinds.POLICE_STATION, name="北焦警务室"
    )
    lifts = OrganisationFactory(
        community_id=community.id, kind=kinds.MAINTENANCE_CONTRACTOR, name="安达电梯"
    )
    seed_default_categories(
        community.id,
        {
            kinds.PROPERTY_COMPANY: property_company.id,
            kinds.POLICE_STATION: police.id,
            kinds.MAINTENANCE_CONTRACTOR: lifts.id,
        },
    )
    categories = {
        c.code: c
        for c in db.session.scalars(
            select(ReportCategory).where(ReportCategory.community_id == community.id)
        )
    }

    def resident(nickname):
        person = wechat_user()
        assert person.log_in().status_code == 200
        return _named(db, person, nickname)

    def grid_worker(grid, nickname):
        person = _named(db, make_staff("grid_worker"), nickname)
        db.session.add(
            GridWorker(community_id=community.id, grid_id=grid.id, user_id=person.user_id)
        )
        return person

    def staff_of(organisation, nickname):
        person = _named(db, make_staff("org_staff"), nickname)
        db.session.add(
            OrganisationStaff(
                community_id=community.id, organisation_id=organisation.id, user_id=person.user_id
            )
        )
        return person

    town = SimpleNamespace(
        community=community,
        grid_a=grid_a,
        grid_b=grid_b,
        b1=b1,
        b2=b2,
        property_company=property_company,
        police=police,
        lifts=lifts,
        categories=categories,
        reporter=resident("王阿姨"),
        neighbour=resident("李大爷"),
        grid_worker=grid_worker(grid_a, "张网格"),
        other_grid_worker=grid_worker(grid_b, "赵网格"),
        property_staff=staff_of(property_company, "物业小刘"),
        police_staff=staff_of(police, "民警老陈"),
        admin=_named(db, make_staff("admin"), "社区老周"),
    )
    db.session.flush()
    return town


def report_body(town, code: str = "street_light", **overrides) -> dict:
    body = {
        "category_id": town.categories[code].id,
        "text": "1号楼东侧路灯不亮，晚上很黑",
        "place": {"building_id": town.b1.id},
        "media_ids": [],
    }
    body.update(overrides)
    return body


def file_report(person, town, code: str = "street_light", key: str | None = None, **overrides):
    headers = {**person.headers, **({"Idempotency-Key": key} if key else {})}
    return person.client.post(
        "/api/v1/reports", json=report_body(town, code, **overrides), headers=headers
    )


def step(person, report_id: int, action: str, note: str | None = None, *, staff: bool = True):
    prefix = "/api/v1/admin/reports" if staff else "/api/v1/reports"
    return person.post(f"{prefix}/{report_id}/transitions", json={"action": action, "note": note})
