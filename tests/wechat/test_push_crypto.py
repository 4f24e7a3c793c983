"""Message-push crypto against WeChat's published worked examples, used verbatim as vectors."""

from __future__ import annotations

import base64

import pytest

from app.wechat import push_crypto
from app.wechat.push_crypto import PushAppIdMismatch, PushCryptoError
from devtools.wechat_emulator import push as emulator_push
from tests.wechat.push_vectors import (
    OFFICIAL_AES,
    OFFICIAL_AES_KEY,
    OFFICIAL_APPID,
    OFFICIAL_ENCRYPT,
    OFFICIAL_GET,
    OFFICIAL_MESSAGE,
    OFFICIAL_PLAIN,
    OFFICIAL_RANDOM,
    OFFICIAL_REPLY,
    OFFICIAL_REPLY_MESSAGE,
    OFFICIAL_REPLY_RANDOM,
    OFFICIAL_TOKEN,
    WP_AES_KEY,
    WP_APPID,
    WP_INBOUND_ENCRYPT,
    WP_INBOUND_SIGNATURE,
    WP_NONCE,
    WP_REPLY,
    WP_REPLY_ENCRYPT,
    WP_REPLY_SIGNATURE,
    WP_TIMESTAMP,
    WP_TOKEN,
)


def test_the_official_url_check_signature_verifies():
    v = OFFICIAL_GET

    assert push_crypto.verify_signature(OFFICIAL_TOKEN, v["timestamp"], v["nonce"], v["signature"])


def test_the_official_plaintext_push_signature_verifies():
    v = OFFICIAL_PLAIN

    assert push_crypto.verify_signature(OFFICIAL_TOKEN, v["timestamp"], v["nonce"], v["signature"])


def test_the_official_safe_mode_push_carries_both_signatures():
    v = OFFICIAL_AES

    assert push_crypto.verify_signature(OFFICIAL_TOKEN, v["timestamp"], v["nonce"], v["signature"])
    assert push_crypto.verify_msg_signature(
        OFFICIAL_TOKEN, v["timestamp"], v["nonce"], OFFICIAL_ENCRYPT, v["msg_signature"]
    )


@pytest.mark.parametrize(
    ("token", "timestamp", "signature"),
    [
        ("AAAAB", OFFICIAL_PLAIN["timestamp"], OFFICIAL_PLAIN["signature"]),
        ("AAAAA", "1714037060", OFFICIAL_PLAIN["signature"]),
        ("AAAAA", OFFICIAL_PLAIN["timestamp"], "0" * 40),
        ("AAAAA", OFFICIAL_PLAIN["timestamp"], ""),
        ("AAAAA", OFFICIAL_PLAIN["timestamp"], None),
        ("AAAAA", OFFICIAL_PLAIN["timestamp"], "签名"),
    ],
)
def test_a_signature_over_anything_else_fails(token, timestamp, signature):
    assert not push_crypto.verify_signature(token, timestamp, OFFICIAL_PLAIN["nonce"], signature)


def test_the_msg_signature_covers_the_ciphertext():
    v = OFFICIAL_AES
    tampered = "B" + OFFICIAL_ENCRYPT[1:]

    assert not push_crypto.verify_msg_signature(
        OFFICIAL_TOKEN, v["timestamp"], v["nonce"], tampered, v["msg_signature"]
    )


def test_the_official_safe_mode_body_decrypts_to_the_documented_message():
    message = push_crypto.decrypt(OFFICIAL_AES_KEY, OFFICIAL_ENCRYPT, OFFICIAL_APPID)

    assert message == OFFICIAL_MESSAGE
    assert len(message.encode()) == 167  # the document's msg_len


def test_encrypting_with_the_documented_random_prefix_reproduces_the_official_ciphertext():
    sealed = push_crypto.encrypt(
        OFFICIAL_AES_KEY, OFFICIAL_MESSAGE, OFFICIAL_APPID, OFFICIAL_RANDOM
    )

    assert sealed == OFFICIAL_ENCRYPT


def test_the_official_encrypted_reply_is_reproduced_exactly():
    reply = push_crypto.encrypted_reply(
        OFFICIAL_TOKEN,
        OFFICIAL_AES_KEY,
        OFFICIAL_APPID,
        OFFICIAL_REPLY_MESSAGE,
        OFFICIAL_REPLY["Nonce"],
        timestamp=OFFICIAL_REPLY["TimeStamp"],
        nonce_bytes=OFFICIAL_REPLY_RANDOM,
    )

    assert reply == OFFICIAL_REPLY
    assert len(base64.b64decode(reply["Encrypt"])) == 64  # the document's TmpMsg size


def test_wechatpys_encrypted_reply_vector_is_reproduced():
    reply = push_crypto.encrypted_reply(
        WP_TOKEN,
        WP_AES_KEY,
        WP_APPID,
        WP_REPLY,
        WP_NONCE,
        timestamp=int(WP_TIMESTAMP),
        nonce_bytes=b"1234567890123456",
    )

    assert reply["Encrypt"] == WP_REPLY_ENCRYPT
    assert reply["MsgSignature"] == WP_REPLY_SIGNATURE


def test_wechatpys_inbound_vector_verifies_and_decrypts():
    assert push_crypto.verify_msg_signature(
        WP_TOKEN, WP_TIMESTAMP, WP_NONCE, WP_INBOUND_ENCRYPT, WP_INBOUND_SIGNATURE
    )
    message = push_crypto.decrypt(WP_AES_KEY, WP_INBOUND_ENCRYPT, WP_APPID)

    assert "<Content><![CDATA[test]]></Content>" in message
    assert "<FromUserName><![CDATA[messense]]></FromUserName>" in message


def test_the_emulators_encryption_is_read_back_by_ours():
    # A third, independent implementation (devtools/wechat_emulator/push.py), with Chinese text.
    key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    sealed = emulator_push.encrypt(key, "wx_test_app", '{"Event":"测试"}'.encode())

    assert push_crypto.decrypt(key, sealed, "wx_test_app") == '{"Event":"测试"}'
    assert emulator_push.sign("t", "1", "2", sealed) == push_crypto.sign("t", "1", "2", sealed)


def test_an_envelope_for_another_app_is_refused():
    with pytest.raises(PushAppIdMismatch):
        push_crypto.decrypt(OFFICIAL_AES_KEY, OFFICIAL_ENCRYPT, "wx_someone_else")


def test_a_ciphertext_under_another_key_is_refused():
    other_key = "B" * 43

    with pytest.raises(PushCryptoError):
        push_crypto.decrypt(other_key, OFFICIAL_ENCRYPT, OFFICIAL_APPID)


@pytest.mark.parametrize(
    "encrypted",
    ["", "not base64!", base64.b64encode(b"x" * 15).decode(), OFFICIAL_ENCRYPT[:-24] + "="],
)
def test_a_broken_ciphertext_is_refused(encrypted):
    with pytest.raises(PushCryptoError):
        push_crypto.decrypt(OFFICIAL_AES_KEY, encrypted, OFFICIAL_APPID)


@pytest.mark.parametrize("key", ["", "A" * 42, "A" * 44, "!" * 43])
def test_an_encoding_aes_key_must_be_43_base64_characters(key):
    with pytest.raises(PushCryptoError):
        push_crypto.aes_key(key)


def test_a_random_prefix_makes_each_encryption_different_yet_decryptable():
    first = push_crypto.encrypt(OFFICIAL_AES_KEY, "success", OFFICIAL_APPID)
    second = push_crypto.encrypt(OFFICIAL_AES_KEY, "success", OFFICIAL_APPID)

    assert first != second
    assert push_crypto.decrypt(OFFICIAL_AES_KEY, second, OFFICIAL_APPID) == "success"
