"""A resident's own list keeps its total in Redis too, and a change to her reports recounts it."""

from __future__ import annotations

from tests.reports.conftest import file_report, step


def test_the_own_list_total_follows_every_change(db, town):
    mine = "/api/v1/reports/mine"
    assert town.reporter.get(mine).json["total"] == 0

    first = file_report(town.reporter, town).json["id"]
    file_report(town.reporter, town, "water_electricity", text="家里厨房水管漏水")
    assert town.reporter.get(mine).json["total"] == 2
    assert town.reporter.get(mine + "?status=submitted").json["total"] == 2

    step(town.reporter, first, "cancel", staff=False)

    assert town.reporter.get(mine + "?status=submitted").json["total"] == 1
    assert town.reporter.get(mine).json["total"] == 2
    assert town.neighbour.get(mine).json["total"] == 0
