"""Activities themselves: creating, changing, cancelling, finding, and the lists people see."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import false, func, or_, select, true

from app.activities.models import Activity, ActivityKind, ActivityStatus, AudienceKind
from app.activities.services import seats
from app.activities.services.eligibility import MERCHANT, bindings_of
from app.activities.services.errors import (
    ActivityEndsBeforeStart,
    ActivityNotFound,
    AudienceTargetsMissing,
    CapacityBelowTaken,
    NotOrganiser,
    QuestionsInvalid,
    SignupWindowInvalid,
    TeamRequired,
)
from app.community.models import Building, Grid
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.pagination import paginate
from app.extensions import db
from app.volunteers.models import VolunteerTeam
from app.volunteers.services import team_ids_of

ADMIN = "admin"
_SCENE_BYTES = 12  # 16 URL-safe characters, within the wxacode scene's 32
_PLACE_MODELS = {AudienceKind.BUILDINGS: Building, AudienceKind.GRIDS: Grid}


def get_activity(community_id: int, activity_id: int) -> Activity:
    """The activity of this community, as committed now (its counters move by statements the
    session does not track); raises ActivityNotFound for any other."""
    activity = db.session.get(Activity, activity_id, populate_existing=True)
    if activity is None or activity.community_id != community_id:
        raise ActivityNotFound()
    return activity


def is_organiser(actor: Actor, activity: Activity) -> bool:
    return actor.has_role(ADMIN) or activity.organiser_user_id == actor.user_id


def get_organised(actor: Actor, activity_id: int) -> Activity:
    """The activity, for its organiser or an admin; raises ActivityNotFound, NotOrganiser."""
    activity = get_activity(actor.community_id, activity_id)
    if not is_organiser(actor, activity):
        raise NotOrganiser()
    return activity


def _check_times(values: dict[str, Any]) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise ActivityEndsBeforeStart()
    if not values["signup_opens_at"] < values["signup_closes_at"] <= values["ends_at"]:
        raise SignupWindowInvalid()


def _audience(actor: Actor, audience: dict[str, Any]) -> tuple[AudienceKind, list[int]]:
    kind = AudienceKind(audience["kind"])
    ids = sorted({int(i) for i in audience.get("ids") or []})
    if kind in (AudienceKind.EVERYONE, AudienceKind.MERCHANTS):
        return kind, []
    if kind == AudienceKind.TEAM:
        if len(ids) != 1:
            raise AudienceTargetsMissing(errors={"ids": ["请选择一个志愿服务队"]})
        _team(actor, ids[0])
        return kind, ids
    model = _PLACE_MODELS[kind]
    found = set(
        db.session.scalars(
            select(model.id).where(model.community_id == actor.community_id, model.id.in_(ids))
        )
    )
    if not ids or found != set(ids):
        raise AudienceTargetsMissing(errors={"ids": sorted(set(ids) - found) or ["请至少选择一项"]})
    return kind, ids


def _team(actor: Actor, team_id: int) -> VolunteerTeam:
    team = db.session.get(VolunteerTeam, team_id)
    if team is None or team.community_id != actor.community_id:
        raise TeamRequired()
    return team


def _questions(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = [q["key"] for q in questions]
    if len(keys) != len(set(keys)):
        raise QuestionsInvalid(errors={"questions": ["问题的 key 不能重复"]})
    for question in questions:
        if question["kind"] == "choice" and len(question.get("options") or []) < 2:
            raise QuestionsInvalid(errors={question["key"]: ["选择题至少需要两个选项"]})
    return [
        {
            "key": q["key"],
            "label": q["label"],
            "kind": q["kind"],
            "required": q.get("required", False),
            "options": q.get("options") or [],
        }
        for q in questions
    ]


def _defaults(values: dict[str, Any], now: datetime) -> dict[str, Any]:
    values = dict(values)
    values.setdefault("description", "")
    values["signup_opens_at"] = values.get("signup_opens_at") or now
    values["signup_closes_at"] = values.get("signup_closes_at") or values["starts_at"]
    values["cancel_deadline"] = values.get("cancel_deadline") or values["starts_at"]
    if values.get("reminder_minutes") is None:
        values["reminder_minutes"] = int(current_app.config["ACTIVITY_REMINDER_MINUTES"])
    return values


def create_activity(
    actor: Actor, *, audience: dict[str, Any], now: datetime | None = None, **values: Any
) -> Activity:
    """A published activity organised by the actor. Audited.

    Defaults: sign-up opens now and closes at the start; cancelling is possible until the start;
    the reminder goes ACTIVITY_REMINDER_MINUTES before it. Raises ActivityEndsBeforeStart,
    SignupWindowInvalid, AudienceTargetsMissing, TeamRequired, QuestionsInvalid (422).
    """
    values = _defaults(values, now or utcnow())
    _check_times(values)
    kind, ids = _audience(actor, audience)
    if values.get("team_id") is None and kind == AudienceKind.TEAM:
        values["team_id"] = ids[0]
    if values.get("team_id") is not None:
        _team(actor, values["team_id"])
    lounge = values["kind"] == ActivityKind.YOUTH_LOUNGE
    fields = {
        **values,
        "questions": _questions(values.get("questions") or []),
        "organiser_name": values.get("organiser_name") or "社区居委会",
        "shop_teams": lounge and bool(values.get("shop_teams")),
        "participants_private": lounge and bool(values.get("participants_private")),
        "remind_at": values["starts_at"] - timedelta(minutes=values["reminder_minutes"]),
    }
    activity = Activity(
        **fields,
        community_id=actor.community_id,
        organiser_user_id=actor.user_id,
        audience_kind=kind,
        audience_ids=ids,
        checkin_scene=secrets.token_urlsafe(_SCENE_BYTES),
        seats_taken=0,
        waitlist_taken=0,
    )
    db.session.add(activity)
    db.session.flush()
    record_audit(
        actor, "activity.create", "activity", activity.id, detail={"title": activity.title}
    )
    return activity


_EDITABLE = frozenset(
    {
        "title",
        "description",
        "place",
        "organiser_name",
        "cover_media_id",
        "signup_closes_at",
        "cancel_deadline",
        "reminder_minutes",
        "waitlist_capacity",
    }
)


def update_activity(
    actor: Actor, activity_id: int, now: datetime | None = None, **changes: Any
) -> Activity:
    """Change the details of an activity, for its organiser. A larger capacity offers the new
    seats down the waiting list at once; a capacity below the seats taken is refused
    (CapacityBelowTaken). Audited."""
    now = now or utcnow()
    get_organised(actor, activity_id)
    activity = seats.lock_activity(activity_id)
    for key in _EDITABLE & changes.keys():
        setattr(activity, key, changes[key])
    _check_times(_as_values(activity))
    activity.remind_at = activity.starts_at - timedelta(minutes=activity.reminder_minutes)
    if changes.get("capacity") is not None:
        if changes["capacity"] < activity.seats_taken:
            raise CapacityBelowTaken(errors={"capacity": [f"已占用 {activity.seats_taken} 个名额"]})
        activity.capacity = changes["capacity"]
        db.session.flush()
        seats.promote(activity, now)
    db.session.flush()
    record_audit(
        actor, "activity.update", "activity", activity.id, detail={"changed": sorted(changes)}
    )
    return activity


def _as_values(activity: Activity) -> dict[str, Any]:
    return {
        key: getattr(activity, key)
        for key in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at")
    }


def cancel_activity(actor: Actor, activity_id: int, reason: str | None = None) -> Activity:
    """Call an activity off: no more sign-ups, check-ins or reminders; the sign-ups stay as a
    record (staff tell the participants with a notice to the "activity" audience). Audited."""
    get_organised(actor, activity_id)
    activity = seats.lock_activity(activity_id)
    if activity.status != ActivityStatus.CANCELLED:
        activity.status = ActivityStatus.CANCELLED
        activity.cancelled_at = utcnow()
        db.session.flush()
        record_audit(actor, "activity.cancel", "activity", activity.id, reason=reason)
    return activity


def _visible_to(actor: Actor):
    """The condition on Activity for the activities the actor may sign up for."""
    if actor.has_role(ADMIN):
        return true()
    bindings = bindings_of(actor)
    conditions = [Activity.organiser_user_id == actor.user_id]
    if bindings:
        conditions.append(Activity.audience_kind == AudienceKind.EVERYONE)
    for kind, ids in (
        (AudienceKind.BUILDINGS, {b.building_id for b in bindings}),
        (AudienceKind.GRIDS, {b.grid_id for b in bindings if b.grid_id is not None}),
        (AudienceKind.TEAM, set(team_ids_of(actor.community_id, actor.user_id))),
    ):
        conditions += [
            (Activity.audience_kind == kind) & func.json_contains(Activity.audience_ids, str(i))
            for i in sorted(ids)
        ]
    if actor.has_role(MERCHANT):
        conditions.append(Activity.audience_kind == AudienceKind.MERCHANTS)
    return or_(false(), *conditions)


def list_activities(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    kind: ActivityKind | None = None,
    include_past: bool = False,
    now: datetime | None = None,
) -> dict:
    """Published activities the actor may sign up for, soonest first."""
    stmt = select(Activity).where(
        Activity.community_id == actor.community_id,
        Activity.status == ActivityStatus.PUBLISHED,
        _visible_to(actor),
    )
    if kind is not None:
        stmt = stmt.where(Activity.kind == kind)
    if not include_past:
        stmt = stmt.where(Activity.ends_at > (now or utcnow()))
    return paginate(stmt.order_by(Activity.starts_at, Activity.id), page, page_size)


def list_organised(
    actor: Actor, *, page: int, page_size: int, status: ActivityStatus | None = None
) -> dict:
    """The activities the actor organises (admins: all of the community), newest first."""
    stmt = select(Activity).where(Activity.community_id == actor.community_id)
    if not actor.has_role(ADMIN):
        stmt = stmt.where(Activity.organiser_user_id == actor.user_id)
    if status is not None:
        stmt = stmt.where(Activity.status == status)
    return paginate(stmt.order_by(Activity.starts_at.desc(), Activity.id.desc()), page, page_size)
