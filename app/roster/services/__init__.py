"""Importing the housing centre's lease roster: upload, processing, and looking imports up.

An upload is stored as a queued RosterImport and processed by a worker (``process_roster_import``):
the file is read, every row checked, and then either the whole roster is applied in one
savepoint or nothing is written and the import is refused with its list of errors.
``import_roster_file`` does both steps in the caller's transaction (CLI, demo data, bench).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import Role
from app.community.models import Building
from app.core.after_commit import run_after_commit
from app.core.audit import record_audit
from app.core.auth import Actor, RoleRequired
from app.core.clock import utcnow
from app.core.pagination import paginate
from app.extensions import db
from app.roster import tasks
from app.roster.models import RosterImport, RosterImportStatus
from app.roster.services.applying import apply_roster
from app.roster.services.errors import (
    RosterFileTooLarge,
    RosterFileUnreadable,
    RosterImportNotFound,
    RosterRefused,
)
from app.roster.services.parsing import MAX_FILE_BYTES, read_records, sniff_format
from app.roster.services.progress import ProgressReporter, clear_progress, read_progress
from app.roster.services.validation import validate_records

__all__ = [
    "RosterFileTooLarge",
    "RosterFileUnreadable",
    "RosterImportNotFound",
    "get_roster_import",
    "import_roster_file",
    "list_roster_imports",
    "process_roster_import",
    "start_roster_import",
]

log = logging.getLogger(__name__)
MAX_STORED_ERRORS = 500
FAILURE_MESSAGE = "导入时发生意外错误，名单未作任何修改，请稍后重试"
_OPEN = (RosterImportStatus.QUEUED, RosterImportStatus.RUNNING)


def start_roster_import(actor: Actor, filename: str, content: bytes) -> RosterImport:
    """Store an uploaded roster as a queued import; a worker processes it after the commit.

    Raises RosterFileTooLarge (413) over 10 MB and RosterFileUnreadable (422) for anything but
    an xlsx workbook or a UTF-8/GB18030 csv.
    """
    _require_admin(actor)
    record = _store(actor.community_id, filename, content, actor)
    run_after_commit(tasks.enqueue_roster_import, record.id)
    return record


def import_roster_file(
    community_id: int, filename: str, content: bytes, actor: Actor | None = None
) -> RosterImport:
    """Store and process a roster at once, in the current transaction (the caller commits)."""
    record = _store(community_id, filename, content, actor)
    return process_roster_import(record.id)


def _store(community_id: int, filename: str, content: bytes, actor: Actor | None) -> RosterImport:
    if len(content) > MAX_FILE_BYTES:
        raise RosterFileTooLarge()
    file_format = sniff_format(content)
    record = RosterImport(
        community_id=community_id,
        uploaded_by_user_id=getattr(actor, "user_id", None),
        filename=_base_name(filename),
        file_format=file_format,
        file_sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        status=RosterImportStatus.QUEUED,
        total_rows=0,
        processed_rows=0,
    )
    db.session.add(record)
    db.session.flush()
    detail = {"filename": record.filename, "file_format": file_format, "bytes": len(content)}
    record_audit(
        actor,
        "roster.import_started",
        "roster_import",
        record.id,
        community_id=community_id,
        detail=detail,
    )
    return record


def _base_name(filename: str) -> str:
    # Browsers on Windows may send a whole path.
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:255] or "roster"


def process_roster_import(import_id: int) -> RosterImport:
    """Parse, check and apply (or refuse) a queued import; what the worker runs.

    Imports no longer queued or running are returned untouched, so running twice is harmless.
    Sets status done / refused / failed with summary, errors and timestamps, and writes the
    audit row. Never commits; an unexpected error leaves the roster untouched (savepoint).
    """
    record = db.session.get(RosterImport, import_id)
    if record is None:
        raise RosterImportNotFound()
    if record.status not in _OPEN:
        return record
    record.status = RosterImportStatus.RUNNING
    record.started_at = record.started_at or utcnow()
    try:
        summary = _apply(record)
    except RosterRefused as refused:
        _refuse(record, refused)
    except Exception:
        log.exception("roster import %s failed", record.id)
        _fail(record)
    else:
        _finish(record, summary)
    clear_progress(record.id)
    return record


def _apply(record: RosterImport) -> dict[str, Any]:
    previous = _last_done(record)
    if previous is not None and previous.file_sha256 == record.file_sha256:
        record.total_rows = previous.total_rows
        return {"unchanged": True}
    records = read_records(record.content, record.file_format)
    record.total_rows = len(records)
    reporter = ProgressReporter(record.id, len(records))
    flats = validate_records(records, _building_ids(record.community_id))
    with db.session.begin_nested():
        summary = apply_roster(record.community_id, flats, reporter)
    return {**summary, "households_listed": len(flats), "occupants_listed": len(records)}


def _last_done(record: RosterImport):
    return db.session.execute(
        select(RosterImport.file_sha256, RosterImport.total_rows)
        .where(
            RosterImport.community_id == record.community_id,
            RosterImport.status == RosterImportStatus.DONE,
            RosterImport.id != record.id,
        )
        .order_by(RosterImport.finished_at.desc(), RosterImport.id.desc())
        .limit(1)
    ).first()


def _building_ids(community_id: int) -> dict[str, int]:
    query = select(Building.code, Building.id).where(Building.community_id == community_id)
    return dict(db.session.execute(query).all())


def _close(record: RosterImport, status: RosterImportStatus) -> None:
    record.status = status
    record.finished_at = utcnow()
    if status is not RosterImportStatus.FAILED:
        # Names and phones in clear must not outlive the import; a failed one may be retried.
        record.content = None
        record.processed_rows = record.total_rows


def _finish(record: RosterImport, summary: dict[str, Any]) -> None:
    _close(record, RosterImportStatus.DONE)
    record.summary, record.errors = summary, []
    record_audit(
        None,
        "roster.import_applied",
        "roster_import",
        record.id,
        community_id=record.community_id,
        detail=summary,
    )


def _refuse(record: RosterImport, refused: RosterRefused) -> None:
    record.total_rows = refused.total_rows or record.total_rows
    _close(record, RosterImportStatus.REFUSED)
    record.errors = refused.errors[:MAX_STORED_ERRORS]
    record.summary = {"error_count": len(refused.errors), "errors_listed": len(record.errors)}
    reasons = sorted({error["reason"] for error in refused.errors})
    record_audit(
        None,
        "roster.import_refused",
        "roster_import",
        record.id,
        community_id=record.community_id,
        detail={"error_count": len(refused.errors), "reasons": reasons},
    )


def _fail(record: RosterImport) -> None:
    _close(record, RosterImportStatus.FAILED)
    record.summary = None
    record.errors = [
        {"row": None, "column": "", "reason": "import_failed", "message": FAILURE_MESSAGE}
    ]
    record_audit(
        None, "roster.import_failed", "roster_import", record.id, community_id=record.community_id
    )


def get_roster_import(actor: Actor, import_id: int) -> RosterImport:
    """An import of the actor's community, with live progress while it runs; else 404."""
    _require_admin(actor)
    record = db.session.scalar(
        select(RosterImport).where(
            RosterImport.id == import_id, RosterImport.community_id == actor.community_id
        )
    )
    if record is None:
        raise RosterImportNotFound()
    progress = read_progress(record.id) if record.status in _OPEN else None
    if progress is not None:
        # Shown, never written back: the row gets its final counts from the worker.
        set_committed_value(record, "processed_rows", progress[0])
        set_committed_value(record, "total_rows", progress[1])
    return record


def list_roster_imports(actor: Actor, page: int, page_size: int) -> dict[str, Any]:
    """The community's imports, newest first (without their error lists)."""
    _require_admin(actor)
    query = (
        select(RosterImport)
        .where(RosterImport.community_id == actor.community_id)
        .options(defer(RosterImport.errors))
        .order_by(RosterImport.id.desc())
    )
    return paginate(query, page, page_size)


def _require_admin(actor: Actor) -> None:
    if not actor.has_role(Role.ADMIN):
        raise RoleRequired()
