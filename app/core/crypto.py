"""Encryption, keyed look-up hashes and masking for residents' personal data (PIPL)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

# The look-up hash purpose shared by every phone number (users' and occupants'), so one
# person's WeChat phone finds them on the roster.
PHONE_LOOKUP = "phone"
_NONCE_BYTES = 12
_SEPARATOR = b"."


class PersonalDataError(ValueError):
    """A key is malformed or a ciphertext cannot be opened with the keys we hold."""


def _decode_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise PersonalDataError("key is not base64") from exc
    if len(key) != 32:
        raise PersonalDataError("key must be 32 bytes")
    return key


def parse_key_ring(spec: str) -> tuple[str, dict[str, bytes]]:
    """`"k2:<b64>,k1:<b64>"` → ("k2", {...}): the first key encrypts, all of them decrypt."""
    ring: dict[str, bytes] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id.isalnum() or len(key_id) > 8:
            raise PersonalDataError("each key is written as id:base64 with a short id")
        ring[key_id] = _decode_key(encoded)
    if not ring:
        raise PersonalDataError("no data encryption key")
    return next(iter(ring)), ring


class PersonalDataCipher:
    """AES-256-GCM with a key id in front of each ciphertext, so keys can rotate.

    ``purpose`` is bound in as associated data: a phone ciphertext cannot be replayed as a name.
    """

    def __init__(self, key_ring: str, hash_key: str) -> None:
        self.active_key_id, self._keys = parse_key_ring(key_ring)
        self._hash_key = _decode_key(hash_key)

    def encrypt(self, plaintext: str, purpose: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self._keys[self.active_key_id]).encrypt(
            nonce, plaintext.encode("utf-8"), purpose.encode()
        )
        return self.active_key_id.encode() + _SEPARATOR + nonce + sealed

    def decrypt(self, blob: bytes, purpose: str) -> str:
        key_id, sep, rest = bytes(blob).partition(_SEPARATOR)
        key = self._keys.get(key_id.decode(errors="replace"))
        if not sep or key is None or len(rest) <= _NONCE_BYTES:
            raise PersonalDataError("ciphertext under an unknown key")
        nonce, sealed = rest[:_NONCE_BYTES], rest[_NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(nonce, sealed, purpose.encode()).decode("utf-8")
        except Exception as exc:  # InvalidTag: tampered or wrong purpose
            raise PersonalDataError("ciphertext does not open") from exc

    def needs_rotation(self, blob: bytes) -> bool:
        return not bytes(blob).startswith(self.active_key_id.encode() + _SEPARATOR)

    def lookup_hash(self, value: str, purpose: str) -> str:
        """A keyed hash to find rows by an exact value without storing the value in clear."""
        message = purpose.encode() + b"\x00" + value.encode("utf-8")
        return hmac.new(self._hash_key, message, hashlib.sha256).hexdigest()


def init_app(app: Flask) -> None:
    if app.config.get("DATA_ENCRYPTION_KEY") and app.config.get("DATA_HASH_KEY"):
        app.extensions["personal_data"] = PersonalDataCipher(
            app.config["DATA_ENCRYPTION_KEY"], app.config["DATA_HASH_KEY"]
        )


def personal_data() -> PersonalDataCipher:
    return current_app.extensions["personal_data"]


def mask_phone(number: str | None) -> str | None:
    """13812341234 → 138****1234; short or foreign numbers keep only their last two digits."""
    if not number:
        return None
    if len(number) >= 11:
        return number[:3] + "****" + number[-4:]
    return "*" * max(len(number) - 2, 0) + number[-2:]


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 欧阳娜娜 → 欧***: the family name is enough to greet someone."""
    if not name:
        return None
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
