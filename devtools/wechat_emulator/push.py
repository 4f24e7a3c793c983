"""Message push (消息推送) to our server: signed, optionally AES-encrypted, as JSON or XML."""

import base64
import hashlib
import json
import secrets
import struct
import time
import urllib.error
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32-byte blocks, not AES's 16
TIMEOUT = 5.0  # WeChat gives up (and re-sends later) after 5 s
# Loopback pushes must never go through an HTTP proxy taken from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte key behind a 43-character EncodingAESKey; raises ValueError otherwise."""
    key = base64.b64decode(encoding_aes_key + "=")
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 base64 characters")
    return key


def encrypt(encoding_aes_key: str, appid: str, message: bytes) -> str:
    key = aes_key(encoding_aes_key)
    plain = secrets.token_bytes(16) + struct.pack(">I", len(message)) + message + appid.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml_items(data: dict) -> str:
    out = []
    for key, value in data.items():
        # In XML a list is the same element repeated (e.g. several <List> entries).
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                inner = _xml_items(item)
            elif isinstance(item, bool):
                inner = str(item).lower()
            elif isinstance(item, int | float):
                inner = str(item)
            else:
                inner = _cdata(str(item))
            out.append(f"<{key}>{inner}</{key}>")
    return "".join(out)


def to_xml(data: dict) -> bytes:
    return f"<xml>{_xml_items(data)}</xml>".encode()


def build(event: dict, *, token: str, appid: str, mode: str, fmt: str, encoding_aes_key=None):
    """(query, body, content type) of the POST WeChat would make for this event."""
    if mode not in ("aes", "plain") or fmt not in ("json", "xml"):
        raise ValueError("mode must be aes|plain and format json|xml")
    if not token:
        raise ValueError("push_token is not configured")
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
    query = {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}
    message = to_xml(event) if fmt == "xml" else json.dumps(event, ensure_ascii=False).encode()
    if mode == "aes":
        if not encoding_aes_key:
            raise ValueError("push_aes_key is not configured")
        encrypted = encrypt(encoding_aes_key, appid, message)
        query.update(encrypt_type="aes", msg_signature=sign(token, timestamp, nonce, encrypted))
        envelope = {"ToUserName": str(event.get("ToUserName", "")), "Encrypt": encrypted}
        message = to_xml(envelope) if fmt == "xml" else json.dumps(envelope).encode()
    content_type = "text/xml" if fmt == "xml" else "application/json"
    return query, message, content_type


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def deliver(url: str, query: dict, body: bytes, content_type: str) -> dict:
    """POST once (no retry) and report what came back: status, body, or the error."""
    glue = "&" if urllib.parse.urlsplit(url).query else "?"
    request = urllib.request.Request(
        url + glue + urllib.parse.urlencode(query),
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "User-Agent": "Mozilla/4.0"},
    )
    outcome = {"status": None, "body": None, "error": None}
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            outcome.update(status=response.status, body=_text(response.read(4096)))
    except urllib.error.HTTPError as exc:
        outcome.update(status=exc.code, body=_text(exc.read(4096)))
        exc.close()
    except (OSError, ValueError) as exc:
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    return outcome
