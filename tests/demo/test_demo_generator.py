"""The demo community generator: its shape, its roster file, determinism and idempotency.

Seeding takes seconds, so it happens once for this module, inside a transaction of the module's
own that is rolled back at the end (the same arrangement as the per-test ``db`` fixture).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from app.accounts.models import BindingMethod, Membership, Role, User, WeChatIdentity
from app.accounts.services.binding import bind_household, list_my_households
from app.accounts.services.roles import roles_of
from app.activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    AudienceKind,
    SignupStatus,
)
from app.activities.services import sign_up
from app.community.models import (
    Building,
    Community,
    Grid,
    GridWorker,
    Household,
    HouseholdStatus,
    Occupant,
    OccupantRelation,
    Organisation,
    OrganisationKind,
    OrganisationStaff,
    Shop,
)
from app.community.personal_data import phone_hash
from app.core.audit import AuditEntry
from app.core.auth import Actor
from app.core.clock import to_shanghai, utcnow
from app.demo import DEMO_BRAND, demo_roster_bytes, seed_demo
from app.demo.activities import (
    BASKETBALL,
    FESTIVAL,
    VOLUNTEER_SERVICE,
    VOLUNTEER_TEAMS,
    create_demo_activities,
)
from app.demo.places import GRID_NAMES, RESIDENTIAL_LAYOUT, grid_index_of, residential_flats
from app.demo.residents import generate_roster
from app.demo.roster_file import FIXED_TIMESTAMP, ROSTER_HEADER
from app.merchants.models import ShopMember
from app.merchants.services import my_shops
from app.roster.models import RosterImport, RosterImportStatus
from app.volunteers.models import VolunteerTeam
from tests.conftest import rolled_back_session

MOBILE = re.compile(r"^1(3\d|5[0-35-9]|7[0135-8]|8\d|9[135-9])\d{8}$")
LEASE_NUMBER = re.compile(r"^BJGZF-(\d{4})-\d{6}$")
OCCUPANTS_RANGE = range(7_800, 8_301)


@pytest.fixture(scope="module")
def roster_rows():
    return generate_roster()


@pytest.fixture(scope="module")
def roster_bytes():
    return demo_roster_bytes()


@pytest.fixture(scope="module")
def seeded(app):
    """The demo seeded once into a transaction that is rolled back after this module."""
    with rolled_back_session(app) as database:
        yield {"db": database, "summary": seed_demo()}


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _community(db) -> Community:
    return db.session.scalar(select(Community).where(Community.slug == "beijiao"))


def _roles_of(db, openid: str) -> set[str]:
    user_id = db.session.scalar(
        select(WeChatIdentity.user_id).where(WeChatIdentity.openid == openid)
    )
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user_id))
    return set(membership.role_names)


# --- places -------------------------------------------------------------------------------


def test_layout_has_exactly_4646_flats_at_distinct_addresses():
    flats = [address.flat for address in residential_flats()]

    assert len(flats) == 4646
    assert len(set(flats)) == 4646
    assert flats[0] == "1-1-0101"
    assert all(2 <= units <= 4 for units, _, _ in RESIDENTIAL_LAYOUT)


def test_every_grid_looks_after_three_or_four_buildings():
    per_grid = Counter(grid_index_of(n) for n in range(1, len(RESIDENTIAL_LAYOUT) + 1))

    assert sorted(per_grid) == list(range(len(GRID_NAMES)))
    assert set(per_grid.values()) <= {3, 4}


# --- the roster file ----------------------------------------------------------------------


def test_the_roster_file_is_the_same_bytes_every_time(roster_bytes):
    again = demo_roster_bytes()

    assert again == roster_bytes
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(roster_bytes).hexdigest()


def test_the_roster_file_carries_no_time_of_writing(roster_bytes):
    archive = zipfile.ZipFile(io.BytesIO(roster_bytes))
    core = archive.read("docProps/core.xml").decode()

    assert {entry.date_time for entry in archive.infolist()} == {FIXED_TIMESTAMP.timetuple()[:6]}
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "<dcterms:created" in core and core.count(stamp) == 2


def test_the_roster_file_reads_back_in_the_import_format(roster_bytes, roster_rows):
    sheet = openpyxl.load_workbook(io.BytesIO(roster_bytes), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0] == ROSTER_HEADER
    assert len(rows) == len(roster_rows) + 1
    building, unit, room, lease, start, end, name, phone, relation = rows[1]
    assert (building, unit, room, lease) == ("1", "1", "0101", roster_rows[0].lease_number)
    assert isinstance(start, datetime) and isinstance(end, datetime)
    assert (name, phone, relation) == ("王建国", "13800138000", "承租人")
    assert any(row[7] is None and row[8] == "同住人" for row in rows[1:])


def test_the_demo_residents_phone_is_the_tenant_of_flat_1_1_0101(roster_rows):
    tenants = [r for r in roster_rows if r.relation == "承租人" and r.phone == "13800138000"]

    assert [r.address.flat for r in tenants] == ["1-1-0101"]


def test_about_4100_flats_are_let_each_with_exactly_one_tenant(roster_rows):
    tenants = Counter(r.address.flat for r in roster_rows if r.relation == "承租人")
    flats = {r.address.flat for r in roster_rows}

    assert len(flats) == 4100
    assert set(tenants) == flats
    assert set(tenants.values()) == {1}
    assert {r.relation for r in roster_rows} == {"承租人", "同住人"}


def test_about_8000_people_live_in_households_of_one_to_four(roster_rows):
    sizes = Counter(Counter(r.address.flat for r in roster_rows).values())

    assert len(roster_rows) in OCCUPANTS_RANGE
    assert set(sizes) == {1, 2, 3, 4}


def test_every_phone_is_a_wellformed_mobile_used_once(roster_rows):
    phones = [r.phone for r in roster_rows if r.phone is not None]

    assert len(phones) == len(set(phones))
    assert all(MOBILE.match(phone) for phone in phones)
    assert all(r.phone for r in roster_rows if r.relation == "承租人")
    assert 0 < len(roster_rows) - len(phones) < len(roster_rows) // 10


def test_names_are_two_or_three_characters_and_unique_within_a_flat(roster_rows):
    names_by_flat = defaultdict(list)
    for row in roster_rows:
        names_by_flat[row.address.flat].append(row.name)

    assert all(2 <= len(r.name) <= 3 for r in roster_rows)
    assert all(len(names) == len(set(names)) for names in names_by_flat.values())
    assert len({r.name for r in roster_rows}) > 3000


def test_leases_start_2019_to_2025_run_three_years_and_agree_within_a_flat(roster_rows):
    leases = {(r.address.flat, r.lease_number, r.lease_start, r.lease_end) for r in roster_rows}

    assert len(leases) == 4100
    assert len({lease for _, lease, _, _ in leases}) == 4100
    for _, number, start, end in leases:
        assert LEASE_NUMBER.match(number).group(1) == str(start.year)
        assert date(2019, 1, 1) <= start <= date(2025, 12, 31)
        assert end > start and 1094 <= (end - start).days <= 1096


def test_another_seed_gives_another_roster(roster_rows):
    assert generate_roster(seed=1)[:20] != roster_rows[:20]


# --- seeding the database -----------------------------------------------------------------


def test_seeding_fills_4646_flats_of_which_the_roster_import_lets_4100(seeded, roster_rows):
    db, community = seeded["db"], _community(seeded["db"])
    in_community = Household.community_id == community.id
    occupied = Household.status == HouseholdStatus.OCCUPIED

    assert community.name == "北焦社区" and community.brand == DEMO_BRAND
    assert _count(db, Household, in_community) == 4646
    assert _count(db, Household, in_community, occupied) == 4100
    assert _count(db, Occupant, Occupant.community_id == community.id) == len(roster_rows)
    roster_import = db.session.scalar(
        select(RosterImport).where(RosterImport.community_id == community.id)
    )
    assert roster_import.status == RosterImportStatus.DONE
    assert roster_import.file_sha256 == hashlib.sha256(demo_roster_bytes()).hexdigest()
    assert "4646 households (4100 occupied)" in seeded["summary"]


def test_every_residential_building_is_in_one_of_the_eight_grids(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    buildings = db.session.scalars(
        select(Building).where(Building.community_id == community.id)
    ).all()
    grids = db.session.scalars(select(Grid).where(Grid.community_id == community.id)).all()
    residential = [b for b in buildings if not b.code.startswith("S")]

    assert [g.name for g in grids] == list(GRID_NAMES)
    assert len(residential) == 30
    assert all(b.grid_id is not None for b in residential)
    assert {b.grid_id for b in residential} == {g.id for g in grids}
    assert sorted(b.name for b in buildings if b.code.startswith("S")) == [
        "商业楼A",
        "商业楼B",
        "商业楼C",
    ]


def test_every_kind_of_partner_organisation_is_there_with_a_service_number(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.community_id == community.id)
    ).all()

    assert {o.kind for o in organisations} == set(OrganisationKind) - {OrganisationKind.OTHER}
    assert all(re.match(r"^010-8\d{7}$", o.service_phone) for o in organisations)
    assert "北焦社区党总支" in {o.name for o in organisations}


def test_a_hundred_shops_of_many_trades_sit_in_the_commercial_buildings(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    shops = db.session.scalars(select(Shop).where(Shop.community_id == community.id)).all()
    commercial = set(
        db.session.scalars(
            select(Building.id).where(
                Building.community_id == community.id, Building.code.startswith("S")
            )
        )
    )

    assert len(shops) == 100
    assert {s.building_id for s in shops} == commercial
    assert len({s.name for s in shops}) == 100
    assert {"餐饮", "便利店", "理发", "药店", "教育培训", "快递驿站"} <= {s.category for s in shops}
    assert all(re.match(r"^商业楼[ABC]-[12]\d{2}$", s.unit_label) for s in shops)


def test_demo_staff_can_log_in_by_fixed_openids_with_their_roles(seeded):
    db = seeded["db"]

    assert _roles_of(db, "o_demo_admin") == {Role.ADMIN.value}
    assert _roles_of(db, "o_demo_property") == {Role.ORG_STAFF.value}
    assert _roles_of(db, "o_demo_merchant") == {Role.MERCHANT.value}
    for number in range(1, 9):
        assert _roles_of(db, f"o_demo_grid_{number}") == {Role.GRID_WORKER.value}
    assert _roles_of(db, "o_demo_resident") == set()


def test_each_grid_has_its_own_grid_worker_and_the_property_company_its_staff(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    assignments = db.session.execute(
        select(Grid.name, User.nickname)
        .join(GridWorker, GridWorker.grid_id == Grid.id)
        .join(User, User.id == GridWorker.user_id)
        .where(Grid.community_id == community.id)
    ).all()
    staff = db.session.execute(
        select(Organisation.kind, OrganisationStaff.title).join(
            OrganisationStaff, OrganisationStaff.organisation_id == Organisation.id
        )
    ).all()

    assert sorted(grid for grid, _ in assignments) == sorted(GRID_NAMES)
    assert all(nickname.startswith(grid) for grid, nickname in assignments)
    assert staff == [(OrganisationKind.PROPERTY_COMPANY, "客服主管")]


def test_the_demo_residents_phone_finds_the_tenant_of_1_1_0101(seeded):
    db = seeded["db"]
    tenant = db.session.scalar(
        select(Occupant).where(Occupant.phone_hash == phone_hash("13800138000"))
    )

    assert db.session.get(Household, tenant.household_id).flat == "1-1-0101"
    assert tenant.relation == OccupantRelation.PRIMARY_TENANT


def test_seeding_again_changes_nothing(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    models = (Household, Occupant, Shop, Activity, VolunteerTeam, ShopMember, AuditEntry)
    before = [_count(db, m, m.community_id == community.id) for m in models]

    assert seed_demo() == "demo community beijiao already present"
    after = [_count(db, m, m.community_id == community.id) for m in models]
    assert after == before
    assert _count(db, RosterImport, RosterImport.community_id == community.id) == 1


def test_the_demo_has_a_subscribe_template_for_every_purpose(seeded):
    from app.subscriptions.models import SubscribeTemplate, TemplatePurpose

    db = seeded["db"]
    community = db.session.scalar(select(Community).where(Community.slug == "beijiao"))
    purposes = db.session.scalars(
        select(SubscribeTemplate.purpose).where(SubscribeTemplate.community_id == community.id)
    ).all()
    assert sorted(purposes) == sorted(TemplatePurpose)


# --- volunteer teams and activities ------------------------------------------------------


def _activities(db, community) -> dict[str, Activity]:
    rows = db.session.scalars(select(Activity).where(Activity.community_id == community.id))
    return {a.title: a for a in rows}


def _actor_of(db, community, openid: str) -> Actor:
    user_id = db.session.scalar(
        select(WeChatIdentity.user_id).where(WeChatIdentity.openid == openid)
    )
    return Actor(user_id, community.id, roles_of(user_id, community.id), "test")


@contextmanager
def _undone(db):
    """A block whose writes are rolled back, so the module's seeded demo stays as it was."""
    savepoint = db.session.begin_nested()
    try:
        yield
    finally:
        savepoint.rollback()


def test_the_corps_has_its_five_colour_coded_teams(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    teams = db.session.scalars(
        select(VolunteerTeam)
        .where(VolunteerTeam.community_id == community.id)
        .order_by(VolunteerTeam.id)
    ).all()

    assert [(t.name, t.colour) for t in teams] == list(VOLUNTEER_TEAMS)


def test_the_neighbourhood_festival_is_open_for_households_of_three_now(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    festival = _activities(db, community)[FESTIVAL]
    now = utcnow()

    assert festival.kind == ActivityKind.COMMUNITY_EVENT
    assert festival.status == ActivityStatus.PUBLISHED
    assert festival.audience_kind == AudienceKind.EVERYONE
    assert festival.signup_opens_at <= now < festival.signup_closes_at
    assert timedelta(days=3) < festival.starts_at - now < timedelta(days=5)
    assert festival.seats_per_household == 3
    (question,) = festival.questions
    assert question["required"] is True and question["kind"] == "choice"
    assert festival.organiser_user_id == _actor_of(db, community, "o_demo_admin").user_id
    assert "demo accounts, 3 activities" in seeded["summary"]


def test_the_red_team_runs_a_volunteer_service_organised_by_a_grid_worker(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    service = _activities(db, community)[VOLUNTEER_SERVICE]
    red = db.session.scalar(
        select(VolunteerTeam).where(
            VolunteerTeam.community_id == community.id, VolunteerTeam.name == "红队"
        )
    )

    assert service.kind == ActivityKind.VOLUNTEER_SERVICE
    assert service.team_id == red.id
    assert service.organiser_name == "北焦益家·红队"
    assert service.organiser_user_id == _actor_of(db, community, "o_demo_grid_1").user_id
    assert service.signup_opens_at <= utcnow() < service.signup_closes_at


def test_the_demo_resident_can_sign_their_household_up_for_the_festival(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    festival = _activities(db, community)[FESTIVAL]
    resident = _actor_of(db, community, "o_demo_resident")
    tenant = db.session.scalar(
        select(Occupant).where(Occupant.phone_hash == phone_hash("13800138000"))
    )

    with _undone(db):
        bind_household(
            community.id,
            tenant.household_id,
            resident.user_id,
            tenant.id,
            BindingMethod.PHONE_MATCH,
        )
        (binding,) = list_my_households(resident).bindings
        companions = [c.id for c in binding.companions][:2]
        assert len(companions) == 2  # the demo flat 1-1-0101 has flatmates to bring
        signup, created = sign_up(
            resident,
            festival.id,
            household_id=binding.household.id,
            companion_ids=companions,
            answers={"program": "便民义诊"},
        )

        assert created and signup.status == SignupStatus.CONFIRMED
        assert signup.seats == 1 + len(companions)


def test_the_demo_merchant_can_enter_their_shop_for_the_basketball_match(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    match = _activities(db, community)[BASKETBALL]
    merchant = _actor_of(db, community, "o_demo_merchant")
    (shop,) = my_shops(merchant)

    assert match.kind == ActivityKind.YOUTH_LOUNGE and match.shop_teams
    assert match.audience_kind == AudienceKind.MERCHANTS
    assert shop.unit_label == "商业楼A-101"
    with _undone(db):
        signup, _ = sign_up(
            merchant, match.id, shop_id=shop.id, team_size=6, answers={"team_name": "面馆队"}
        )

        assert signup.status == SignupStatus.CONFIRMED and signup.seats == 6


def test_activities_are_dated_from_the_day_of_seeding(seeded):
    db, community = seeded["db"], _community(seeded["db"])
    later = datetime(2031, 3, 10, 2, 30)  # 10:30 in Shanghai

    with _undone(db):
        assert create_demo_activities(community.id, now=later) == 3  # the others have ended
        fresh = db.session.scalars(
            select(Activity).where(
                Activity.community_id == community.id, Activity.starts_at > later
            )
        ).all()
        starts = {a.title: to_shanghai(a.starts_at) for a in fresh}
        assert len(starts) == len(fresh) == 3

        assert starts[FESTIVAL].replace(tzinfo=None) == datetime(2031, 3, 14, 9, 0)
        assert starts[VOLUNTEER_SERVICE].replace(tzinfo=None) == datetime(2031, 3, 12, 15, 0)
        assert starts[BASKETBALL].replace(tzinfo=None) == datetime(2031, 3, 16, 19, 0)
        assert create_demo_activities(community.id, now=later) == 0
