"""Checking a roster's rows, one by one and across rows, into flats with their occupants.

Every error of the file is collected (the admin fixes them all in one go); one error refuses
the whole file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.community.models import OccupantRelation
from app.community.personal_data import MAINLAND_MOBILE, normalize_name
from app.roster.services.errors import RosterRefused, row_error
from app.roster.services.parsing import REQUIRED_COLUMNS, RawRecord, cell_text

BUILDING, UNIT, ROOM, LEASE_NUMBER, START, END, NAME, PHONE, RELATION = REQUIRED_COLUMNS
LEASE_COLUMNS = (LEASE_NUMBER, START, END)
RELATIONS = {
    "承租人": OccupantRelation.PRIMARY_TENANT,
    "同住人": OccupantRelation.CO_RESIDENT,
    "primary_tenant": OccupantRelation.PRIMARY_TENANT,
    "co_resident": OccupantRelation.CO_RESIDENT,
}
_UNIT = re.compile(r"\d{1,2}")
_ROOM = re.compile(r"\d{3,4}")
_LEASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,32}")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+0{1,2}:00(?::00)?)?")
_NAME = re.compile(r"(?:[^\W\d_]|·)+")  # letters of any script (汉字 included) and the dot
_PHONE_NOISE = re.compile(r"[\s-]")
INVALID: Any = object()  # a cell that failed its check (and already has its error)


class _Bad(Exception):
    """A cell failed its check; raised and caught within this module."""

    def __init__(self, reason: str, **values: Any) -> None:
        super().__init__(reason)
        self.reason, self.values = reason, values


@dataclass(slots=True)
class RosterOccupant:
    row: int
    name: str  # normalised, as sealed_name stores it
    relation: OccupantRelation
    phone: str | None


@dataclass(slots=True)
class RosterFlat:
    flat: str  # "3-2-1502"
    building_id: int
    unit: str
    room: str
    lease_number: str
    lease_start: date
    lease_end: date
    occupants: list[RosterOccupant] = field(default_factory=list)


def validate_records(records: list[RawRecord], buildings: dict[str, int]) -> dict[str, RosterFlat]:
    """Flats by "楼栋-单元-房号", in file order; raises RosterRefused listing every error.

    ``buildings`` maps the community's Building.code to its id.
    """
    errors: list[dict[str, Any]] = []
    rows = [_read_row(record, buildings, errors) for record in records]
    by_flat: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["flat"] is not None:
            by_flat[row["flat"]].append(row)
    for flat_rows in by_flat.values():
        _check_primary_tenant(flat_rows, errors)
        _check_lease(flat_rows, errors)
        _check_repeats(flat_rows, NAME, "duplicate_occupant", errors)
    _check_repeats(rows, PHONE, "duplicate_phone", errors)
    if errors:
        order = {column: i for i, column in enumerate(("", *REQUIRED_COLUMNS))}
        errors.sort(key=lambda e: (e["row"], order.get(e["column"], 0)))
        raise RosterRefused(errors, total_rows=len(records))
    return {flat: _flat(flat, flat_rows) for flat, flat_rows in by_flat.items()}


def _read_row(
    record: RawRecord, buildings: dict[str, int], errors: list[dict[str, Any]]
) -> dict[str, Any]:
    parsers = {
        BUILDING: lambda text: _building(text, buildings),
        UNIT: lambda text: str(int(_matching(text, _UNIT, "bad_unit"))),
        ROOM: lambda text: _matching(text, _ROOM, "bad_room"),
        LEASE_NUMBER: lambda text: _matching(text, _LEASE_NUMBER, "bad_lease_number"),
        NAME: _name,
        PHONE: _phone,
        RELATION: _relation,
    }
    row: dict[str, Any] = {"row": record.row}
    for column in REQUIRED_COLUMNS:
        value = record.cells[column]
        try:
            row[column] = (
                _date(value) if column in (START, END) else parsers[column](cell_text(value))
            )
        except _Bad as bad:
            errors.append(row_error(record.row, column, bad.reason, **bad.values))
            row[column] = INVALID
    _check_row(row, errors)
    if INVALID in (row[BUILDING], row[UNIT], row[ROOM]):
        row["flat"] = None
    else:
        row["flat"] = f"{row[BUILDING][0]}-{row[UNIT]}-{row[ROOM]}"
    return row


def _check_row(row: dict[str, Any], errors: list[dict[str, Any]]) -> None:
    if row[RELATION] is OccupantRelation.PRIMARY_TENANT and row[PHONE] is None:
        errors.append(row_error(row["row"], PHONE, "phone_required"))
    start, end = row[START], row[END]
    if start is not INVALID and end is not INVALID and end < start:
        errors.append(row_error(row["row"], END, "lease_end_before_start"))


def _required(text: str) -> str:
    if not text:
        raise _Bad("value_required")
    return text


def _matching(text: str, pattern: re.Pattern, reason: str) -> str:
    if pattern.fullmatch(_required(text)) is None:
        raise _Bad(reason)
    return text


def _building(text: str, buildings: dict[str, int]) -> tuple[str, int]:
    if _required(text) not in buildings:
        raise _Bad("unknown_building", value=text[:16])
    return text, buildings[text]


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.fullmatch(_required(cell_text(value)))
    if match is None:
        raise _Bad("bad_date")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:  # 2024-02-30
        raise _Bad("bad_date") from exc


def _name(text: str) -> str:
    name = normalize_name(_required(text))
    if len(text) > 32 or _NAME.fullmatch(name) is None:
        raise _Bad("bad_name")
    return name


def _phone(text: str) -> str | None:
    phone = _PHONE_NOISE.sub("", text)
    if not phone:
        return None
    if MAINLAND_MOBILE.fullmatch(phone) is None:
        raise _Bad("bad_phone")
    return phone


def _relation(text: str) -> OccupantRelation:
    relation = RELATIONS.get(_required(text))
    if relation is None:
        raise _Bad("bad_relation")
    return relation


def _check_primary_tenant(rows: list[dict[str, Any]], errors: list[dict[str, Any]]) -> None:
    if any(row[RELATION] is INVALID for row in rows):
        return  # that row has its error already; counting would only add noise
    primaries = [row for row in rows if row[RELATION] is OccupantRelation.PRIMARY_TENANT]
    flawed = rows[:1] if not primaries else primaries[1:]
    for row in flawed:
        errors.append(row_error(row["row"], RELATION, "primary_tenant_count"))


def _check_lease(rows: list[dict[str, Any]], errors: list[dict[str, Any]]) -> None:
    """Every row of a flat carries the lease of the flat's first row that states it validly."""
    for column in LEASE_COLUMNS:
        valid = [row for row in rows if row[column] is not INVALID]
        for row in valid[1:]:
            if row[column] != valid[0][column]:
                errors.append(
                    row_error(row["row"], column, "inconsistent_lease", first_row=valid[0]["row"])
                )


def _check_repeats(
    rows: list[dict[str, Any]], column: str, reason: str, errors: list[dict[str, Any]]
) -> None:
    first_rows: dict[Any, int] = {}
    for row in rows:
        value = row[column]
        if value is INVALID or value is None:
            continue
        if value in first_rows:
            errors.append(row_error(row["row"], column, reason, first_row=first_rows[value]))
        else:
            first_rows[value] = row["row"]


def _flat(flat: str, rows: list[dict[str, Any]]) -> RosterFlat:
    first = rows[0]
    entry = RosterFlat(
        flat,
        first[BUILDING][1],
        first[UNIT],
        first[ROOM],
        first[LEASE_NUMBER],
        first[START],
        first[END],
    )
    entry.occupants = [
        RosterOccupant(row["row"], row[NAME], row[RELATION], row[PHONE]) for row in rows
    ]
    return entry
