"""Template data: each value checked and shortened to WeChat's field rules before it is sent.

A value that cannot be made valid raises TemplateValueInvalid here, before any send: a WeChat
47003 would mean our bug reached WeChat. Free text (``thing``, ``name``) is shortened with "…";
codes and numbers are never cut, since a shortened code is a wrong code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.clock import SHANGHAI, to_shanghai
from app.core.errors import Invalid

ELLIPSIS = "…"
# A mapping value starting with "=" is a literal ("=社区居委会"), not the name of a value.
LITERAL = "="
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LETTERS = re.compile(r"[A-Za-z]+")
_ASCII = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
_PHONE = re.compile(r"[0-9+\-() ]{1,17}")
_CAR = re.compile(f"[{_CJK}]?[A-Za-z0-9]+[{_CJK}]?")
_PHRASE = re.compile(f"[{_CJK}]{{1,5}}")
_AMOUNT = re.compile(r"[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?")
_DATE = r"\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)"
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
_TIME_TEXT = re.compile(rf"(?:{_DATE}\s*)?{_TIME}")
_DATE_TEXT = re.compile(rf"{_DATE}(?:\s*{_TIME})?")
_KEY = re.compile(r"[a-z_]+\d+")

THING_MAX = 20
NAME_MAX_CJK, NAME_MAX_LATIN = 10, 20


class TemplateValueInvalid(Invalid):
    """A value for a template field that WeChat would refuse and we cannot repair."""

    reason = "template_value_invalid"
    message = "订阅消息内容不符合微信的格式要求"


class TemplateSpecInvalid(Invalid):
    """A template's fields or mapping are not something we can fill."""

    reason = "template_spec_invalid"
    message = "订阅消息模板的字段配置有误"


def _text(value: Any) -> str:
    """One line of text: whitespace (newlines too) collapsed, ends stripped."""
    if isinstance(value, bytes | bytearray):
        raise TypeError("bytes are not text")
    return _SPACES.sub(" ", str(value)).strip()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _thing(value: Any) -> str:
    return _shorten(_text(value), THING_MAX)


def _name(value: Any) -> str:
    text = _text(value)
    if any(ch.isdigit() for ch in text):
        raise ValueError("a name has no digits")
    return _shorten(text, NAME_MAX_CJK if _HAS_CJK.search(text) else NAME_MAX_LATIN)


def _plain_number(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    return _text(value)


def _number(value: Any) -> str:
    text = _plain_number(value)
    if not _NUMBER.fullmatch(text) or len(text) > 32:
        raise ValueError("at most 32 digits, no sign")
    return text


def _amount(value: Any) -> str:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        try:
            value = f"{Decimal(str(value)):.2f}元"
        except InvalidOperation as exc:
            raise ValueError("not an amount") from exc
    return _matching(_AMOUNT, "a currency symbol and at most 10 digits")(value)


def _matching(pattern: re.Pattern, rule: str, limit: int = 32) -> Callable[[Any], str]:
    def render(value: Any) -> str:
        text = _text(value)
        if len(text) > limit or not pattern.fullmatch(text):
            raise ValueError(rule)
        return text

    return render


def _symbol(value: Any) -> str:
    text = _text(value)
    if not 0 < len(text) <= 5 or any(ch.isalnum() or ch.isspace() for ch in text):
        raise ValueError("at most 5 symbols")
    return text


def _moment(value: Any, fmt: str, pattern: re.Pattern) -> str:
    if isinstance(value, datetime):
        # Naive datetimes are UTC, as stored; aware ones are converted as they are.
        local = to_shanghai(value) if value.tzinfo is None else value.astimezone(SHANGHAI)
        return local.strftime(fmt)
    if isinstance(value, date):
        if "%H" in fmt:
            raise ValueError("a time needs a datetime, not a date")
        return value.strftime(fmt)
    if isinstance(value, list | tuple) and len(value) == 2:
        return "~".join(_moment(part, fmt, pattern) for part in value)
    text = _text(value)
    if not all(pattern.fullmatch(part.strip()) for part in text.split("~", 1)):
        raise ValueError("a 24-hour date/time, or a range a~b")
    return text


def _time(value: Any) -> str:
    return _moment(value, "%Y-%m-%d %H:%M", _TIME_TEXT)


def _date(value: Any) -> str:
    return _moment(value, "%Y-%m-%d", _DATE_TEXT)


RENDERERS: dict[str, Callable[[Any], str]] = {
    "thing": _thing,
    "number": _number,
    "letter": _matching(_LETTERS, "at most 32 letters"),
    "symbol": _symbol,
    "character_string": _matching(_ASCII, "at most 32 letters, digits or symbols"),
    "phone_number": _matching(_PHONE, "at most 17 digits and +-() ", limit=17),
    "car_number": _matching(_CAR, "a licence plate of at most 8 characters", limit=8),
    "name": _name,
    "phrase": _matching(_PHRASE, "1 to 5 Chinese characters", limit=5),
    "amount": _amount,
    "time": _time,
    "date": _date,
}


def known_type(field_type: Any) -> bool:
    """One of RENDERERS, or "enum" optionally listing its values: "enum:待处理|已完成"."""
    return isinstance(field_type, str) and (
        field_type in RENDERERS or field_type == "enum" or field_type.startswith("enum:")
    )


def _enum(field_type: str, value: Any) -> str:
    text = _text(value)
    allowed = field_type.partition(":")[2]
    if allowed and text not in allowed.split("|"):
        raise ValueError(f"one of {allowed}")
    if len(text) > THING_MAX:
        raise ValueError("an enum value of at most 20 characters")
    return text


def render_value(field_type: str, value: Any) -> str:
    """The WeChat-valid text for ``value``; raises ValueError/TypeError when there is none."""
    if value is None:
        raise ValueError("missing")
    if field_type.startswith("enum"):
        text = _enum(field_type, value)
    else:
        text = RENDERERS[field_type](value)
    if not text:
        raise ValueError("empty")
    return text


def check_spec(template_fields: Mapping[str, Any], mapping: Mapping[str, Any]) -> None:
    """Raise TemplateSpecInvalid unless every field has a known type and exactly one mapping."""
    errors: dict[str, list[str]] = {}
    if not template_fields:
        errors["fields"] = ["至少需要一个字段"]
    for key, field_type in template_fields.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            errors[str(key)] = ["字段名应形如 thing1"]
        elif not known_type(field_type):
            errors[key] = [f"未知的字段类型 {field_type!r}"]
        elif not isinstance(mapping.get(key), str) or not mapping[key].strip():
            errors[key] = ["缺少取值来源"]
    for key in set(mapping) - set(template_fields):
        errors[str(key)] = ["模板中没有该字段"]
    if errors:
        raise TemplateSpecInvalid(errors=errors)


def render_data(
    template_fields: Mapping[str, str],
    mapping: Mapping[str, str],
    values: Mapping[str, Any],
) -> dict[str, dict[str, str]]:
    """``{"thing1": {"value": "…"}, …}`` for one send, every value valid for its field type.

    ``mapping`` names, per template key, the entry of ``values`` to use ("=text" is a literal).
    Raises TemplateSpecInvalid for a broken template and TemplateValueInvalid (naming the
    template keys) for values that are missing or cannot be made valid.
    """
    check_spec(template_fields, mapping)
    data: dict[str, dict[str, str]] = {}
    errors: dict[str, list[str]] = {}
    for key, field_type in template_fields.items():
        source = mapping[key]
        value = source[len(LITERAL) :] if source.startswith(LITERAL) else values.get(source)
        try:
            data[key] = {"value": render_value(field_type, value)}
        except (ValueError, TypeError) as exc:
            errors[key] = [f"{source}: {exc}"]
    if errors:
        raise TemplateValueInvalid(errors=errors)
    return data
