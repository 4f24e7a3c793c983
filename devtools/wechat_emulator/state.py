"""In-memory emulator state: configuration, users, codes, tokens, credits and records."""

import base64
import fnmatch
import itertools
import secrets
import string
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from . import fields
from .replies import WxError
from .tokens import TokenBook

CODE_TTL = 300.0
MAX_CODES = 100_000
USED_ERRMSGS = {40163: "code been used", 40029: "invalid code"}
_ALNUM = string.ascii_letters + string.digits


class Clock:
    """Wall time plus an offset that tests advance instead of sleeping."""

    def __init__(self):
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        self.offset += seconds
        return self.now()


@dataclass
class Config:
    """What survives a reset: the account, push target, templates and content rules."""

    appid: str
    secret: str
    original_id: str = "gh_0123456789ab"
    push_url: str | None = None
    push_token: str | None = None
    push_aes_key: str | None = None
    push_format: str = "json"
    pages: list[str] | None = None
    templates: dict[str, dict] = field(default_factory=dict)
    risky_words: list[str] = field(default_factory=list)
    review_words: list[str] = field(default_factory=list)
    risky_media_markers: list[str] = field(default_factory=list)
    media_verdict_delay: float = 0.5


def new_openid() -> str:
    return "o" + secrets.token_urlsafe(21)[:27]


def _new_code() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(32))


class State:
    """Everything mutable sits behind `lock`; methods take it themselves."""

    def __init__(self, config: Config, token_ttl: float, token_grace: float, record_cap: int):
        self.lock = threading.Lock()
        self.clock = Clock()
        self.config = config
        self.tokens = TokenBook(token_ttl, token_grace)
        self.record_cap = record_cap
        self._clear()

    def _clear(self) -> None:
        self.users: dict[str, dict] = {}
        self.login_codes: OrderedDict[str, dict] = OrderedDict()
        self.phone_codes: OrderedDict[str, dict] = OrderedDict()
        self.credits: dict[tuple[str, str], int] = {}
        self.requests: deque[dict] = deque(maxlen=self.record_cap)
        self.sends: deque[dict] = deque(maxlen=self.record_cap)
        self.pushes: deque[dict] = deque(maxlen=10_000)
        self.media_checks: OrderedDict[str, dict] = OrderedDict()
        self._seq = itertools.count(1)
        self._msgid = itertools.count(3_000_000_000_000_000 + secrets.randbelow(10**12))
        self.tokens.clear()

    def reset(self) -> None:
        with self.lock:
            self._clear()
            self.clock.offset = 0.0

    def now(self) -> float:
        return self.clock.now()

    # -- configuration -------------------------------------------------------------------------

    def add_template(self, template_id: str, field_types: dict, long_term: bool = False) -> dict:
        if not template_id or not isinstance(field_types, dict) or not field_types:
            raise ValueError("template_id and a non-empty fields object are required")
        bad = [k for k, v in field_types.items() if not fields.known_type(v)]
        if bad:
            raise ValueError(f"unknown field types for {bad}; known: {sorted(fields.RULES)}, enum")
        template = {"template_id": template_id, "fields": dict(field_types), "long_term": long_term}
        with self.lock:
            self.config.templates[template_id] = template
        return template

    def template(self, template_id) -> dict | None:
        with self.lock:
            return self.config.templates.get(template_id) if isinstance(template_id, str) else None

    # -- users and codes -----------------------------------------------------------------------

    def add_user(self, openid=None, unionid=None, phone=None) -> dict:
        with self.lock:
            return self._user(openid, unionid, phone)

    def _user(self, openid=None, unionid=None, phone=None) -> dict:
        openid = openid or new_openid()
        user = self.users.setdefault(openid, {"openid": openid})
        for key, value in (("unionid", unionid), ("phone", phone)):
            if value is not None:
                user[key] = value
        return dict(user)

    def has_user(self, openid) -> bool:
        with self.lock:
            return isinstance(openid, str) and openid in self.users

    def issue_login_code(self, openid=None) -> dict:
        with self.lock:
            user = self._user(openid)
            code = self._store_code(self.login_codes, {"openid": user["openid"]})
        return {"code": code, "openid": user["openid"]}

    def issue_phone_code(self, openid, phone, country_code) -> str:
        with self.lock:
            if openid is not None:
                phone = phone or self._user(openid).get("phone")
            if not phone:
                raise ValueError("phone is required (or an openid whose user has one)")
            entry = {"openid": openid, "phone": str(phone), "country_code": country_code}
            return self._store_code(self.phone_codes, entry)

    def _store_code(self, book: OrderedDict, entry: dict) -> str:
        now = self.now()
        # Codes are stored in issue order, so the expired ones are all at the front.
        while book and (len(book) >= MAX_CODES or now - next(iter(book.values()))["at"] > CODE_TTL):
            book.popitem(last=False)
        code = _new_code()
        book[code] = {**entry, "at": now, "used": False}
        return code

    def redeem_login_code(self, code) -> dict:
        """The user behind a login code, spending it; raises 40029 / 40163."""
        with self.lock:
            entry = self._redeem(self.login_codes, code, used_errcode=40163)
            return dict(self.users[entry["openid"]])

    def redeem_phone_code(self, code) -> dict:
        with self.lock:
            return dict(self._redeem(self.phone_codes, code, used_errcode=40029))

    def _redeem(self, book: OrderedDict, code, used_errcode: int) -> dict:
        entry = book.get(code) if isinstance(code, str) else None
        if entry is None or self.now() - entry["at"] > CODE_TTL:
            raise WxError(40029, "invalid code")
        if entry["used"]:
            raise WxError(used_errcode, USED_ERRMSGS[used_errcode])
        entry["used"] = True
        return entry

    # -- subscribe-message credits -------------------------------------------------------------

    def add_credits(self, openid: str, template_id: str, count: int) -> int:
        with self.lock:
            self._user(openid)
            key = (openid, template_id)
            self.credits[key] = max(self.credits.get(key, 0) + count, 0)
            return self.credits[key]

    def credits_of(self, openid, template_id) -> int:
        with self.lock:
            return self.credits.get((openid, template_id), 0)

    def spend_and_record_send(self, template: dict, body: dict) -> int:
        """Spend one credit (none for long-term templates) and record the send; 43101 if none."""
        key = (body["touser"], template["template_id"])
        with self.lock:
            if not template["long_term"]:
                if self.credits.get(key, 0) <= 0:
                    raise WxError(43101, "user refuse to accept the msg")
                self.credits[key] -= 1
            msgid = next(self._msgid)
            self.sends.append({"msgid": msgid, "at": time.time(), **body})
            return msgid

    # -- records -------------------------------------------------------------------------------

    def record_request(self, record: dict) -> None:
        with self.lock:
            self.requests.append({"seq": next(self._seq), **record})

    def list_records(self, book: str, path=None, since=None, **match) -> list[dict]:
        with self.lock:
            items = list(getattr(self, book))
        if path:
            items = [r for r in items if fnmatch.fnmatchcase(r.get("path", ""), path)]
        if since is not None:
            items = [r for r in items if r.get("seq", 0) > since]
        for key, value in match.items():
            if value is not None:
                items = [r for r in items if r.get(key) == value]
        return items

    def record_push(self, outcome: dict) -> None:
        with self.lock:
            self.pushes.append(outcome)

    def add_media_check(self, check: dict) -> None:
        with self.lock:
            self.media_checks[check["trace_id"]] = check
            while len(self.media_checks) > self.record_cap:
                self.media_checks.popitem(last=False)


def session_key() -> str:
    return base64.b64encode(secrets.token_bytes(16)).decode()
