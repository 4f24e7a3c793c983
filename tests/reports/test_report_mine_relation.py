"""``/reports/mine?relation=``: the reports one filed (the default, as before), those one joined
with "me too", or both — each item saying which, each list cached under its own key and
changed at once by a "me too" or its withdrawal."""

from __future__ import annotations

import pytest

from tests.reports.conftest import file_report, step

MINE = "/api/v1/reports/mine"


def listed(person, query: str = "") -> list[tuple[int, str]]:
    page = person.get(MINE + query).json
    return [(item["id"], item["relation"]) for item in page["items"]]


@pytest.fixture
def both(db, town):
    """The reporter's light, which the neighbour joined; then the neighbour's own footpath."""
    light = file_report(town.reporter, town).json["id"]
    assert town.neighbour.post(f"/api/v1/reports/{light}/support").status_code == 200
    footpath = file_report(town.neighbour, town, "footpath", text="人行道地砖松动").json["id"]
    return light, footpath


def test_filed_is_the_default_and_lists_what_it_listed_before(db, town, both):
    light, footpath = both

    assert listed(town.neighbour) == [(footpath, "filed")]
    assert listed(town.neighbour, "?relation=filed") == [(footpath, "filed")]
    assert listed(town.reporter) == [(light, "filed")]


def test_supported_lists_the_reports_joined_and_all_lists_both_newest_first(db, town, both):
    light, footpath = both

    supported = town.neighbour.get(MINE + "?relation=supported").json
    everything = town.neighbour.get(MINE + "?relation=all").json

    assert [(i["id"], i["relation"]) for i in supported["items"]] == [(light, "supported")]
    assert supported["total"] == 1
    assert [(i["id"], i["relation"]) for i in everything["items"]] == [
        (footpath, "filed"),
        (light, "supported"),
    ]
    assert everything["total"] == 2
    assert everything["items"][1]["supporter_count"] == 1
    assert listed(town.reporter, "?relation=supported") == []


def test_all_pages_and_filters_like_the_others(db, town, both):
    light, footpath = both
    step(town.property_staff, light, "accept", "已受理")

    second = town.neighbour.get(MINE + "?relation=all&page=2&page_size=1").json

    assert ([i["id"] for i in second["items"]], second["total"]) == ([light], 2)
    assert listed(town.neighbour, "?relation=all&status=accepted") == [(light, "supported")]
    assert listed(town.neighbour, "?relation=supported&status=submitted") == []
    assert listed(town.neighbour, "?relation=all&status=open") == [
        (footpath, "filed"),
        (light, "supported"),
    ]


def test_joining_and_withdrawing_show_in_the_cached_lists_at_once(db, town):
    light = file_report(town.reporter, town).json["id"]
    assert listed(town.neighbour, "?relation=supported") == []
    assert listed(town.neighbour, "?relation=all") == []

    town.neighbour.post(f"/api/v1/reports/{light}/support")
    assert listed(town.neighbour, "?relation=supported") == [(light, "supported")]
    assert listed(town.neighbour, "?relation=all") == [(light, "supported")]
    assert listed(town.neighbour) == []  # the default list is not answered from theirs

    town.neighbour.client.delete(f"/api/v1/reports/{light}/support", headers=town.neighbour.headers)
    assert listed(town.neighbour, "?relation=supported") == []
    assert listed(town.neighbour, "?relation=all") == []


def test_a_step_on_a_joined_report_shows_in_the_supporters_list_at_once(db, town, both):
    light, _ = both
    supported = MINE + "?relation=supported"
    assert town.neighbour.get(supported).json["items"][0]["status"] == "submitted"

    step(town.property_staff, light, "accept", "已受理")

    assert town.neighbour.get(supported).json["items"][0]["status"] == "accepted"


def test_a_joined_report_hidden_from_neighbours_leaves_the_supporters_list(db, town, both):
    light, footpath = both

    hidden = town.admin.post(
        f"/api/v1/admin/reports/{light}/moderation", json={"decision": "hide", "reason": "含隐私"}
    )

    assert hidden.status_code == 200
    assert listed(town.neighbour, "?relation=supported") == []
    assert listed(town.neighbour, "?relation=all") == [(footpath, "filed")]
    assert listed(town.reporter) == [(light, "filed")]  # the reporter still has it
    assert listed(town.reporter, "?relation=all") == [(light, "filed")]


@pytest.mark.parametrize("relation", ["supported", "all"])
def test_a_page_is_read_in_one_query_with_its_total(db, town, both, sql_log, relation):
    sql_log.clear()

    page = town.neighbour.get(f"{MINE}?relation={relation}").json

    assert page["total"] == len(page["items"]) >= 1
    assert len(sql_log.reading("report")) == 1


@pytest.mark.parametrize("relation", ["mine", "FILED", "", "supporter"])
def test_an_unknown_relation_is_422(db, town, relation):
    response = town.neighbour.get(f"{MINE}?relation={relation}")

    assert response.status_code == 422
    assert (response.json["reason"], response.json["status"]) == (
        "validation_failed",
        "Unprocessable Entity",
    )
    assert list(response.json["errors"]) == ["relation"]
    assert response.json["message"]  # the toast
