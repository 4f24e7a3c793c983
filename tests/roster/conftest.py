"""Fixtures of the roster tests: a community with buildings 1 and 2, and a recorded queue."""

from __future__ import annotations

import pytest

from tests.factories import BuildingFactory


@pytest.fixture(autouse=True)
def enqueued(monkeypatch):
    """Import ids handed to the queue (nothing reaches a real broker)."""
    ids: list[int] = []
    monkeypatch.setattr("app.roster.tasks.enqueue_roster_import", ids.append)
    return ids


@pytest.fixture
def buildings(db, community):
    return [BuildingFactory(community_id=community.id, code=code) for code in ("1", "2")]
