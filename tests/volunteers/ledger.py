"""The check every activities and volunteers test ends with: each balance of the hours ledger
equals the sum of its entries."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.volunteers.models import HoursBalance, HoursEntry
from app.volunteers.services import ledger_mismatches


@pytest.fixture(autouse=True)
def ledger_stays_balanced(request):
    """After a test on the database, no balance differs from its entries' sum."""
    if "db" not in request.fixturenames:
        yield
        return
    database = request.getfixturevalue("db")  # set up first, so torn down after this check
    yield
    communities = set(database.session.scalars(select(HoursEntry.community_id).distinct()))
    communities |= set(database.session.scalars(select(HoursBalance.community_id).distinct()))
    for community_id in sorted(communities):
        assert ledger_mismatches(community_id) == []
