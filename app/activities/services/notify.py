"""Subscribe messages about activities, queued in the delivery outbox in the caller's transaction.

The outbox sends only to people holding a credit for the template (others end ``no_credit``) and
only after the commit. A template whose fields we cannot fill is logged and skipped: a missing
message must never undo a sign-up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from app.activities.models import Activity, Signup
from app.delivery.models import DeliveryBatch
from app.delivery.services import Recipient, enqueue_batch
from app.subscriptions.fields import TemplateSpecInvalid, TemplateValueInvalid
from app.subscriptions.models import TemplatePurpose

log = logging.getLogger(__name__)
SOURCE_TYPE = "activity"


def values_of(activity: Activity, **extra: Any) -> dict[str, Any]:
    """What activity templates may name in their mapping."""
    return {
        "title": activity.title,
        "activity_title": activity.title,
        "starts_at": activity.starts_at,
        "ends_at": activity.ends_at,
        "time_range": (activity.starts_at, activity.ends_at),
        "place": activity.place,
        "organiser": activity.organiser_name,
        **extra,
    }


def _push(
    activity: Activity,
    purpose: TemplatePurpose,
    recipients: Iterable[Recipient],
    values: dict[str, Any],
    query: str,
) -> DeliveryBatch | None:
    try:
        return enqueue_batch(
            community_id=activity.community_id,
            purpose=purpose,
            source_type=SOURCE_TYPE,
            source_id=activity.id,
            recipients=list(recipients),
            values=values,
            page_query=query,
        )
    except (TemplateSpecInvalid, TemplateValueInvalid) as error:
        log.warning("activity %s: %s message not queued: %s", activity.id, purpose, error.errors)
        return None


def _recipient(signup: Signup) -> Recipient:
    return Recipient(signup.user_id, signup.household_id)


def confirmed(activity: Activity, signups: list[Signup]) -> DeliveryBatch | None:
    """报名成功, to every newly confirmed party of one activity at once."""
    values = values_of(activity, status="报名成功")
    return _push(
        activity,
        TemplatePurpose.ACTIVITY_SIGNUP,
        map(_recipient, signups),
        values,
        f"id={activity.id}",
    )


def offered(activity: Activity, signups: list[Signup]) -> None:
    """候补成功: seats are held until the offer's deadline (the same for one promotion)."""
    deadline = signups[0].offer_expires_at
    values = values_of(
        activity, status="候补成功，请确认", deadline=deadline, offer_expires_at=deadline
    )
    _push(
        activity,
        TemplatePurpose.WAITLIST_PROMOTION,
        map(_recipient, signups),
        values,
        f"id={activity.id}",
    )


def reminded(activity: Activity, recipients: list[Recipient]) -> None:
    """活动即将开始."""
    values = values_of(activity, status="活动即将开始")
    _push(activity, TemplatePurpose.ACTIVITY_REMINDER, recipients, values, f"id={activity.id}")
