"""The demo community the README's run command starts with, shaped like the paper's 北焦社区.

Everything is generated from a fixed seed, so every run builds the same community: 30
residential buildings with 4,646 flats in 8 grids, about 4,100 of them let to about 8,000
people (entered through the roster import, as a real roster would be), the parties of joint
governance (the default report categories routed to them), 100 shops, staff accounts with
fixed openids for the WeChat emulator, the five volunteer teams and a few activities dated from
the day of seeding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.community.models import (
    Building,
    Household,
    HouseholdStatus,
    Occupant,
    Organisation,
    OrganisationKind,
)
from app.community.services import create_community, find_community_by_slug
from app.demo.activities import create_demo_activities
from app.demo.parties import create_organisations, create_staff_accounts
from app.demo.places import create_places
from app.demo.residents import DEMO_SEED
from app.demo.roster_file import ROSTER_FILENAME, demo_roster_bytes
from app.demo.shops import create_shops
from app.demo.templates import create_demo_templates
from app.extensions import db
from app.reports.services import seed_default_categories, seed_default_replies
from app.roster.models import RosterImportStatus
from app.roster.services import import_roster_file

__all__ = ["DEMO_BRAND", "DEMO_SLUG", "demo_roster_bytes", "seed_demo"]

DEMO_SLUG = "beijiao"
DEMO_BRAND = {
    "deliberation_hall": "焦我办",
    "volunteer_backbone": "焦佼者",
    "volunteer_corps": "北焦益家",
    "culture_community": "焦朋友",
    "youth_lounge": "青年会客厅",
    "mascot": "小焦",
}


class DemoRosterRefused(RuntimeError):
    """The generated roster did not import: a bug in the generator or the importer."""


def seed_demo(seed: int = DEMO_SEED, now: datetime | None = None) -> str:
    """Create the demo community and everything in it, in the caller's transaction.

    Running it again changes nothing (a community that exists without buildings, as an earlier
    version left it, is filled in), except that demo activities which have ended are published
    again for the days after ``now``. Returns a one-line summary. Raises DemoRosterRefused.
    """
    community = find_community_by_slug(DEMO_SLUG)
    if community is not None and _has_buildings(community.id):
        # Added after the first demo databases were made.
        create_demo_templates(community.id)
        published = create_demo_activities(community.id, now)
        refreshed = f"; {published} demo activities published" if published else ""
        return f"demo community {DEMO_SLUG} already present{refreshed}"
    if community is None:
        community = create_community(DEMO_SLUG, "北焦社区", "北京市", "朝阳区", brand=DEMO_BRAND)
    places = create_places(community.id)
    _import_roster(community.id, seed)
    organisations = create_organisations(community.id)
    seed_report_setup(community.id, organisations)
    create_demo_templates(community.id)
    shops = create_shops(community.id, places.commercial, seed)
    accounts = create_staff_accounts(community, places.grids, organisations)
    published = create_demo_activities(community.id, now)
    occupied, occupants = _occupancy(community.id)
    return (
        f"demo community {DEMO_SLUG} created: "
        f"{len(places.residential) + len(places.commercial)} buildings, "
        f"{places.households} households ({occupied} occupied), {occupants} occupants, "
        f"{len(places.grids)} grids, {len(organisations)} organisations, {len(shops)} shops, "
        f"{accounts.count} demo accounts, {published} activities"
    )


def seed_report_setup(community_id: int, organisations: list[Organisation]) -> None:
    """The default report categories, each routed to the first organisation of its kind
    (maintenance contractor: the lift company, listed first), and the default replies."""
    by_kind: dict[OrganisationKind, int] = {}
    for organisation in organisations:
        by_kind.setdefault(organisation.kind, organisation.id)
    seed_default_categories(community_id, by_kind)
    seed_default_replies(community_id)


def _has_buildings(community_id: int) -> bool:
    return (
        db.session.scalar(select(Building.id).where(Building.community_id == community_id).limit(1))
        is not None
    )


def _import_roster(community_id: int, seed: int) -> None:
    roster_import = import_roster_file(community_id, ROSTER_FILENAME, demo_roster_bytes(seed))
    if roster_import.status != RosterImportStatus.DONE:
        raise DemoRosterRefused(f"demo roster {roster_import.status}: {roster_import.errors}")


def _occupancy(community_id: int) -> tuple[int, int]:
    occupied = db.session.scalar(
        select(func.count())
        .select_from(Household)
        .where(
            Household.community_id == community_id,
            Household.status == HouseholdStatus.OCCUPIED,
        )
    )
    occupants = db.session.scalar(
        select(func.count())
        .select_from(Occupant)
        .where(Occupant.community_id == community_id, Occupant.is_active.is_(True))
    )
    return occupied, occupants
