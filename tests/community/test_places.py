"""Residents read the community's buildings and units (the report form's picker), from Redis
until a building or unit changes."""

from __future__ import annotations

from app.roster.services import import_roster_file
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    HouseholdFactory,
    OccupantFactory,
    UnitFactory,
)
from tests.roster.sheets import household, xlsx_bytes
from tests.sql_log import sql_sent

URL = "/api/v1/community/places"


def place_queries(db):
    """The SELECTs that read the building or unit table while the block runs."""
    return sql_sent(db.engine)


def _building(community, code, name=None, units=()):
    building = BuildingFactory(community_id=community.id, code=code, name=name or f"{code}号楼")
    for unit in units:
        UnitFactory(community_id=community.id, building_id=building.id, code=unit)
    return building


def test_a_member_without_roles_reads_buildings_and_units_in_natural_order(resident, community):
    one = _building(community, "1", units=("2", "10", "1"))
    _building(community, "10")
    _building(community, "2", units=("1",))
    _building(community, "S1", "商业楼A")
    _building(CommunityFactory(slug="shuangjing"), "99")

    response = resident.get(URL)

    assert response.status_code == 200
    items = response.json["items"]
    assert [b["code"] for b in items] == ["1", "2", "10", "S1"]
    assert items[0]["id"] == one.id
    assert items[0]["name"] == "1号楼"
    assert [u["code"] for u in items[0]["units"]] == ["1", "2", "10"]
    assert items[3] == {"id": items[3]["id"], "code": "S1", "name": "商业楼A", "units": []}


def test_places_carry_no_households_or_people(resident, community):
    building = _building(community, "3")
    flat = HouseholdFactory(building=building, unit_code="2", room="1502")
    OccupantFactory(household=flat, name="张三丰", phone="13800001234")

    response = resident.get(URL)

    (item,) = response.json["items"]
    assert set(item) == {"id", "code", "name", "units"}
    assert item["units"] == [{"id": flat.unit_id, "code": "2"}]
    body = response.get_data(as_text=True)
    assert "1502" not in body and "张" not in body and "1234" not in body


def test_a_stranger_cannot_read_the_places(client, community):
    assert client.get(URL).status_code == 401


def test_the_list_is_read_in_two_queries_and_then_from_redis(resident, community, db):
    for code in ("1", "2", "3", "4"):
        _building(community, code, units=("1", "2", "3"))
    db.session.commit()  # as a writer's request would, before residents read

    with place_queries(db) as first:
        built = resident.get(URL).json
    with place_queries(db) as second:
        cached = resident.get(URL).json

    assert len(first.reading("building", "unit")) == 2
    assert second.reading("building", "unit") == []
    assert cached == built and len(cached["items"]) == 4


def test_a_building_staff_create_shows_on_the_next_read(resident, admin, community, db):
    _building(community, "1")
    db.session.commit()
    assert [b["code"] for b in resident.get(URL).json["items"]] == ["1"]

    created = admin.post("/api/v1/admin/buildings", json={"code": "2", "name": "2号楼"})

    assert created.status_code == 201
    assert [b["code"] for b in resident.get(URL).json["items"]] == ["1", "2"]


def test_units_a_roster_import_adds_show_on_the_next_read(resident, community, db):
    _building(community, "1", units=("1",))
    db.session.commit()
    assert [u["code"] for u in resident.get(URL).json["items"][0]["units"]] == ["1"]
    rows = household("0101", ["张三"], 13800000001)
    rows[0][1] = "3"  # unit 3 of building 1, which the roster brings

    record = import_roster_file(community.id, "名单.xlsx", xlsx_bytes(rows))

    assert record.status.value == "done"
    assert [u["code"] for u in resident.get(URL).json["items"][0]["units"]] == ["1", "3"]


def test_another_communitys_change_leaves_this_list_cached(resident, community, db):
    _building(community, "1")
    db.session.commit()
    resident.get(URL)
    _building(CommunityFactory(slug="shuangjing"), "2")
    db.session.commit()

    with place_queries(db) as queries:
        resident.get(URL)

    assert queries.reading("building", "unit") == []
