"""The worker's tasks: an import is processed once however often its message comes; sweeping."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from app.core.audit import AuditEntry
from app.core.clock import utcnow
from app.roster.models import RosterImport, RosterImportStatus
from app.roster.services import start_roster_import
from app.roster.tasks import process_roster_import_task, requeue_stuck_roster_imports
from tests.roster.sheets import small_roster, xlsx_bytes


def _admin_actor(admin, community):
    from app.core.auth import Actor

    return Actor(admin.user_id, community.id, frozenset({"admin"}), "session")


def _applied_audits(db, import_id):
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "roster.import_applied", AuditEntry.object_id == str(import_id))
    )


def test_the_task_run_twice_processes_the_import_once(db, admin, community, buildings):
    record = start_roster_import(
        _admin_actor(admin, community), "名单.xlsx", xlsx_bytes(small_roster())
    )
    db.session.commit()

    process_roster_import_task(record.id)
    process_roster_import_task(record.id)

    stored = db.session.get(RosterImport, record.id)
    db.session.refresh(stored)
    assert stored.status is RosterImportStatus.DONE
    assert stored.summary["households_created"] == 3
    assert _applied_audits(db, record.id) == 1


def test_the_task_leaves_an_import_claimed_by_another_worker_alone(db, admin, community, buildings):
    record = start_roster_import(
        _admin_actor(admin, community), "名单.xlsx", xlsx_bytes(small_roster())
    )
    record.status = RosterImportStatus.RUNNING
    db.session.commit()

    process_roster_import_task(record.id)

    assert _applied_audits(db, record.id) == 0


def _backdate(db, import_id, **columns):
    db.session.execute(update(RosterImport).where(RosterImport.id == import_id).values(**columns))


def test_the_sweeper_requeues_imports_stuck_in_queued_or_abandoned_running(
    db, admin, community, buildings, enqueued
):
    actor = _admin_actor(admin, community)
    content = xlsx_bytes(small_roster())
    lost, fresh, abandoned = (start_roster_import(actor, "名单.xlsx", content) for _ in range(3))
    db.session.commit()
    enqueued.clear()
    long_ago = utcnow() - timedelta(hours=1)
    _backdate(db, lost.id, created_at=utcnow() - timedelta(minutes=3))
    _backdate(db, abandoned.id, created_at=long_ago, started_at=long_ago, status="running")

    assert requeue_stuck_roster_imports() == 2

    assert sorted(enqueued) == [lost.id, abandoned.id]
    status = db.session.scalar(select(RosterImport.status).where(RosterImport.id == abandoned.id))
    assert status is RosterImportStatus.QUEUED
    assert fresh.id not in enqueued


def test_the_sweeper_runs_every_minute_from_the_beat_schedule(app):
    entries = app.config["CELERY_BEAT_SCHEDULE"].values()

    assert {"task": "roster.requeue_stuck_imports", "schedule": 60.0} in entries
