"""Moderators' decisions on report texts WeChat held for review (or that staff must hide)."""

from __future__ import annotations

from typing import Literal

from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Forbidden
from app.extensions import db
from app.reports.models import Report, TextModeration
from app.reports.services.access import ADMIN, get_report
from app.reports.services.totals import lists_changed

Decision = Literal["release", "hide"]
_OUTCOMES = {"release": TextModeration.PASS, "hide": TextModeration.HIDDEN}


class ReportModerationForbidden(Forbidden):
    reason = "report_moderation_forbidden"
    message = "只有社区管理员可以审核报事内容"


def moderate_text(actor: Actor, report_id: int, decision: Decision, reason: str) -> Report:
    """Release a held report to its neighbours, or hide one from them (admins). Audited.

    Hidden reports stay visible to their reporter and those who handle them, and keep moving
    through the workflow; only the public list and page lose them.
    """
    if not actor.has_role(ADMIN):
        raise ReportModerationForbidden()
    report, _ = get_report(actor, report_id, for_update=True)
    before = report.moderation
    report.moderation = _OUTCOMES[decision]
    report.refresh_listed()
    db.session.flush()
    lists_changed(report.community_id)
    record_audit(
        actor,
        f"report.{decision}",
        "report",
        report.id,
        reason=reason,
        detail={"from": before.value, "to": report.moderation.value},
    )
    return report
