"""The workflow of a report: every step, who may take it and from which states, in one table.

    submitted → accepted → in_progress → resolved → closed
    rejected (with a reason) from any open state; reopened by the reporter after resolved or
    rejected, within REPORT_REOPEN_DAYS (which withdraws a rating); cancelled by the reporter
    while still submitted;
    assign (to another organisation) sends an open report back to submitted for its new party.

Every step appends a timeline event; a step that changes the status queues a WeChat message
to the followers; staff steps are audited. Order of refusals: cannot read it → 404, may not take
this step → 403, not from this state → 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, Forbidden, Invalid
from app.extensions import db
from app.reports.models import OPEN_STATUSES, Report, ReportStatus
from app.reports.services.access import (
    ADMIN,
    HANDLERS,
    ORG_STAFF,
    REPORTER,
    SYSTEM,
    SYSTEM_STANDING,
    ReportNotFound,
    Standing,
    get_report,
)
from app.reports.services.notifying import notify_status_change
from app.reports.services.rating import withdraw_rating
from app.reports.services.routing import check_new_organisation
from app.reports.services.timeline import record_event
from app.reports.services.totals import lists_changed

S = ReportStatus


@dataclass(frozen=True)
class Transition:
    sources: frozenset[ReportStatus]
    target: ReportStatus
    parties: frozenset[str]
    needs_note: bool = False


TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.SUBMITTED, S.REOPENED}), S.ACCEPTED, HANDLERS),
    "start": Transition(frozenset({S.ACCEPTED, S.REOPENED}), S.IN_PROGRESS, HANDLERS),
    "resolve": Transition(
        frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REOPENED}), S.RESOLVED, HANDLERS, needs_note=True
    ),
    "reject": Transition(OPEN_STATUSES, S.REJECTED, HANDLERS, needs_note=True),
    "assign": Transition(OPEN_STATUSES, S.SUBMITTED, HANDLERS),
    "close": Transition(frozenset({S.RESOLVED}), S.CLOSED, frozenset({REPORTER, ADMIN, SYSTEM})),
    "reopen": Transition(frozenset({S.RESOLVED, S.REJECTED}), S.REOPENED, frozenset({REPORTER})),
    "cancel": Transition(frozenset({S.SUBMITTED}), S.CANCELLED, frozenset({REPORTER})),
}
STAFF_ACTIONS = ("accept", "start", "resolve", "reject", "close")
REPORTER_ACTIONS = ("cancel", "close", "reopen")
# The first of these by those who handle a report is its first response (response rate).
# An assignment is triage, not an answer: the new organisation has yet to respond.
_RESPONSES = frozenset({"accept", "start", "resolve", "reject"})


class ReportTransitionInvalid(Conflict):
    reason = "report_transition_invalid"
    message = "报事当前状态不能进行此操作"


class ReportActionForbidden(Forbidden):
    reason = "report_action_forbidden"
    message = "您无权对该报事进行此操作"


class ReportNoteRequired(Invalid):
    reason = "report_note_required"
    message = "请填写处理说明或驳回理由"


class ReportReopenExpired(Conflict):
    reason = "report_reopen_expired"
    message = "已超过可重新打开的期限"


def reopen_until(report: Report) -> datetime | None:
    """Until when the reporter may reopen the report (REPORT_REOPEN_DAYS after it was resolved
    or rejected), passed or not; None in a state it cannot be reopened from."""
    if report.status not in TRANSITIONS["reopen"].sources:
        return None
    return report.status_changed_at + timedelta(days=current_app.config["REPORT_REOPEN_DAYS"])


def allowed_actions(standing: Standing, report: Report, now: datetime | None = None) -> list[str]:
    """The steps this standing may take on the report now (for the client's buttons): those
    its state allows, reopen only until ``reopen_until``."""
    now = now or _now()
    return [
        action
        for action, step in TRANSITIONS.items()
        if report.status in step.sources
        and standing.acting_as(step.parties)
        and (action != "reopen" or now <= reopen_until(report))
    ]


def transition(
    actor: Actor,
    report_id: int,
    action: str,
    *,
    note: str | None = None,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> Report:
    """Take ``action`` on a report as ``actor``; ``organisation_id`` is the new party of
    ``assign``. Raises ReportNotFound, ReportActionForbidden, ReportTransitionInvalid,
    ReportNoteRequired, ReportReopenExpired, ReportOrganisationInvalid."""
    report, standing = get_report(actor, report_id, for_update=True)
    return _apply(report, standing, action, actor, note, organisation_id, now or _now())


def system_transition(report_id: int, action: str, *, note: str, now: datetime | None = None):
    """A step taken by linli itself (closing resolved reports nobody confirmed …)."""
    report = db.session.get(Report, report_id, with_for_update=True)
    if report is None:
        raise ReportNotFound()
    return _apply(report, SYSTEM_STANDING, action, None, note, None, now or _now())


def _now() -> datetime:
    return utcnow().replace(microsecond=0)  # as the DATETIME columns keep it


def _apply(report, standing, action, actor, note, organisation_id, now) -> Report:
    step, party = _permitted(report, standing, action, note, now)
    if action == "assign":
        organisation = check_new_organisation(report, organisation_id)
        report.organisation_id = organisation.id
        note = note or f"转派至{organisation.name}"
    before = report.status
    _enter(report, step.target, now)
    if party in HANDLERS and action in _RESPONSES and report.first_response_at is None:
        report.first_response_at = now
    db.session.flush()
    user_id = actor.user_id if actor else None
    # Staff of an organisation act for it; an assignment names the new organisation.
    acting_for = report.organisation_id if party == ORG_STAFF or action == "assign" else None
    record_event(
        report,
        actor_user_id=user_id,
        actor_role=party,
        action=action,
        from_status=before.value,
        to_status=step.target.value,
        note=note,
        organisation_id=acting_for,
    )
    if party in HANDLERS:
        record_audit(actor, f"report.{action}", "report", report.id, detail={"from": before.value})
    if step.target != before:
        notify_status_change(report, note=note, actor_user_id=user_id, now=now)
    lists_changed(report.community_id)
    return report


def _permitted(report, standing, action, note, now) -> tuple[Transition, str]:
    """The step and the party taking it, or the refusal (403, 409, 422) in that order."""
    step = TRANSITIONS.get(action)
    party = standing.acting_as(step.parties) if step else None
    if step is None or party is None:
        raise ReportActionForbidden()
    if report.status not in step.sources:
        raise ReportTransitionInvalid()
    if step.needs_note and not (note or "").strip():
        raise ReportNoteRequired()
    if action == "reopen" and now > reopen_until(report):
        raise ReportReopenExpired()
    return step, party


def _enter(report: Report, target: ReportStatus, now: datetime) -> None:
    report.status = target
    report.status_changed_at = now
    if target == S.RESOLVED:
        report.resolved_at = now
    elif target == S.CLOSED:
        report.closed_at = now
    elif target == S.REOPENED:
        report.resolved_at = None  # resolved again later, at its own time
        withdraw_rating(report)  # it rated a resolution that no longer stands
    report.refresh_listed()
