"""Receiving a push: check it came from WeChat, open it, drop replays, queue it — nothing more.

WeChat waits 5 s for an answer and re-sends otherwise, so no handler runs here: a checked event
goes to the queue (``handle_push_event``) and the endpoint answers ``success`` at once. Every
refusal happens before the replay mark and the queue, so a refused push leaves no trace.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis as redis_lib
from kombu.exceptions import OperationalError as BrokerError

from app.core.errors import AppError, Forbidden, Unavailable
from app.extensions import redis
from app.wechat import push_crypto
from app.wechat.push_events import PushBodyInvalid, dedup_key, parse_body
from app.wechat.tasks import handle_push_event

log = logging.getLogger(__name__)

REPLAY_WINDOW_SECONDS = 24 * 3600
_SEEN_KEY = "linli:wechat-push:seen:{}"
# A short retry only: past WeChat's 5 s it re-sends anyway, and a 503 makes it re-send sooner.
_ENQUEUE_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


class PushSignatureInvalid(Forbidden):
    """The signature does not match our Token, or the envelope names another app."""

    reason = "push_signature_invalid"
    message = "消息推送签名校验失败"


class PushStale(Forbidden):
    """The signed timestamp is outside the allowed skew: an old push replayed, or a bad clock."""

    reason = "push_stale"
    message = "消息推送已过期"


class PushMalformed(AppError):
    status_code = 400
    reason = "push_malformed"
    message = "消息推送内容格式有误"


class PushQueueUnavailable(Unavailable):
    """The queue did not take the event; the 503 makes WeChat send it again later."""

    reason = "push_queue_unavailable"
    message = "消息队列暂时不可用，请稍后再试"


@dataclass(frozen=True)
class PushSettings:
    """What the console's 消息推送 page holds: Token, EncodingAESKey, our AppID; and the skew."""

    token: str
    aes_key: str
    appid: str
    max_skew_seconds: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PushSettings:
        return cls(
            token=config.get("WECHAT_PUSH_TOKEN") or "",
            aes_key=config.get("WECHAT_PUSH_AES_KEY") or "",
            appid=config.get("WECHAT_APP_ID") or "",
            max_skew_seconds=int(config.get("WECHAT_PUSH_MAX_SKEW_SECONDS", 300)),
        )


def check_url(query: Mapping[str, str], settings: PushSettings) -> str:
    """The ``echostr`` to answer WeChat's URL check with; raises PushSignatureInvalid.

    The plain signature is checked even in safe mode, as WeChat signs the check that way.
    """
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not settings.token or not push_crypto.verify_signature(
        settings.token, timestamp, nonce, query.get("signature")
    ):
        raise PushSignatureInvalid()
    return query.get("echostr", "")


def receive_push(
    query: Mapping[str, str], body: bytes, settings: PushSettings, *, now: float | None = None
) -> bool:
    """Check, open and queue one push; True when queued, False for a replay (already queued).

    Raises PushSignatureInvalid (bad signature, wrong appid), PushStale (timestamp outside the
    skew), PushMalformed (unreadable body) — all before any side effect — and
    PushQueueUnavailable when the queue refuses (the replay mark is then lifted again).
    """
    message = open_push(query, body, settings, now=time.time() if now is None else now)
    try:
        event = parse_body(message)
    except PushBodyInvalid as exc:
        raise PushMalformed() from exc
    return _queue_once(event)


def open_push(query: Mapping[str, str], body: bytes, settings: PushSettings, *, now: float) -> str:
    """The pushed message as text, its signature, freshness and (safe mode) appid checked."""
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    if not settings.token:
        raise PushSignatureInvalid()
    if query.get("encrypt_type") == "aes":
        encrypted = _envelope_encrypt(body)
        if not push_crypto.verify_msg_signature(
            settings.token, timestamp, nonce, encrypted, query.get("msg_signature")
        ):
            raise PushSignatureInvalid()
        _check_fresh(timestamp, now, settings.max_skew_seconds)
        return _decrypt(encrypted, settings)
    if not push_crypto.verify_signature(settings.token, timestamp, nonce, query.get("signature")):
        raise PushSignatureInvalid()
    _check_fresh(timestamp, now, settings.max_skew_seconds)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PushMalformed() from exc


def _envelope_encrypt(body: bytes) -> str:
    try:
        envelope = parse_body(body)
    except PushBodyInvalid as exc:
        raise PushMalformed() from exc
    encrypted = envelope.get("Encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise PushMalformed(errors={"Encrypt": ["缺少密文"]})
    return encrypted


def _check_fresh(timestamp: str, now: float, max_skew: int) -> None:
    if not timestamp.isdigit():
        raise PushMalformed(errors={"timestamp": ["时间戳格式有误"]})
    if abs(now - int(timestamp)) > max_skew:
        raise PushStale()


def _decrypt(encrypted: str, settings: PushSettings) -> str:
    try:
        return push_crypto.decrypt(settings.aes_key, encrypted, settings.appid)
    except push_crypto.PushAppIdMismatch as exc:
        raise PushSignatureInvalid() from exc
    except push_crypto.PushCryptoError as exc:
        # Signed by WeChat yet undecryptable: our EncodingAESKey differs from the console's.
        log.error("wechat push: signed ciphertext does not decrypt (%s)", exc)
        raise PushMalformed() from exc


def _queue_once(event: dict[str, Any]) -> bool:
    key = _SEEN_KEY.format(hashlib.sha256(dedup_key(event).encode()).hexdigest())
    client = redis.client
    if not client.set(key, "1", nx=True, ex=REPLAY_WINDOW_SECONDS):
        log.info("wechat push replayed, ignored: %s", event.get("Event") or event.get("MsgType"))
        return False
    try:
        handle_push_event.apply_async(args=[event], retry=True, retry_policy=_ENQUEUE_RETRY)
    except (BrokerError, redis_lib.RedisError, OSError) as exc:
        log.error("wechat push not queued: %s", type(exc).__name__)
        _forget(client, key)
        raise PushQueueUnavailable() from exc
    return True


def _forget(client: redis_lib.Redis, key: str) -> None:
    """Lift the replay mark so WeChat's re-send is taken; if Redis is gone too, it expires."""
    try:
        client.delete(key)
    except redis_lib.RedisError:
        log.error("wechat push: replay mark not lifted; re-sends are ignored for 24 h")
