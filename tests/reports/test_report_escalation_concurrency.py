"""Escalation runs at the same moment on several workers, committed for real: every step is
taken exactly once, and a report someone else holds is skipped, not waited for."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text

from app.accounts.models import Membership, MembershipRole, Role, User
from app.community.models import Building, Community, Grid, GridWorker
from app.core.clock import utcnow
from app.delivery.models import Delivery, DeliveryBatch
from app.extensions import db
from app.reports.models import Report, ReportCategory, ReportEvent, ReportStatus
from app.reports.services import escalate_overdue
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose
from tests.factories import BuildingFactory, CommunityFactory, GridFactory, UserFactory
from tests.reports.conftest import FIELDS, MAPPING, TEMPLATE_ID

REPORTS, RUNS = 30, 4


def _people(community_id: int, grid_id: int) -> list[int]:
    reporter, worker, admin = UserFactory(), UserFactory(), UserFactory()
    membership = Membership(community_id=community_id, user_id=admin.id)
    db.session.add(membership)
    db.session.flush()
    db.session.add(MembershipRole(membership_id=membership.id, role=Role.ADMIN))
    db.session.add(GridWorker(community_id=community_id, grid_id=grid_id, user_id=worker.id))
    return [reporter.id, worker.id, admin.id]


def _overdue_reports(community_id, category, building, reporter_id) -> list[int]:
    filed = utcnow().replace(microsecond=0) - timedelta(hours=30)
    reports = [
        Report(
            community_id=community_id,
            category_id=category.id,
            reporter_user_id=reporter_id,
            text=f"路灯不亮 {n}",
            building_id=building.id,
            grid_id=building.grid_id,
            is_public=True,
            listed=True,
            status=ReportStatus.SUBMITTED,
            status_changed_at=filed,
            response_due_at=filed + timedelta(hours=24),
            resolution_due_at=filed + timedelta(hours=72),
        )
        for n in range(REPORTS)
    ]
    db.session.add_all(reports)
    db.session.flush()
    return [r.id for r in reports]


@pytest.fixture
def overdue(app):
    """REPORTS reports past their response deadline in a community of their own, committed;
    removed afterwards (report_event refuses DELETE, so it is emptied with TRUNCATE: in the
    test database only this test ever commits timeline rows)."""
    with app.app_context():
        community = CommunityFactory()
        grid = GridFactory(community_id=community.id)
        building = BuildingFactory(community_id=community.id, grid_id=grid.id)
        category = ReportCategory(
            community_id=community.id, code="street_light", name="路灯",
            response_hours=24, resolution_hours=72, is_public=True,
        )  # fmt: skip
        db.session.add(category)
        db.session.add(
            SubscribeTemplate(
                community_id=community.id, purpose=TemplatePurpose.REPORT_UPDATE,
                template_id=TEMPLATE_ID, title="报事进度提醒", fields=FIELDS, mapping=MAPPING,
                page="pages/report/detail",
            )
        )  # fmt: skip
        db.session.flush()
        people = _people(community.id, grid.id)
        ids = _overdue_reports(community.id, category, building, people[0])
        db.session.commit()
        community_id = community.id
    yield community_id, ids
    with app.app_context():
        _remove(community_id, people)


def _remove(community_id: int, people: list[int]) -> None:
    foreign = db.session.scalar(
        select(func.count()).where(ReportEvent.community_id != community_id)
    )
    assert foreign == 0, "report_event holds committed rows of another test"
    db.session.execute(text("TRUNCATE TABLE report_event"))
    batches = select(DeliveryBatch.id).where(DeliveryBatch.community_id == community_id)
    db.session.execute(delete(Delivery).where(Delivery.batch_id.in_(batches)))
    for model in (DeliveryBatch, SubscribeTemplate, Report, ReportCategory, GridWorker):
        db.session.execute(delete(model).where(model.community_id == community_id))
    memberships = select(Membership.id).where(Membership.community_id == community_id)
    db.session.execute(delete(MembershipRole).where(MembershipRole.membership_id.in_(memberships)))
    for model in (Membership, Building, Grid):
        db.session.execute(delete(model).where(model.community_id == community_id))
    db.session.execute(delete(User).where(User.id.in_(people)))
    db.session.execute(delete(Community).where(Community.id == community_id))
    db.session.commit()


def _figures(community_id: int) -> tuple[dict[int, int], int, int]:
    levels = dict(
        db.session.execute(
            select(Report.id, Report.escalation_level).where(Report.community_id == community_id)
        ).all()
    )
    events = db.session.scalar(
        select(func.count()).where(
            ReportEvent.community_id == community_id, ReportEvent.action == "escalate"
        )
    )
    batches = db.session.scalar(
        select(func.count()).where(
            DeliveryBatch.community_id == community_id,
            DeliveryBatch.source_type == "report_escalation",
        )
    )
    return levels, events, batches


def test_beat_runs_at_the_same_moment_take_every_step_exactly_once(app, overdue):
    community_id, ids = overdue
    start = threading.Barrier(RUNS)
    taken: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            start.wait()
            try:
                taken.append(escalate_overdue())
                db.session.commit()
            except BaseException as error:  # reported below
                db.session.rollback()
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with app.app_context():
        levels, events, batches = _figures(community_id)
    assert sum(taken) == REPORTS
    assert levels == dict.fromkeys(ids, 1)
    assert (events, batches) == (REPORTS, REPORTS)


def test_a_report_another_run_holds_is_skipped_now_and_taken_next_time(app, overdue):
    community_id, ids = overdue
    with app.app_context():
        with db.engine.connect() as other:
            other.execute(text("SELECT id FROM report WHERE id = :id FOR UPDATE"), {"id": ids[0]})
            first = escalate_overdue()  # would wait for the lock without SKIP LOCKED
            db.session.commit()
            other.rollback()
        second = escalate_overdue()
        db.session.commit()
        levels, events, _ = _figures(community_id)

    assert (first, second) == (REPORTS - 1, 1)
    assert levels == dict.fromkeys(ids, 1) and events == REPORTS
