"""Sealing and opening occupants' names and phone numbers (encrypted, hashed, masked)."""

from __future__ import annotations

import re
import unicodedata

from app.core.crypto import PHONE_LOOKUP, mask_name, mask_phone, personal_data

NAME_PURPOSE = "occupant.name"
PHONE_PURPOSE = "occupant.phone"
NAME_LOOKUP = "person.name"
MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_name(name: str) -> str:
    """The form names are compared in: full-width folded, spaces dropped, one kind of dot."""
    folded = unicodedata.normalize("NFKC", name)
    folded = re.sub(r"\s+", "", folded)
    return re.sub(r"[•∙・.．]", "·", folded)


def sealed_name(name: str) -> dict:
    """Column values for an occupant's name."""
    name = normalize_name(name)
    cipher = personal_data()
    return {
        "name_cipher": cipher.encrypt(name, NAME_PURPOSE),
        "name_hash": cipher.lookup_hash(name, NAME_LOOKUP),
        "name_masked": mask_name(name),
    }


def sealed_phone(phone: str | None) -> dict:
    """Column values for an occupant's phone (all None when there is none)."""
    if not phone:
        return {"phone_cipher": None, "phone_hash": None, "phone_masked": None}
    cipher = personal_data()
    return {
        "phone_cipher": cipher.encrypt(phone, PHONE_PURPOSE),
        "phone_hash": phone_hash(phone),
        "phone_masked": mask_phone(phone),
    }


def name_hash(name: str) -> str:
    return personal_data().lookup_hash(normalize_name(name), NAME_LOOKUP)


def phone_hash(phone: str) -> str:
    """The same for a user's WeChat phone and an occupant's: that is how binding finds a match."""
    return personal_data().lookup_hash(phone, PHONE_LOOKUP)


def open_name(occupant) -> str:
    return personal_data().decrypt(occupant.name_cipher, NAME_PURPOSE)


def open_phone(occupant) -> str | None:
    if occupant.phone_cipher is None:
        return None
    return personal_data().decrypt(occupant.phone_cipher, PHONE_PURPOSE)
