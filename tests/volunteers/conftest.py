"""Fixtures of the volunteers tests; after every test each balance equals its entries' sum."""

from tests.volunteers.ledger import ledger_stays_balanced  # noqa: F401 — autouse
