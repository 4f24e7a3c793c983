"""Column types every domain's models share."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Enum


def string_enum(cls: type[StrEnum], length: int) -> Enum:
    """A StrEnum stored as its values in a short string column, not a native ENUM, so adding a
    member needs no table rebuild."""
    return Enum(
        cls, values_callable=lambda e: [m.value for m in e], native_enum=False, length=length
    )
