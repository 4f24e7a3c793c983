"""Message-push (消息推送) crypto: WeChat's signatures and the AES envelope of safe mode (安全模式).

The scheme, from the official message-push document: ``signature = sha1(sorted(token, timestamp,
nonce))``; in safe mode ``msg_signature = sha1(sorted(token, timestamp, nonce, Encrypt))`` and
``Encrypt = base64(AES-256-CBC(random(16) + len(msg)(4, big-endian) + msg + appid))`` with
key = base64decode(EncodingAESKey + "="), IV = key[:16] and PKCS#7 padding to 32-byte blocks.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
import time

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_SIZE = 32  # WeChat pads to 32 bytes (the key size), not AES's 16
_RANDOM_SIZE = 16
_LENGTH = struct.Struct(">I")


class PushCryptoError(ValueError):
    """A key, ciphertext or decrypted envelope that is not what WeChat would produce."""


class PushAppIdMismatch(PushCryptoError):
    """The envelope decrypted, but names another app: it was not meant for us."""


def sign(*parts: str) -> str:
    """WeChat's signature: sha1 of the parts sorted as strings and concatenated, hex."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _same(expected: str, given: str | None) -> bool:
    # Bytes, so a non-ASCII signature compares unequal instead of raising TypeError.
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def verify_signature(token: str, timestamp: str, nonce: str, signature: str | None) -> bool:
    """The plain ``signature`` of the URL check and of plaintext pushes (constant-time compare)."""
    return _same(sign(token, timestamp, nonce), signature)


def verify_msg_signature(
    token: str, timestamp: str, nonce: str, encrypt: str, msg_signature: str | None
) -> bool:
    """The safe-mode ``msg_signature``, which also covers the ciphertext (``Encrypt``)."""
    return _same(sign(token, timestamp, nonce, encrypt), msg_signature)


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind a 43-character EncodingAESKey; raises PushCryptoError."""
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PushCryptoError("EncodingAESKey is not base64") from exc
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise PushCryptoError("EncodingAESKey must be 43 base64 characters")
    return key


def _cipher(key: bytes) -> Cipher:
    return Cipher(algorithms.AES(key), modes.CBC(key[:16]))


def _unpad(padded: bytes) -> bytes:
    pad = padded[-1] if padded else 0
    if not 1 <= pad <= BLOCK_SIZE or padded[-pad:] != bytes([pad]) * pad:
        raise PushCryptoError("bad padding")
    return padded[:-pad]


def decrypt(aes_key_43: str, encrypt_b64: str, appid: str) -> str:
    """The message inside a safe-mode ``Encrypt``.

    Raises PushCryptoError when the ciphertext, padding or length prefix is broken (a wrong key
    looks like this too), and PushAppIdMismatch when the envelope names an app other than ``appid``.
    """
    key = aes_key(aes_key_43)
    try:
        sealed = base64.b64decode(encrypt_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PushCryptoError("Encrypt is not base64") from exc
    if not sealed or len(sealed) % 16:
        raise PushCryptoError("Encrypt is not a whole number of AES blocks")
    decryptor = _cipher(key).decryptor()
    plain = _unpad(decryptor.update(sealed) + decryptor.finalize())
    start = _RANDOM_SIZE + _LENGTH.size
    if len(plain) < start:
        raise PushCryptoError("envelope too short")
    (length,) = _LENGTH.unpack(plain[_RANDOM_SIZE:start])
    if start + length > len(plain):
        raise PushCryptoError("length prefix past the end of the envelope")
    if plain[start + length :] != appid.encode():
        raise PushAppIdMismatch("the envelope names another appid")
    try:
        return plain[start : start + length].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PushCryptoError("message is not UTF-8") from exc


def encrypt(aes_key_43: str, message: str, appid: str, nonce_bytes: bytes | None = None) -> str:
    """``Encrypt`` for ``message``; ``nonce_bytes`` (16) replaces the random prefix in tests."""
    prefix = secrets.token_bytes(_RANDOM_SIZE) if nonce_bytes is None else nonce_bytes
    if len(prefix) != _RANDOM_SIZE:
        raise PushCryptoError("the random prefix must be 16 bytes")
    body = message.encode("utf-8")
    plain = prefix + _LENGTH.pack(len(body)) + body + appid.encode()
    pad = BLOCK_SIZE - len(plain) % BLOCK_SIZE
    encryptor = _cipher(aes_key(aes_key_43)).encryptor()
    sealed = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
    return base64.b64encode(sealed).decode()


def encrypted_reply(
    token: str,
    aes_key_43: str,
    appid: str,
    message: str,
    nonce: str,
    *,
    timestamp: int | None = None,
    nonce_bytes: bytes | None = None,
) -> dict[str, str | int]:
    """The body of an encrypted reply: Encrypt, MsgSignature, TimeStamp, Nonce.

    linli answers pushes with a plain ``success`` (no encryption needed); this exists for a
    push that must answer content, and to prove the scheme against the official example.
    """
    stamp = int(time.time()) if timestamp is None else timestamp
    sealed = encrypt(aes_key_43, message, appid, nonce_bytes)
    return {
        "Encrypt": sealed,
        "MsgSignature": sign(token, str(stamp), nonce, sealed),
        "TimeStamp": stamp,
        "Nonce": nonce,
    }
