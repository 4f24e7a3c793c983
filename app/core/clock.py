"""Time: stored as naive UTC in MySQL, shown to people in Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    """Now, as the naive UTC datetime MySQL DATETIME columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_shanghai(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI)
