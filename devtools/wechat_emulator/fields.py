"""Subscribe-message data rules: which values each template keyword type accepts."""

import re
from collections.abc import Callable

from .replies import WxError

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_DATE = r"\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)"
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
_TIME_VALUE = re.compile(rf"(?:{_DATE}\s*)?{_TIME}")
_DATE_VALUE = re.compile(rf"{_DATE}(?:\s*{_TIME})?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LETTER = re.compile(r"[A-Za-z]{1,32}")
_ASCII = re.compile(r"[\x20-\x7e]{1,32}")
_PHONE = re.compile(r"[0-9+\-() ]{1,17}")
_CAR = re.compile(f"[{_CJK}]?[A-Za-z0-9]+[{_CJK}]?")
_PHRASE = re.compile(f"[{_CJK}]{{1,5}}")
_AMOUNT = re.compile(r"[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?")


def _ranged(pattern: re.Pattern) -> Callable[[str], bool]:
    # time and date accept one value or a range "a~b".
    def check(value: str) -> bool:
        parts = value.split("~")
        return len(parts) <= 2 and all(pattern.fullmatch(part.strip()) for part in parts)

    return check


def _name(value: str) -> bool:
    # Mixed Chinese and letters counts as a Chinese name (10); digits are not a name.
    if any(ch.isdigit() for ch in value):
        return False
    return len(value) <= (10 if _HAS_CJK.search(value) else 20)


def _symbol(value: str) -> bool:
    return len(value) <= 5 and not any(ch.isalnum() or ch.isspace() for ch in value)


RULES: dict[str, Callable[[str], bool]] = {
    "thing": lambda v: len(v) <= 20,
    "number": lambda v: len(v) <= 32 and bool(_NUMBER.fullmatch(v)),
    "letter": lambda v: bool(_LETTER.fullmatch(v)),
    "symbol": _symbol,
    "character_string": lambda v: bool(_ASCII.fullmatch(v)),
    "phone_number": lambda v: bool(_PHONE.fullmatch(v)),
    "car_number": lambda v: len(v) <= 8 and bool(_CAR.fullmatch(v)),
    "name": _name,
    "phrase": lambda v: bool(_PHRASE.fullmatch(v)),
    "amount": lambda v: bool(_AMOUNT.fullmatch(v)),
    "time": _ranged(_TIME_VALUE),
    "date": _ranged(_DATE_VALUE),
}


def known_type(spec) -> bool:
    """A field type is one of RULES, or "enum" optionally followed by ":a|b|c"."""
    return isinstance(spec, str) and (spec in RULES or spec == "enum" or spec.startswith("enum:"))


def value_ok(spec: str, value) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    if spec.startswith("enum"):
        allowed = spec.partition(":")[2]
        return not allowed or value in allowed.split("|")
    return RULES[spec](value)


def check_data(fields: dict[str, str], data) -> None:
    """Raise 47003 naming the first template field whose value WeChat would refuse."""
    if not isinstance(data, dict):
        raise WxError(47003, "argument invalid! data is empty")
    for key, spec in fields.items():
        entry = data.get(key)
        value = entry.get("value") if isinstance(entry, dict) else None
        if not value_ok(spec, value):
            raise WxError(47003, f"argument invalid! data.{key}.value invalid")
