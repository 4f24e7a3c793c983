"""Personal data encryption, look-up hashes, key rotation and masking."""

from __future__ import annotations

import pytest

from app.core.crypto import (
    PersonalDataCipher,
    PersonalDataError,
    generate_key,
    mask_name,
    mask_phone,
)

HASH_KEY = generate_key()


def test_a_phone_number_round_trips_and_is_not_stored_in_clear():
    cipher = PersonalDataCipher("k1:" + generate_key(), HASH_KEY)

    blob = cipher.encrypt("13812345678", "user.phone")

    assert b"13812345678" not in blob
    assert cipher.decrypt(blob, "user.phone") == "13812345678"


def test_the_same_number_encrypts_differently_each_time_but_hashes_alike():
    cipher = PersonalDataCipher("k1:" + generate_key(), HASH_KEY)

    assert cipher.encrypt("13812345678", "p") != cipher.encrypt("13812345678", "p")
    assert cipher.lookup_hash("13812345678", "p") == cipher.lookup_hash("13812345678", "p")
    assert cipher.lookup_hash("13812345678", "p") != cipher.lookup_hash("13812345679", "p")


def test_a_ciphertext_cannot_be_opened_for_another_purpose():
    cipher = PersonalDataCipher("k1:" + generate_key(), HASH_KEY)
    blob = cipher.encrypt("张三", "occupant.name")

    with pytest.raises(PersonalDataError):
        cipher.decrypt(blob, "user.phone")


def test_a_tampered_ciphertext_is_refused():
    cipher = PersonalDataCipher("k1:" + generate_key(), HASH_KEY)
    blob = bytearray(cipher.encrypt("13812345678", "p"))
    blob[-1] ^= 0x01

    with pytest.raises(PersonalDataError):
        cipher.decrypt(bytes(blob), "p")


def test_rotated_keys_still_open_old_data_and_new_data_uses_the_new_key():
    old_key, new_key = generate_key(), generate_key()
    before = PersonalDataCipher(f"k1:{old_key}", HASH_KEY)
    after = PersonalDataCipher(f"k2:{new_key},k1:{old_key}", HASH_KEY)
    old_blob = before.encrypt("13812345678", "p")

    assert after.decrypt(old_blob, "p") == "13812345678"
    assert after.needs_rotation(old_blob)
    assert not after.needs_rotation(after.encrypt("13812345678", "p"))


def test_data_under_a_retired_key_is_refused():
    blob = PersonalDataCipher("k1:" + generate_key(), HASH_KEY).encrypt("x", "p")

    with pytest.raises(PersonalDataError):
        PersonalDataCipher("k2:" + generate_key(), HASH_KEY).decrypt(blob, "p")


@pytest.mark.parametrize("spec", ["", "k1", "k1:not-base64!", "k1:" + "QUJD", "bad id:" + HASH_KEY])
def test_malformed_key_rings_are_refused(spec):
    with pytest.raises(PersonalDataError):
        PersonalDataCipher(spec, HASH_KEY)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("13812341234", "138****1234"),
        ("8613812341234", "861****1234"),
        ("12345", "***45"),
        (None, None),
    ],
)
def test_phone_numbers_are_masked(number, masked):
    assert mask_phone(number) == masked


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("李", "*")])
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked
