"""The workflow: who may take which step from which state, and what each step leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.core.audit import AuditEntry
from app.core.auth import Actor
from app.core.clock import utcnow
from app.reports.models import Report, ReportEvent, ReportStatus
from app.reports.services import ReportReopenExpired, system_transition, transition
from tests.reports.conftest import file_report, step


@pytest.fixture
def public_report(town) -> int:
    return file_report(town.reporter, town).json["id"]


@pytest.fixture
def private_report(town) -> int:
    response = file_report(town.reporter, town, "water_electricity", text="家里厨房水管漏水")
    return response.json["id"]


def _report(db, report_id) -> Report:
    return db.session.get(Report, report_id, populate_existing=True)


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], "resolve"),
        ([], "start"),
        ([("accept", "好")], "accept"),
        ([("accept", "好"), ("resolve", "修好了")], "reject"),
        ([("reject", "不归我们管")], "accept"),
    ],
)
def test_an_illegal_transition_is_409(db, town, public_report, steps, illegal):
    for action, note in steps:
        assert step(town.property_staff, public_report, action, note).status_code == 200

    response = step(town.property_staff, public_report, illegal, "说明")

    assert (response.status_code, response.json["reason"]) == (409, "report_transition_invalid")


@pytest.mark.parametrize("action", ["cancel", "reopen", "close"])
def test_the_reporter_cannot_take_her_steps_from_the_wrong_state(db, town, public_report, action):
    step(town.property_staff, public_report, "accept", "好")

    response = step(town.reporter, public_report, action, staff=False)

    assert response.status_code == 409


def test_another_resident_gets_404_on_a_private_report_and_403_on_changing_a_public_one(
    db, town, public_report, private_report
):
    neighbour = town.neighbour

    assert neighbour.get(f"/api/v1/reports/{private_report}").status_code == 404
    assert step(neighbour, private_report, "cancel", staff=False).status_code == 404
    assert neighbour.get(f"/api/v1/reports/{public_report}").status_code == 200
    for action in ("cancel", "close", "reopen"):
        response = step(neighbour, public_report, action, staff=False)
        assert (response.status_code, response.json["reason"]) == (403, "report_action_forbidden")
    assert (
        neighbour.post(
            f"/api/v1/admin/reports/{public_report}/transitions", json={"action": "accept"}
        ).status_code
        == 403
    )  # not staff at all


def test_staff_of_another_organisation_cannot_act_on_a_report(
    db, town, public_report, private_report
):
    police = town.police_staff

    response = step(police, public_report, "accept", "我们来")
    assert (response.status_code, response.json["reason"]) == (403, "report_action_forbidden")
    assert step(police, private_report, "accept", "我们来").status_code == 404
    assert police.get(f"/api/v1/admin/reports/{private_report}").status_code == 404
    assert _report(db, public_report).status == ReportStatus.SUBMITTED


def test_the_grid_worker_of_another_grid_cannot_act(db, town, public_report, private_report):
    other = town.other_grid_worker

    assert step(other, public_report, "accept", "好").status_code == 403
    assert step(other, private_report, "accept", "好").status_code == 404


def test_the_grid_worker_and_the_organisation_see_a_private_report(db, town, private_report):
    for person in (town.grid_worker, town.property_staff, town.admin):
        response = person.get(f"/api/v1/admin/reports/{private_report}")
        assert response.status_code == 200, person.nickname
    assert town.reporter.get(f"/api/v1/reports/{private_report}").json["is_mine"] is True


def test_resolving_and_rejecting_need_a_note(db, town, public_report):
    step(town.property_staff, public_report, "accept", None)

    for action in ("resolve", "reject"):
        response = step(town.property_staff, public_report, action, "  ")
        assert (response.status_code, response.json["reason"]) == (422, "report_note_required")


def test_each_step_is_on_the_timeline_audited_and_times_the_first_response(db, town, public_report):
    step(town.property_staff, public_report, "accept", "已受理")
    step(town.property_staff, public_report, "reject", "不属于物业职责")

    report = _report(db, public_report)
    assert report.status == ReportStatus.REJECTED
    assert report.first_response_at is not None and report.listed is True
    events = db.session.scalars(
        select(ReportEvent).where(ReportEvent.report_id == public_report).order_by(ReportEvent.id)
    ).all()
    assert [(e.action, e.from_status, e.to_status, e.actor_role) for e in events[2:]] == [
        ("accept", "submitted", "accepted", "org_staff"),
        ("reject", "accepted", "rejected", "org_staff"),
    ]
    audited = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "report", AuditEntry.object_id == str(public_report)
        )
    ).all()
    assert sorted(audited) == ["report.accept", "report.reject"]


def test_the_reporter_cancels_while_submitted_and_it_leaves_the_public_list(
    db, town, public_report
):
    response = step(town.reporter, public_report, "cancel", staff=False)

    assert response.json["status"] == "cancelled"
    assert town.neighbour.get(f"/api/v1/reports/{public_report}").status_code == 404
    assert town.neighbour.get("/api/v1/reports").json["total"] == 0


def test_the_reporter_reopens_within_the_window_and_staff_take_it_up_again(db, town, public_report):
    step(town.property_staff, public_report, "accept", "好")
    step(town.property_staff, public_report, "resolve", "修好了")

    response = step(town.reporter, public_report, "reopen", "还是不亮", staff=False)

    assert response.json["status"] == "reopened"
    assert _report(db, public_report).resolved_at is None
    assert step(town.property_staff, public_report, "start", "再去看看").status_code == 200


def test_reopening_after_the_window_is_refused(db, app, town, public_report):
    step(town.property_staff, public_report, "accept", "好")
    step(town.property_staff, public_report, "resolve", "修好了")
    days = app.config["REPORT_REOPEN_DAYS"]
    reporter = Actor(town.reporter.user_id, town.community.id, frozenset(), "s")
    resolved_at = _report(db, public_report).status_changed_at

    with pytest.raises(ReportReopenExpired):
        transition(
            reporter, public_report, "reopen", now=resolved_at + timedelta(days=days, hours=1)
        )
    report = transition(reporter, public_report, "reopen", now=resolved_at + timedelta(days=days))
    assert report.status == ReportStatus.REOPENED


def test_assigning_sends_it_to_another_organisation_which_alone_may_take_it_then(
    db, town, public_report, dispatched_batches
):
    step(town.property_staff, public_report, "accept", "好")

    response = town.grid_worker.post(
        f"/api/v1/admin/reports/{public_report}/assign",
        json={"organisation_id": town.police.id, "note": "涉及治安，转派出所"},
    )

    assert response.json["status"] == "submitted"
    assert response.json["organisation_id"] == town.police.id
    assert step(town.property_staff, public_report, "start", "继续").status_code == 403
    assert step(town.police_staff, public_report, "accept", "收到").status_code == 200
    queue = town.police_staff.get("/api/v1/admin/reports/org-queue").json
    assert [i["id"] for i in queue["items"]] == [public_report]
    events = db.session.scalars(
        select(ReportEvent).where(
            ReportEvent.report_id == public_report, ReportEvent.action == "assign"
        )
    ).all()
    assert [(e.organisation_id, e.note) for e in events] == [(town.police.id, "涉及治安，转派出所")]


def test_assigning_to_an_organisation_of_another_community_is_422(db, town, public_report):
    from tests.factories import CommunityFactory, OrganisationFactory

    elsewhere = OrganisationFactory(community_id=CommunityFactory().id, name="别处物业")

    response = town.admin.post(
        f"/api/v1/admin/reports/{public_report}/assign", json={"organisation_id": elsewhere.id}
    )

    assert (response.status_code, response.json["reason"]) == (422, "report_organisation_invalid")


def test_linli_itself_may_close_a_resolved_report(db, town, public_report):
    step(town.property_staff, public_report, "accept", "好")
    step(town.property_staff, public_report, "resolve", "修好了")

    report = system_transition(public_report, "close", note="7 天未确认，自动完结", now=utcnow())

    assert report.status == ReportStatus.CLOSED and report.closed_at is not None
    last = db.session.scalars(
        select(ReportEvent)
        .where(ReportEvent.report_id == public_report)
        .order_by(ReportEvent.id.desc())
    ).first()
    assert (last.actor_user_id, last.actor_role) == (None, "system")


def test_the_detail_offers_the_steps_the_viewer_may_take(db, town, public_report):
    staff_view = town.property_staff.get(f"/api/v1/admin/reports/{public_report}").json
    mine = town.reporter.get(f"/api/v1/reports/{public_report}").json
    theirs = town.neighbour.get(f"/api/v1/reports/{public_report}").json

    assert staff_view["actions"] == ["accept", "reject", "assign"]
    assert mine["actions"] == ["cancel"]
    assert theirs["actions"] == []


def test_the_timeline_cannot_be_rewritten(db, town, public_report):
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    with pytest.raises(OperationalError), db.session.begin_nested():
        db.session.execute(
            text("UPDATE report_event SET note = 'x' WHERE report_id = :id"), {"id": public_report}
        )


def test_the_staff_view_is_for_those_who_handle_the_report(db, town, public_report):
    assert town.police_staff.get(f"/api/v1/admin/reports/{public_report}").status_code == 404
    assert town.police_staff.get(f"/api/v1/reports/{public_report}").status_code == 200
    staff_view = town.property_staff.get(f"/api/v1/admin/reports/{public_report}").json
    assert staff_view["reporter_user_id"] == town.reporter.user_id
