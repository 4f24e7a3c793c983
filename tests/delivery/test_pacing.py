"""The global send rate: no 1-second window at WeChat sees more sends than the limit."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
import redis as redis_lib

from app.delivery.chunks import send_chunk
from app.delivery.pacing import SendPacer
from app.delivery.services import Recipient, enqueue_batch
from app.subscriptions.models import TemplatePurpose
from tests.conftest import TEST_REDIS_URL
from tests.delivery.conftest import delivery_ids, send_requests


def max_in_any_window(times: list[float], window: float = 1.0) -> int:
    """The most events in any half-open interval [t, t + window)."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_max_in_any_window_counts_a_sliding_window():
    assert max_in_any_window([0.0, 0.5, 0.99, 1.0, 1.6, 3.0]) == 3
    assert max_in_any_window([0.0, 0.5, 0.99, 1.0, 1.2, 3.0]) == 4
    assert max_in_any_window([]) == 0


def test_slots_are_spaced_by_the_rate_across_clients(redis_client):
    # Two clients stand for two worker processes sharing one schedule.
    other = redis_lib.Redis.from_url(TEST_REDIS_URL)
    first, second = SendPacer(redis_client, 50), SendPacer(other, 50)

    waits = [pacer.reserve() for pacer in (first, second) * 5]

    assert waits[0] == pytest.approx(0, abs=0.01)
    gaps = [b - a for a, b in itertools.pairwise(waits)]
    assert all(gap == pytest.approx(0.02, abs=0.004) for gap in gaps)
    other.close()


def test_a_low_limit_holds_every_one_second_window_at_wechat(
    db, app, community, notice_template, person, enqueued, wechat, monkeypatch
):
    monkeypatch.setattr("app.delivery.services.dispatch_batch.delay", lambda batch_id: None)
    monkeypatch.setitem(app.config, "DELIVERY_RATE_LIMIT_PER_SECOND", 20)
    people = [person(credits=1) for _ in range(60)]
    batch = enqueue_batch(
        community_id=community.id,
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=3,
        recipients=[Recipient(p.user_id) for p in people],
        values={"title": "限速测试", "published_at": datetime(2024, 5, 1)},
    )

    send_chunk(delivery_ids(db, batch.id))

    arrivals = [r["at"] for r in send_requests(wechat)]
    assert len(arrivals) == 60
    assert max_in_any_window(arrivals) <= 20
    # And the limiter did hold them back: 60 at 20/s take at least 2 s from first to last.
    assert max(arrivals) - min(arrivals) >= 2.0


def test_the_window_holds_back_sends_that_come_late_together(redis_client):
    pacer = SendPacer(redis_client, 5)

    admitted = [pacer.admit() for _ in range(7)]

    assert admitted[:5] == [0.0] * 5
    assert all(0.9 < wait <= 1.0 for wait in admitted[5:])
