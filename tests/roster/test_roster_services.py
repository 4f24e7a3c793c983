"""Applying a roster: households and encrypted occupants written, changes only, vacating."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from app.accounts.models import BindingMethod, HouseholdMember, Role
from app.accounts.services.roles import grant_role, roles_of
from app.community.models import Household, HouseholdStatus, Occupant, OccupantRelation
from app.community.personal_data import open_name, open_phone
from app.core.audit import AuditEntry
from app.roster.models import RosterImport, RosterImportStatus
from app.roster.services import import_roster_file
from tests.factories import UserFactory
from tests.roster.sheets import HEADER, csv_bytes, person, small_roster, xlsx_bytes

OLD = datetime(2020, 1, 1)


def _import(community, rows, kind="xlsx"):
    content = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    return import_roster_file(community.id, f"名单.{kind}", content)


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _occupants(db, community):
    rows = db.session.scalars(
        select(Occupant).where(Occupant.community_id == community.id).order_by(Occupant.id)
    )
    return {open_name(o): o for o in rows}


def _age_every_row(db, community):
    """Backdate updated_at, so a write within the same second still shows."""
    for model in (Household, Occupant):
        db.session.execute(
            update(model).where(model.community_id == community.id).values(updated_at=OLD)
        )


def test_a_good_roster_creates_households_and_encrypted_occupants(db, community, buildings):
    record = _import(community, small_roster())

    assert record.status is RosterImportStatus.DONE
    assert record.summary == {
        "households_created": 3,
        "households_occupied": 0,
        "households_updated": 0,
        "households_vacated": 0,
        "occupants_added": 5,
        "occupants_updated": 0,
        "occupants_removed": 0,
        "bindings_ended": 0,
        "households_listed": 3,
        "occupants_listed": 5,
    }
    assert (record.total_rows, record.processed_rows) == (5, 5)
    flat = db.session.scalar(select(Household).where(Household.flat == "2-1-0201"))
    assert flat.status is HouseholdStatus.OCCUPIED
    assert (flat.lease_number, flat.lease_start, flat.lease_end) == (
        "GZF-2-0201",
        date(2024, 1, 1),
        date(2026, 12, 31),
    )
    people = _occupants(db, community)
    assert set(people) == {"张三", "李梅", "王五", "赵六", "钱七"}
    assert people["李梅"].relation is OccupantRelation.CO_RESIDENT
    assert open_phone(people["张三"]) == "13800000001"
    assert people["张三"].phone_masked == "138****0001"
    for occupant in people.values():
        assert "张三".encode() not in occupant.name_cipher
        assert b"13800000001" not in (occupant.phone_cipher or b"")
        assert "13800000001" not in (occupant.phone_hash or "")


def test_the_stored_file_is_cleared_once_applied(db, community, buildings):
    record = _import(community, small_roster())

    content = db.session.scalar(select(RosterImport.content).where(RosterImport.id == record.id))
    assert content is None
    assert len(record.file_sha256) == 64


def test_a_file_with_three_bad_rows_is_refused_whole_and_writes_nothing(db, community, buildings):
    rows = [
        person(room="0101", name="张三", phone="13800000001"),  # row 2
        person(building="9", room="0102", name="李四", phone="13800000002"),  # row 3
        person(room="0103", name="王五", phone="13800000003"),
        person(room="0104", name="赵六", phone="1380000"),  # row 5
        person(room="0104", name="钱七", phone="13800000006", relation="同住人"),
        person(room="0105", name="孙八", phone="13800000007"),
        person(room="0105", name="周九", phone="", relation="同住人"),
        person(room="0105", name="吴十", phone="13800000001", relation="同住人"),  # row 9
    ]

    record = _import(community, rows)

    assert record.status is RosterImportStatus.REFUSED
    assert [(e["row"], e["column"], e["reason"]) for e in record.errors] == [
        (3, "楼栋", "unknown_building"),
        (5, "手机号", "bad_phone"),
        (9, "手机号", "duplicate_phone"),
    ]
    assert record.errors[0]["message"] == "楼栋“9”不存在"
    assert record.errors[2]["message"] == "手机号与第 2 行重复"
    assert record.summary["error_count"] == 3
    assert _count(db, Household, Household.community_id == community.id) == 0
    assert _count(db, Occupant, Occupant.community_id == community.id) == 0
    assert _count(db, HouseholdMember, HouseholdMember.community_id == community.id) == 0


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"building": "31"}, "楼栋", "unknown_building"),
        ({"building": ""}, "楼栋", "value_required"),
        ({"unit": "123"}, "单元", "bad_unit"),
        ({"room": "15"}, "房号", "bad_room"),
        ({"lease": "GZF 001"}, "合同编号", "bad_lease_number"),
        ({"start": "2024-02-30"}, "起租日期", "bad_date"),
        ({"end": "明年"}, "到期日期", "bad_date"),
        ({"end": "2023-12-31"}, "到期日期", "lease_end_before_start"),
        ({"name": "张三3"}, "姓名", "bad_name"),
        ({"name": "张" * 33}, "姓名", "bad_name"),
        ({"phone": "12800000001"}, "手机号", "bad_phone"),
        ({"phone": ""}, "手机号", "phone_required"),
        ({"relation": "租客"}, "身份", "bad_relation"),
    ],
)
def test_a_bad_cell_is_named_by_row_column_and_reason(
    db, community, buildings, changes, column, reason
):
    rows = [person(room="0102", phone="13800000002"), person(**changes)]

    record = _import(community, rows, kind="csv")

    assert record.status is RosterImportStatus.REFUSED
    assert [(e["row"], e["column"], e["reason"]) for e in record.errors] == [(3, column, reason)]
    assert record.errors[0]["message"]


@pytest.mark.parametrize(
    ("second", "column", "reason"),
    [
        (person(name="李梅", phone="13800000001", relation="同住人"), "手机号", "duplicate_phone"),
        (
            person(name="张 三", phone="13800000002", relation="同住人"),
            "姓名",
            "duplicate_occupant",
        ),
        (person(name="李梅", phone="13800000002"), "身份", "primary_tenant_count"),
        (
            person(name="李梅", phone="13800000002", lease="GZF-9", relation="同住人"),
            "合同编号",
            "inconsistent_lease",
        ),
        (
            person(name="李梅", phone="13800000002", end="2027-01-01", relation="同住人"),
            "到期日期",
            "inconsistent_lease",
        ),
    ],
)
def test_rows_of_one_flat_must_agree(db, community, buildings, second, column, reason):
    record = _import(community, [person(), second])

    assert [(e["row"], e["column"], e["reason"]) for e in record.errors] == [(3, column, reason)]


def test_a_flat_without_a_primary_tenant_is_refused_on_its_first_row(db, community, buildings):
    rows = [person(room="0102", phone="13800000002"), person(relation="同住人")]

    record = _import(community, rows)

    assert [(e["row"], e["column"], e["reason"]) for e in record.errors] == [
        (3, "身份", "primary_tenant_count")
    ]


def test_a_missing_column_refuses_the_file_on_row_1_naming_it(db, community, buildings):
    header = ["楼栋", "单元", "房号", "合同编号", "起租日期", "到期日期", "姓名", "身份"]
    content = xlsx_bytes([[c for i, c in enumerate(person()) if i != 7]], header=header)

    record = import_roster_file(community.id, "名单.xlsx", content)

    assert record.status is RosterImportStatus.REFUSED
    assert record.errors == [
        {
            "row": 1,
            "column": "手机号",
            "reason": "missing_column",
            "message": "缺少必需的列“手机号”",
        }
    ]


def test_columns_are_found_by_header_in_any_order_and_extra_ones_ignored(db, community, buildings):
    header = ["备注", *reversed(HEADER)]
    rows = [["老住户", *reversed(row)] for row in small_roster()]

    record = import_roster_file(community.id, "名单.csv", csv_bytes(rows, header=header))

    assert record.status is RosterImportStatus.DONE
    assert record.summary["occupants_added"] == 5


def test_numbers_and_dates_from_xlsx_cells_are_normalised(db, community, buildings):
    row = person(
        building=2,
        unit=1.0,
        room=1502.0,
        lease="GZF-1",
        start=datetime(2024, 3, 1),
        end="2027/2/28",
        phone=13800138000,
    )

    record = _import(community, [row])

    assert record.status is RosterImportStatus.DONE, record.errors
    flat = db.session.scalar(select(Household).where(Household.community_id == community.id))
    assert (flat.flat, flat.lease_start, flat.lease_end) == (
        "2-1-1502",
        date(2024, 3, 1),
        date(2027, 2, 28),
    )
    assert open_phone(_occupants(db, community)["张三"]) == "13800138000"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_is_read_in_gb18030_and_utf8_with_or_without_bom(db, community, buildings, encoding):
    content = csv_bytes(small_roster(), encoding=encoding)

    record = import_roster_file(community.id, "名单.csv", content)

    assert record.status is RosterImportStatus.DONE, record.errors
    assert set(_occupants(db, community)) == {"张三", "李梅", "王五", "赵六", "钱七"}


def test_reimporting_the_same_roster_writes_nothing(db, community, buildings):
    _import(community, small_roster())
    _age_every_row(db, community)
    before = (_count(db, Household), _count(db, Occupant))

    # The same rows in another format: another sha256, so the whole comparison runs.
    record = _import(community, small_roster(), kind="csv")

    assert record.status is RosterImportStatus.DONE
    assert not any(record.summary[key] for key in record.summary if not key.endswith("_listed"))
    assert (_count(db, Household), _count(db, Occupant)) == before
    assert _count(db, Household, Household.updated_at != OLD) == 0
    assert _count(db, Occupant, Occupant.updated_at != OLD) == 0


def test_the_same_file_again_is_short_cut_as_unchanged(db, community, buildings):
    content = xlsx_bytes(small_roster())
    import_roster_file(community.id, "名单.xlsx", content)
    _age_every_row(db, community)

    record = import_roster_file(community.id, "名单-副本.xlsx", content)

    assert record.status is RosterImportStatus.DONE
    assert record.summary == {"unchanged": True}
    assert record.total_rows == 5
    assert _count(db, Household, Household.updated_at != OLD) == 0


def test_a_changed_roster_updates_only_what_changed(db, community, buildings):
    _import(community, small_roster())
    _age_every_row(db, community)
    rows = small_roster()
    rows[0][5] = "2027-12-31"  # 0101's lease is extended (both of its rows)
    rows[1][5] = "2027-12-31"
    rows[2][7] = "13900000011"  # 王五 has a new phone
    rows[4] = person(
        building="2", room="0201", lease="GZF-2-0201", name="孙八", phone="", relation="同住人"
    )

    record = _import(community, rows)

    summary = record.summary
    assert (summary["households_updated"], summary["occupants_updated"]) == (1, 1)
    assert (summary["occupants_added"], summary["occupants_removed"]) == (1, 1)
    people = _occupants(db, community)
    assert open_phone(people["王五"]) == "13900000011"
    assert people["钱七"].is_active is False and people["孙八"].is_active is True
    assert people["张三"].updated_at == OLD
    changed = db.session.scalars(select(Household.flat).where(Household.updated_at != OLD)).all()
    assert changed == ["1-1-0101"]


@pytest.fixture
def bound_to_0102(db, community, buildings):
    """A roster of 0101 and 0102; a user bound to 0102 only, another bound to both."""
    _import(community, small_roster())
    flats = dict(db.session.execute(select(Household.flat, Household.id)).all())
    only_there, also_elsewhere = UserFactory(), UserFactory()
    for user, flat in (
        (only_there, "1-1-0102"),
        (also_elsewhere, "1-1-0102"),
        (also_elsewhere, "1-1-0101"),
    ):
        grant_role(None, user.id, community.id, Role.RESIDENT)
        db.session.add(
            HouseholdMember(
                community_id=community.id,
                household_id=flats[flat],
                user_id=user.id,
                method=BindingMethod.PHONE_MATCH,
            )
        )
    db.session.flush()
    return only_there, also_elsewhere


def test_a_household_left_off_the_roster_is_vacated_and_its_members_unbound(
    db, community, bound_to_0102
):
    only_there, also_elsewhere = bound_to_0102
    rows = [r for r in small_roster() if r[2] != "0102"]

    record = _import(community, rows)

    assert record.summary["households_vacated"] == 1
    assert record.summary["occupants_removed"] == 1
    assert record.summary["bindings_ended"] == 2
    flat = db.session.scalar(select(Household).where(Household.flat == "1-1-0102"))
    assert flat.status is HouseholdStatus.VACANT
    assert (flat.lease_number, flat.lease_start, flat.lease_end) == (None, None, None)
    assert _occupants(db, community)["王五"].is_active is False
    ended = db.session.scalars(
        select(HouseholdMember).where(HouseholdMember.household_id == flat.id)
    )
    assert all(m.is_active is False and m.ended_at is not None for m in ended)
    assert "resident" not in roles_of(only_there.id, community.id)
    assert "resident" in roles_of(also_elsewhere.id, community.id)
    revoked = select(AuditEntry).where(AuditEntry.action == "role.revoke")
    assert [a.object_id for a in db.session.scalars(revoked)] == [str(only_there.id)]


def test_a_vacant_flat_back_on_the_roster_is_occupied_again(db, community, bound_to_0102):
    _import(community, [r for r in small_roster() if r[2] != "0102"])

    record = _import(community, small_roster())

    assert record.summary["households_occupied"] == 1
    assert record.summary["occupants_added"] == 1
    flat = db.session.scalar(select(Household).where(Household.flat == "1-1-0102"))
    assert (flat.status, flat.lease_number) == (HouseholdStatus.OCCUPIED, "GZF-1-0102")


def test_an_unexpected_error_fails_the_import_and_leaves_the_roster_untouched(
    db, community, buildings, monkeypatch
):
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr("app.roster.services.applying._write_occupants", broken)

    record = _import(community, small_roster())

    assert record.status is RosterImportStatus.FAILED
    assert record.errors[0]["reason"] == "import_failed"
    assert "disk full" not in record.errors[0]["message"]
    assert _count(db, Household, Household.community_id == community.id) == 0


def test_only_500_errors_are_stored_with_the_total_count(db, community, buildings):
    rows = [person(room=f"{1000 + i}", name="张三", phone="1") for i in range(600)]

    record = _import(community, rows, kind="csv")

    assert len(record.errors) == 500
    assert record.summary == {"error_count": 600, "errors_listed": 500}


def test_more_than_20000_rows_are_refused(db, community, buildings):
    rows = [person(room=f"{1000 + i % 9000}") for i in range(20_001)]

    record = _import(community, rows, kind="csv")

    assert [(e["row"], e["reason"]) for e in record.errors] == [(20_002, "too_many_rows")]


def test_every_import_leaves_audit_rows(db, community, buildings):
    _import(community, small_roster())
    _import(community, [person(phone="x")])
    audits = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "roster_import", AuditEntry.community_id == community.id)
        .order_by(AuditEntry.id)
    ).all()

    assert audits == [
        "roster.import_started",
        "roster.import_applied",
        "roster.import_started",
        "roster.import_refused",
    ]


def test_a_person_taken_off_an_occupied_flat_loses_their_binding_to_it(db, community, buildings):
    _import(community, small_roster())
    li_mei = _occupants(db, community)["李梅"]
    flat_id = li_mei.household_id
    person = UserFactory()
    grant_role(None, person.id, community.id, Role.RESIDENT)
    db.session.add(
        HouseholdMember(
            community_id=community.id,
            household_id=flat_id,
            user_id=person.id,
            occupant_id=li_mei.id,
            method=BindingMethod.PHONE_MATCH,
        )
    )
    db.session.flush()
    rows = [r for r in small_roster() if r[6] != "李梅"]

    record = _import(community, rows)

    assert record.summary["bindings_ended"] == 1
    assert db.session.get(Household, flat_id).status is HouseholdStatus.OCCUPIED
    member = db.session.scalar(select(HouseholdMember).where(HouseholdMember.user_id == person.id))
    assert member.is_active is False
    assert "resident" not in roles_of(person.id, community.id)
