"""Who may sign up for an activity, with whom, and what they answered.

A party is what one sign-up covers: a resident and the members of their flat they bring
(keyed by the flat, so a flat signs up once), a shop's team (keyed by the shop), or one person
(volunteer services, team and merchant activities). All of it is read before any seat is
taken, so the seat-taking transaction stays a few statements long.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select

from app.accounts.models import HouseholdMember
from app.activities.models import Activity, ActivityKind, AudienceKind
from app.activities.services.errors import (
    ActivityNotForYou,
    AnswersInvalid,
    CompanionInvalid,
    HouseholdRequired,
    PartyTooLarge,
    ShopRequired,
)
from app.community.models import Building, Household, HouseholdStatus, Occupant
from app.core.auth import Actor
from app.extensions import db
from app.merchants.models import ShopMember
from app.volunteers.models import VolunteerMember

MERCHANT = "merchant"
ANSWER_MAX_CHARS = 200


class Binding(NamedTuple):
    household_id: int
    building_id: int
    grid_id: int | None
    occupant_id: int | None


@dataclass(frozen=True)
class Party:
    key: str
    seats: int
    household_id: int | None = None
    shop_id: int | None = None
    companion_ids: tuple[int, ...] = ()


def bindings_of(actor: Actor) -> list[Binding]:
    """The actor's active bindings to occupied flats of their community, with the flat's
    building and grid (one query)."""
    rows = db.session.execute(
        select(
            HouseholdMember.household_id,
            Household.building_id,
            Building.grid_id,
            HouseholdMember.occupant_id,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .join(Building, Building.id == Household.building_id)
        .where(
            HouseholdMember.community_id == actor.community_id,
            HouseholdMember.user_id == actor.user_id,
            HouseholdMember.is_active.is_(True),
            Household.status == HouseholdStatus.OCCUPIED,
        )
        .order_by(HouseholdMember.household_id)
    )
    return [Binding(*row) for row in rows]


def _in_audience(activity: Activity, binding: Binding) -> bool:
    ids = set(activity.audience_ids or [])
    if activity.audience_kind == AudienceKind.BUILDINGS:
        return binding.building_id in ids
    if activity.audience_kind == AudienceKind.GRIDS:
        return binding.grid_id in ids
    return True


def _is_team_member(actor: Actor, team_id: int | None) -> bool:
    return team_id is not None and (
        db.session.scalar(
            select(VolunteerMember.id).where(
                VolunteerMember.community_id == actor.community_id,
                VolunteerMember.team_id == team_id,
                VolunteerMember.user_id == actor.user_id,
            )
        )
        is not None
    )


def check_person(actor: Actor, activity: Activity) -> None:
    """Raise ActivityNotForYou unless the person is in a team or merchant audience."""
    if activity.audience_kind == AudienceKind.MERCHANTS and not actor.has_role(MERCHANT):
        raise ActivityNotForYou()
    if activity.audience_kind == AudienceKind.TEAM and not _is_team_member(
        actor, (activity.audience_ids or [None])[0]
    ):
        raise ActivityNotForYou()


def _resident_binding(actor: Actor, activity: Activity, household_id: int | None) -> Binding:
    bindings = bindings_of(actor)
    if not bindings:
        raise HouseholdRequired()
    fitting = [b for b in bindings if _in_audience(activity, b)]
    if household_id is not None:
        fitting = [b for b in fitting if b.household_id == household_id]
    if not fitting:
        raise ActivityNotForYou()
    return fitting[0]


def _companions(binding: Binding, companion_ids: list[int]) -> tuple[int, ...]:
    wanted = sorted(set(companion_ids))
    if not wanted:
        return ()
    found = set(
        db.session.scalars(
            select(Occupant.id).where(
                Occupant.id.in_(wanted),
                Occupant.household_id == binding.household_id,
                Occupant.is_active.is_(True),
            )
        )
    )
    bad = [i for i in wanted if i not in found or i == binding.occupant_id]
    if bad:
        raise CompanionInvalid(errors={"companion_ids": bad})
    return tuple(wanted)


def _shop_party(actor: Actor, activity: Activity, shop_id: int | None, size: int) -> Party:
    check_person(actor, activity)
    represents = shop_id is not None and (
        db.session.scalar(
            select(ShopMember.id).where(
                ShopMember.community_id == actor.community_id,
                ShopMember.shop_id == shop_id,
                ShopMember.user_id == actor.user_id,
            )
        )
        is not None
    )
    if not represents:
        raise ShopRequired()
    return Party(key=f"s:{shop_id}", seats=size, shop_id=shop_id)


_OPEN_TO_PEOPLE = (AudienceKind.TEAM, AudienceKind.MERCHANTS)


def _is_personal(activity: Activity) -> bool:
    """Volunteers and Youth Lounge guests come one by one; so do team and merchant audiences."""
    return (
        activity.kind in (ActivityKind.VOLUNTEER_SERVICE, ActivityKind.YOUTH_LOUNGE)
        or activity.audience_kind in _OPEN_TO_PEOPLE
    )


def _personal_party(
    actor: Actor, activity: Activity, household_id: int | None, companion_ids: list[int]
) -> Party:
    if companion_ids:
        raise CompanionInvalid(message="本活动按个人报名，不能带同行人")
    if activity.audience_kind in _OPEN_TO_PEOPLE:
        check_person(actor, activity)
        bindings = bindings_of(actor)
        home = bindings[0].household_id if bindings else None
    else:
        home = _resident_binding(actor, activity, household_id).household_id
    return Party(key=f"u:{actor.user_id}", seats=1, household_id=home)


def resolve_party(
    actor: Actor,
    activity: Activity,
    *,
    household_id: int | None = None,
    companion_ids: list[int] | None = None,
    shop_id: int | None = None,
    team_size: int | None = None,
) -> Party:
    """The party the actor signs up, checked against the audience and the seats per party.

    Raises ActivityNotForYou, HouseholdRequired, ShopRequired (403), CompanionInvalid,
    PartyTooLarge (422).
    """
    companion_ids = companion_ids or []
    seats = (team_size or 1) if activity.shop_teams else 1 + len(set(companion_ids))
    if seats > activity.seats_per_household:
        raise PartyTooLarge(errors={"seats": [f"每份报名最多 {activity.seats_per_household} 人"]})
    if activity.shop_teams:
        return _shop_party(actor, activity, shop_id, seats)
    if _is_personal(activity):
        return _personal_party(actor, activity, household_id, companion_ids)
    binding = _resident_binding(actor, activity, household_id)
    companions = _companions(binding, companion_ids)
    return Party(
        key=f"h:{binding.household_id}",
        seats=seats,
        household_id=binding.household_id,
        companion_ids=companions,
    )


def _answer_error(question: dict[str, Any], value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "此题必答" if question.get("required") else None
    if not isinstance(value, str) or len(value) > ANSWER_MAX_CHARS:
        return f"请填写不超过 {ANSWER_MAX_CHARS} 字的文字"
    if question.get("kind") == "choice" and value not in (question.get("options") or []):
        return "请从选项中选择"
    return None


def check_answers(questions: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, str]:
    """The answers, keyed by question; raises AnswersInvalid naming each bad or missing one."""
    known = {q["key"]: q for q in questions or []}
    errors = {key: ["没有这个问题"] for key in answers if key not in known}
    for key, question in known.items():
        problem = _answer_error(question, answers.get(key))
        if problem:
            errors[key] = [problem]
    if errors:
        raise AnswersInvalid(errors=errors)
    return {key: answers[key].strip() for key in known if isinstance(answers.get(key), str)}
