"""The global send rate, shared by every worker process and thread through Redis.

Two parts, both on Redis' clock, so the processes need not agree on time:

- a schedule of slots ``1 / rate`` seconds apart: each send reserves the next free slot and
  sleeps until it, so sends leave evenly spread instead of in bursts;
- a moving window checked at the moment of sending: the sends of the last second are kept in a
  sorted set and a send waits while it holds ``rate`` of them. Slots alone are not enough: a
  thread starved of CPU wakes late, and late threads would go out together with punctual ones.

``rate`` here is the configured limit less the headroom (see DELIVERY_RATE_HEADROOM), which
absorbs the network's jitter between our clock and WeChat's arrival times.
"""

from __future__ import annotations

import itertools
import math
import os
import threading
import time

import redis as redis_lib

SLOT_KEY = "linli:delivery:next-send-slot"
WINDOW_KEY = "linli:delivery:sends-last-second"
WINDOW_SECONDS = 1.0
# Lua numbers become integers in replies, so fractions travel as strings.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, free)
local ttl = math.ceil((slot + interval - now) * 1000) + 60000
redis.call('SET', KEYS[1], string.format('%.6f', slot + interval), 'PX', ttl)
return string.format('%.6f', slot - now)
"""
_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return string.format('%.6f', tonumber(oldest[2]) + window - now)
"""
_serial = itertools.count()
_serial_lock = threading.Lock()


def _member() -> str:
    with _serial_lock:
        return f"{os.getpid()}:{next(_serial)}"


class SendPacer:
    """Admits at most ``rate × (1 - headroom)`` sends in any second, across all processes."""

    def __init__(self, client: redis_lib.Redis, rate: float, headroom: float = 0.0) -> None:
        effective = rate * (1.0 - headroom)
        if effective < 1 or not 0 <= headroom < 1:
            raise ValueError("the rate less its headroom must allow at least 1 send a second")
        self.interval = 1.0 / effective
        self.per_window = math.floor(effective * WINDOW_SECONDS)
        self._reserve = client.register_script(_RESERVE)
        self._admit = client.register_script(_ADMIT)

    def reserve(self) -> float:
        """Reserve the next slot; returns the seconds to wait for it (0 when it is now)."""
        return max(float(self._reserve(keys=[SLOT_KEY], args=[f"{self.interval:.6f}"])), 0.0)

    def admit(self) -> float:
        """Count this send in the window if it has room (0), else the seconds until it may."""
        args = [self.per_window, WINDOW_SECONDS, _member()]
        return max(float(self._admit(keys=[WINDOW_KEY], args=args)), 0.0)

    def wait_for_slot(self) -> None:
        """Block until this caller may send (its slot has come and the window has room)."""
        time.sleep(self.reserve())
        while (wait := self.admit()) > 0:
            # Late threads went out together and filled the window: wait for its oldest send
            # to age out. Waiters wake a few milliseconds apart, as the sends they wait on left.
            time.sleep(wait)
