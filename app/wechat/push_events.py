"""Pushed events (消息推送): body parsing (JSON or XML), normalisation, typed views, dedup keys.

WeChat's JSON and XML disagree on shape: in JSON the subscription events carry ``List`` at the top,
an object for one entry and an array for several, with numbers often as strings; in XML the entries
are repeated ``<List>`` elements inside ``<SubscribeMsgPopupEvent>`` (… ``Change``/``Sent``).
``parse_body`` turns both into one plain, JSON-serialisable dict with ``List`` always a list.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

POPUP = "subscribe_msg_popup_event"
CHANGE = "subscribe_msg_change_event"
SENT = "subscribe_msg_sent_event"
MEDIA_CHECK = "wxa_media_check"

# The element each subscription event wraps its entries in (XML; some JSON samples too).
_WRAPPERS = {
    POPUP: "SubscribeMsgPopupEvent",
    CHANGE: "SubscribeMsgChangeEvent",
    SENT: "SubscribeMsgSentEvent",
}
# A DTD is the door to entity expansion (billion laughs) and external entities (XXE): none.
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_MAX_DEPTH = 8  # events nest three levels deep (xml > wrapper > List > field)


class PushBodyInvalid(ValueError):
    """The body is not a JSON object or an <xml> document we can read."""


@dataclass(frozen=True)
class SubscriptionDecision:
    """One template's answer in a popup (accept/reject/ban/filter…) or a later change (reject)."""

    openid: str
    template_id: str
    status: str
    popup_scene: int | None  # None for a change made in the settings page
    event: str  # POPUP or CHANGE
    created_at: int | None


@dataclass(frozen=True)
class SubscriptionSendResult:
    """The final outcome of one subscribe-message send (ErrorCode 0 is delivered)."""

    openid: str
    template_id: str
    msg_id: str
    error_code: int | None
    error_status: str
    created_at: int | None


@dataclass(frozen=True)
class MediaCheckVerdict:
    """The asynchronous verdict of ``wxa/media_check_async`` v2, matched by ``trace_id``."""

    trace_id: str
    suggest: str  # pass / review / risky
    label: int | None
    openid: str
    errcode: int | None


def parse_body(raw: bytes | str) -> dict[str, Any]:
    """The event in ``raw`` (JSON object or ``<xml>``, told apart by the first character).

    Raises PushBodyInvalid for anything else, for a DTD, or for XML that does not parse.
    """
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise PushBodyInvalid("body is not UTF-8") from exc
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        data = _parse_json(text)
    elif text.startswith("<"):
        data = _parse_xml(text)
    else:
        raise PushBodyInvalid("neither JSON nor XML")
    return _normalise(data)


def _parse_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise PushBodyInvalid("malformed JSON") from exc
    if not isinstance(data, dict):
        raise PushBodyInvalid("JSON body is not an object")
    return data


def _parse_xml(text: str) -> dict[str, Any]:
    if _DTD.search(text):
        raise PushBodyInvalid("XML with a DTD is refused")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise PushBodyInvalid("malformed XML") from exc
    data = _element_value(root)
    if not isinstance(data, dict):
        raise PushBodyInvalid("XML body has no fields")
    return data


def _element_value(element: ET.Element, depth: int = 0) -> dict[str, Any] | str:
    """Text for a leaf; for a parent a dict, a repeated child becoming a list of values."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    if depth >= _MAX_DEPTH:
        raise PushBodyInvalid("XML nested too deeply")
    value: dict[str, Any] = {}
    for child in children:
        item = _element_value(child, depth + 1)
        if child.tag not in value:
            value[child.tag] = item
        elif isinstance(value[child.tag], list):
            value[child.tag].append(item)
        else:
            value[child.tag] = [value[child.tag], item]
    return value


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """``List`` always a list of dicts at the top level; CreateTime an int when it is a number."""
    event = dict(data)
    wrapper = _WRAPPERS.get(str(event.get("Event", "")))
    if wrapper is not None:
        inner = event.pop(wrapper, None)
        entries = inner.get("List") if isinstance(inner, dict) else event.get("List")
        if entries is None:
            entries = event.get("List")
        event["List"] = _as_list(entries)
    created = as_int(event.get("CreateTime"))
    if created is not None:
        event["CreateTime"] = created
    return event


def _as_list(entries: Any) -> list[dict[str, Any]]:
    if entries is None:
        return []
    items = entries if isinstance(entries, list) else [entries]
    return [item for item in items if isinstance(item, dict)]


def as_int(value: Any) -> int | None:
    """An int from a number or a numeric string (WeChat sends both); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def event_kind(event: dict[str, Any]) -> str:
    """What handlers register on: the ``Event`` of an event push, else the ``MsgType``."""
    if _text(event.get("MsgType")) == "event" or event.get("Event"):
        return _text(event.get("Event"))
    return _text(event.get("MsgType"))


def dedup_key(event: dict[str, Any]) -> str:
    """The key a re-sent push repeats: MsgId; else trace_id; else sender + time + event + content.

    WeChat's advice for events is FromUserName + CreateTime; the content digest is added because
    two distinct events can share a second (two sends to one person each report a result), and
    a re-send carries the same content, so it still maps to the same key.
    """
    msg_id = _text(event.get("MsgId"))
    if msg_id:
        return "msg:" + msg_id
    trace_id = _text(event.get("trace_id"))
    if trace_id:
        return "trace:" + trace_id
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    sender, created = _text(event.get("FromUserName")), _text(event.get("CreateTime"))
    return f"event:{sender}:{created}:{event_kind(event)}:{digest}"


def subscription_decisions(event: dict[str, Any]) -> list[SubscriptionDecision]:
    """The per-template answers of a popup or change event (empty for any other event)."""
    kind = event_kind(event)
    if kind not in (POPUP, CHANGE):
        return []
    return [
        SubscriptionDecision(
            openid=_text(event.get("FromUserName")),
            template_id=_text(item.get("TemplateId")),
            status=_text(item.get("SubscribeStatusString")),
            popup_scene=as_int(item.get("PopupScene")) if kind == POPUP else None,
            event=kind,
            created_at=as_int(event.get("CreateTime")),
        )
        for item in _as_list(event.get("List"))
        if _text(item.get("TemplateId"))
    ]


def send_results(event: dict[str, Any]) -> list[SubscriptionSendResult]:
    """The per-message outcomes of a ``subscribe_msg_sent_event`` (empty for any other event)."""
    if event_kind(event) != SENT:
        return []
    return [
        SubscriptionSendResult(
            openid=_text(event.get("FromUserName")),
            template_id=_text(item.get("TemplateId")),
            msg_id=_text(item.get("MsgID") or item.get("MsgId")),
            error_code=as_int(item.get("ErrorCode")),
            error_status=_text(item.get("ErrorStatus")),
            created_at=as_int(event.get("CreateTime")),
        )
        for item in _as_list(event.get("List"))
    ]


def media_check_verdict(event: dict[str, Any]) -> MediaCheckVerdict | None:
    """The verdict of a ``wxa_media_check`` push; None for other events or without a trace_id."""
    if event_kind(event) != MEDIA_CHECK or not _text(event.get("trace_id")):
        return None
    result = event.get("result") if isinstance(event.get("result"), dict) else {}
    return MediaCheckVerdict(
        trace_id=_text(event.get("trace_id")),
        suggest=_text(result.get("suggest")),
        label=as_int(result.get("label")),
        openid=_text(event.get("FromUserName")),
        errcode=as_int(event.get("errcode")),
    )
