"""The notices' audience kind "activity": the people holding seats at one or more activities,
so staff can tell an activity's participants (a change of place, a cancellation)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from app.activities.models import HOLDS_SEATS, Activity, Signup
from app.activities.services.errors import NotOrganiser
from app.core.auth import Actor
from app.extensions import db
from app.notices.audience import AudienceInvalid, AudienceUnknownIds, register_audience_kind

ADMIN = "admin"


def _resolve(community_id: int, audience: dict[str, Any]) -> Select:
    return select(Signup.user_id.label("user_id"), Signup.household_id.label("household_id")).where(
        Signup.community_id == community_id,
        Signup.activity_id.in_(audience["ids"]),
        Signup.status.in_(HOLDS_SEATS),
    )


def _check(actor: Actor, audience: dict[str, Any]) -> dict[str, Any]:
    """Activities of the actor's community that they organise (admins: any)."""
    ids = sorted({int(i) for i in audience.get("ids") or []})
    if not ids:
        raise AudienceInvalid(errors={"ids": ["请至少选择一个活动"]})
    organisers = dict(
        db.session.execute(
            select(Activity.id, Activity.organiser_user_id).where(
                Activity.community_id == actor.community_id, Activity.id.in_(ids)
            )
        ).all()
    )
    missing = [i for i in ids if i not in organisers]
    if missing:
        raise AudienceUnknownIds(errors={"ids": missing})
    if not actor.has_role(ADMIN) and any(o != actor.user_id for o in organisers.values()):
        raise NotOrganiser(message="只能通知自己组织的活动的参与者")
    return {"kind": "activity", "ids": ids}


register_audience_kind("activity", _resolve, check=_check)
