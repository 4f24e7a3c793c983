"""Rules of volunteer teams and their members."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.services.roles import UserNotFound, find_membership
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.volunteers.models import VolunteerMember, VolunteerTeam

_DUPLICATE_KEY = 1062


class VolunteerTeamNotFound(NotFound):
    reason = "volunteer_team_not_found"
    message = "找不到该志愿服务队"


class VolunteerTeamNameTaken(Conflict):
    reason = "volunteer_team_name_taken"
    message = "已有同名的志愿服务队"


def _is_duplicate(error: IntegrityError) -> bool:
    return bool(error.orig and error.orig.args and error.orig.args[0] == _DUPLICATE_KEY)


def get_team(community_id: int, team_id: int) -> VolunteerTeam:
    team = db.session.get(VolunteerTeam, team_id)
    if team is None or team.community_id != community_id:
        raise VolunteerTeamNotFound()
    return team


def list_teams(actor: Actor) -> list[VolunteerTeam]:
    return list(
        db.session.scalars(
            select(VolunteerTeam)
            .where(VolunteerTeam.community_id == actor.community_id)
            .order_by(VolunteerTeam.id)
        )
    )


def create_team(actor: Actor, name: str, colour: str) -> VolunteerTeam:
    """Audited. Raises VolunteerTeamNameTaken."""
    team = VolunteerTeam(community_id=actor.community_id, name=name, colour=colour)
    try:
        with db.session.begin_nested():
            db.session.add(team)
    except IntegrityError as error:
        if not _is_duplicate(error):
            raise
        raise VolunteerTeamNameTaken() from error
    record_audit(actor, "volunteer_team.create", "volunteer_team", team.id, detail={"name": name})
    return team


def add_member(actor: Actor | None, community_id: int, team_id: int, user_id: int):
    """Put a person on a team (idempotent). Audited when it changes something."""
    team = get_team(community_id, team_id)
    if find_membership(user_id, community_id) is None:
        raise UserNotFound()
    if team.id in team_ids_of(community_id, user_id):
        return team
    try:
        with db.session.begin_nested():
            db.session.add(
                VolunteerMember(community_id=community_id, team_id=team.id, user_id=user_id)
            )
    except IntegrityError as error:
        if not _is_duplicate(error):
            raise
        return team
    record_audit(
        actor,
        "volunteer_team.add_member",
        "volunteer_team",
        team.id,
        community_id=community_id,
        detail={"user_id": user_id},
    )
    return team


def team_ids_of(community_id: int, user_id: int) -> list[int]:
    """The teams a person belongs to in a community."""
    return list(
        db.session.scalars(
            select(VolunteerMember.team_id).where(
                VolunteerMember.community_id == community_id, VolunteerMember.user_id == user_id
            )
        )
    )
