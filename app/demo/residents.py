"""Who lives where in the demo: about 4,100 occupied flats and 8,000 people on their leases."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo.people import NameMaker, PhoneMaker, Sex
from app.demo.places import FlatAddress, residential_flats

DEMO_SEED = 20240501
OCCUPIED_FLATS = 4100
# The demo resident (o_demo_resident) binds this phone, so it is the tenant of a known flat.
DEMO_RESIDENT_FLAT = "1-1-0101"
DEMO_RESIDENT_NAME = "王建国"
DEMO_RESIDENT_PHONE = "13800138000"

TENANT = "承租人"
CO_RESIDENT = "同住人"
# (people in the flat, weight): many single young workers, some couples and young families.
HOUSEHOLD_SIZES = ((1, 42), (2, 30), (3, 19), (4, 9))
LEASE_YEARS = 3
FIRST_LEASE_START = date(2019, 1, 1)
LAST_LEASE_START = date(2025, 12, 31)
CHILD_WITHOUT_PHONE = 0.6  # share of families whose youngest child has no phone of their own


@dataclass(frozen=True)
class RosterRow:
    """One line of the roster file: an occupant of a flat under its lease."""

    address: FlatAddress
    lease_number: str
    lease_start: date
    lease_end: date
    name: str
    phone: str | None
    relation: str  # 承租人 | 同住人


@dataclass(frozen=True)
class _Person:
    name: str
    phone: str | None
    relation: str


def generate_roster(seed: int = DEMO_SEED) -> list[RosterRow]:
    """The roster of the demo community; the same seed always gives the same rows."""
    rng = random.Random(f"{seed}/roster")
    names = NameMaker(rng)
    phones = PhoneMaker(rng, reserved=(DEMO_RESIDENT_PHONE,))
    rows: list[RosterRow] = []
    for serial, address in enumerate(_occupied_flats(rng), 1):
        start = FIRST_LEASE_START + timedelta(
            days=rng.randrange((LAST_LEASE_START - FIRST_LEASE_START).days + 1)
        )
        lease = (f"BJGZF-{start.year}-{serial:06d}", start, _lease_end(start))
        demo = address.flat == DEMO_RESIDENT_FLAT
        people = _household(rng, names, phones, demo_tenant=demo)
        rows.extend(RosterRow(address, *lease, p.name, p.phone, p.relation) for p in people)
    return rows


def _occupied_flats(rng: random.Random) -> list[FlatAddress]:
    """A fixed share of the flats, always including the demo resident's, in address order."""
    flats = list(residential_flats())
    demo = next(i for i, address in enumerate(flats) if address.flat == DEMO_RESIDENT_FLAT)
    others = [i for i in range(len(flats)) if i != demo]
    chosen = sorted([demo, *rng.sample(others, OCCUPIED_FLATS - 1)])
    return [flats[i] for i in chosen]


def _lease_end(start: date) -> date:
    """The day before the lease's third anniversary (29 February rolls to 1 March)."""
    try:
        anniversary = start.replace(year=start.year + LEASE_YEARS)
    except ValueError:
        anniversary = date(start.year + LEASE_YEARS, 3, 1)
    return anniversary - timedelta(days=1)


def _household(
    rng: random.Random, names: NameMaker, phones: PhoneMaker, demo_tenant: bool = False
) -> list[_Person]:
    """The tenant first, then a partner, then children who carry the father's surname."""
    sizes, weights = zip(*HOUSEHOLD_SIZES, strict=True)
    size = rng.choices(sizes, weights=weights)[0]
    if demo_tenant:
        tenant_sex = Sex.MALE
        people = [_Person(DEMO_RESIDENT_NAME, DEMO_RESIDENT_PHONE, TENANT)]
    else:
        tenant_sex = names.sex()
        people = [_Person(names.adult(tenant_sex), phones.new(), TENANT)]
    if size >= 2:
        partner_sex = Sex.FEMALE if tenant_sex is Sex.MALE else Sex.MALE
        partner = names.adult(partner_sex, avoid=[people[0].name])
        people.append(_Person(partner, phones.new(), CO_RESIDENT))
    if size >= 3:
        father = people[0] if tenant_sex is Sex.MALE else people[1]
        youngest_has_no_phone = rng.random() < CHILD_WITHOUT_PHONE
        for index in range(size - 2):
            child = names.child(father.name[0], avoid=[p.name for p in people])
            no_phone = youngest_has_no_phone and index == size - 3
            people.append(_Person(child, None if no_phone else phones.new(), CO_RESIDENT))
    return people
