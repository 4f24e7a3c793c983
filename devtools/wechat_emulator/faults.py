"""Fault injection: rules that make matching WeChat calls fail, stall or vanish on demand."""

import fnmatch
import itertools
import random
import threading
import time
from dataclasses import dataclass, field

from .replies import Reply, json_reply, rid

KINDS = ("errcode", "http", "slow", "drop")
ERRMSGS = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40014: "invalid access_token",
    40029: "invalid code",
    40226: "high risk user",
    42001: "access_token expired",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
}
HTTP_BODIES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


@dataclass
class FaultRule:
    id: int
    path: str
    kind: str
    errcode: int = -1
    errmsg: str | None = None
    status: int = 503
    delay: float = 1.0
    count: int | None = None
    probability: float | None = None
    seed: int | None = None
    after: bool = False
    hits: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def public(self) -> dict:
        names = ("id", "path", "kind", "errcode", "errmsg", "status", "delay", "count")
        return {n: getattr(self, n) for n in (*names, "probability", "seed", "after", "hits")}

    def fires(self) -> bool:
        if self.count is not None:
            if self.count <= 0:
                return False
            self.count -= 1
        elif self.rng.random() >= self.probability:
            return False
        self.hits += 1
        return True

    def reply(self) -> Reply | None:
        """The answer this fault puts in place of WeChat's, or None to answer normally."""
        if self.kind == "slow":
            time.sleep(self.delay)
            return None
        if self.kind == "drop":
            return Reply(status=0, drop=True)
        if self.kind == "http":
            text = HTTP_BODIES.get(self.status, "Error")
            body = f"<html><body>{self.status} {text}</body></html>".encode()
            return Reply(status=self.status, body=body, content_type="text/html")
        errmsg = self.errmsg or f"{ERRMSGS.get(self.errcode, 'emulated fault')} rid: {rid()}"
        return json_reply({"errcode": self.errcode, "errmsg": errmsg})


def _number(spec: dict, key: str, kind: type, default=None):
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    return kind(value)


def build_rule(rule_id: int, spec: dict) -> FaultRule:
    """A rule from the control API's JSON; raises ValueError when it cannot be honoured."""
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    count = _number(spec, "count", int)
    probability = _number(spec, "probability", float)
    if (count is None) == (probability is None):
        raise ValueError("give exactly one trigger: count (next N calls) or probability (0..1)")
    if probability is not None and not 0 <= probability <= 1:
        raise ValueError("probability must be within 0..1")
    status = _number(spec, "status", int, 503)
    if kind == "http" and not 400 <= status <= 599:
        raise ValueError("status must be 4xx or 5xx")
    seed = spec.get("seed")
    return FaultRule(
        id=rule_id,
        path=str(spec.get("path") or "*").lstrip("/"),
        kind=kind,
        errcode=_number(spec, "errcode", int, -1),
        errmsg=spec.get("errmsg"),
        status=status,
        delay=_number(spec, "delay", float, 1.0),
        count=count,
        probability=probability,
        seed=seed,
        after=bool(spec.get("after", False)),
        rng=random.Random(seed),
    )


class FaultBook:
    """The active rules, checked in the order they were added; the first that fires wins."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> dict:
        with self._lock:
            rule = build_rule(next(self._ids), spec)
            self._rules.append(rule)
            return rule.public()

    def remove(self, rule_id: int | None = None) -> int:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if rule_id is not None and r.id != rule_id]
            return before - len(self._rules)

    def list(self) -> list[dict]:
        with self._lock:
            return [r.public() for r in self._rules]

    def match(self, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if fnmatch.fnmatchcase(path, rule.path) and rule.fires():
                    return rule
        return None
