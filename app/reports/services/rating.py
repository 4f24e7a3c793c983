"""The reporter's rating of how a report was handled: 1–5 stars and an optional comment.

Rules: only the reporter rates, only a resolved or closed report, and once per resolution —
a rating cannot be changed, but reopening the report withdraws it (the timeline keeps it), so
the reporter rates the outcome that finally stands. Sending the same rating again is no error
(a retried request); a different one is refused. The comment passes WeChat's content check
like the report's text (``risky`` refused); it is shown to the reporter and to those who
handle the report, never to neighbours, whose timeline shows the stars alone.
"""

from __future__ import annotations

from datetime import datetime

from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, Forbidden
from app.extensions import db
from app.media.moderation import RISKY, check_text
from app.reports.models import Report, ReportStatus
from app.reports.services.access import REPORTER, Standing, get_report
from app.reports.services.submitting import ReportTextRisky
from app.reports.services.timeline import record_event

RATABLE = frozenset({ReportStatus.RESOLVED, ReportStatus.CLOSED})
SATISFIED_FROM = 4  # a rating of 4 or 5 counts as satisfied (the satisfaction rate)


class ReportRatingForbidden(Forbidden):
    reason = "report_rating_forbidden"
    message = "只有报事人可以评价"


class ReportNotRatable(Conflict):
    reason = "report_not_ratable"
    message = "报事办结后才能评价"


class ReportAlreadyRated(Conflict):
    reason = "report_already_rated"
    message = "您已评价过该报事"


def rate_report(
    actor: Actor,
    report_id: int,
    *,
    rating: int,
    comment: str | None = None,
    now: datetime | None = None,
) -> Report:
    """Record the reporter's rating (1–5) and comment, and a ``rate`` step in the timeline.

    Raises ReportNotFound (may not read it), ReportRatingForbidden (not the reporter),
    ReportNotRatable (not resolved or closed), ReportAlreadyRated (rated differently before),
    ReportTextRisky (the comment), 503 when WeChat's check is unavailable (nothing saved).
    """
    comment = (comment or "").strip() or None
    report, standing = get_report(actor, report_id)
    if _check(report, standing, rating, comment):
        return report  # the same rating again: a retry
    if comment and check_text(actor.user_id, comment) == RISKY:
        raise ReportTextRisky()
    db.session.refresh(report, with_for_update=True)  # the network call is behind us
    if _check(report, standing, rating, comment):
        return report
    report.rating = rating
    report.rating_comment = comment
    report.rated_at = (now or utcnow()).replace(microsecond=0)
    record_event(
        report,
        actor_user_id=actor.user_id,
        actor_role=REPORTER,
        action="rate",
        from_status=report.status.value,
        to_status=report.status.value,
        note=f"评价 {rating} 星",
    )
    return report


def _check(report: Report, standing: Standing, rating: int, comment: str | None) -> bool:
    """True when this very rating is already recorded; raises when no rating may be given."""
    if not standing.is_reporter:
        raise ReportRatingForbidden()
    if report.rating is not None:
        if (report.rating, report.rating_comment) == (rating, comment):
            return True
        raise ReportAlreadyRated()
    if report.status not in RATABLE:
        raise ReportNotRatable()
    return False


def withdraw_rating(report: Report) -> None:
    """Reopening: the rating was of a resolution that no longer stands (the event stays)."""
    report.rating = None
    report.rating_comment = None
    report.rated_at = None
