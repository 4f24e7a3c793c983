"""Rules of the hours ledger: credits, compensating corrections, balances.

Every entry moves the volunteer's balance (and their team's) in the same transaction, by a
relative upsert, so a balance always equals the sum of its entries; ``ledger_mismatches`` proves
it. Entries are never changed or removed (the database refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.exc import IntegrityError

from app.activities.models import Activity
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.errors import Conflict, Invalid, NotFound
from app.core.pagination import paginate
from app.extensions import db
from app.volunteers.models import (
    BalanceSubject,
    EntryKind,
    HoursBalance,
    HoursEntry,
    VolunteerTeam,
)

_DUPLICATE_KEY = 1062


class HoursEntryNotFound(NotFound):
    reason = "hours_entry_not_found"
    message = "找不到该志愿时长记录"


class CorrectionTooLarge(Invalid):
    reason = "correction_exceeds_entry"
    message = "更正后的时长不能小于零"


class CorrectionOfCorrection(Conflict):
    reason = "correction_of_correction"
    message = "只能更正原始的时长记录"


def _is_duplicate(error: IntegrityError) -> bool:
    return bool(error.orig and error.orig.args and error.orig.args[0] == _DUPLICATE_KEY)


def _move_balance(community_id: int, subject: BalanceSubject, subject_id: int, minutes: int):
    stmt = mysql_insert(HoursBalance).values(
        community_id=community_id, subject=subject, subject_id=subject_id, minutes=minutes
    )
    db.session.execute(
        stmt.on_duplicate_key_update(minutes=HoursBalance.__table__.c.minutes + minutes)
    )


def _append(entry: HoursEntry) -> HoursEntry:
    db.session.add(entry)
    db.session.flush()
    _move_balance(entry.community_id, BalanceSubject.USER, entry.user_id, entry.minutes)
    if entry.team_id is not None:
        _move_balance(entry.community_id, BalanceSubject.TEAM, entry.team_id, entry.minutes)
    return entry


def credit_hours(
    *,
    community_id: int,
    user_id: int,
    minutes: int,
    credit_key: str,
    team_id: int | None = None,
    activity_id: int | None = None,
    signup_id: int | None = None,
    actor: Actor | None = None,
) -> HoursEntry:
    """Credit served minutes once per ``credit_key``; crediting the same key again returns the
    first entry and changes nothing (a second check-out, a retried task)."""
    existing = _find_by_key(credit_key)
    if existing is not None:
        return existing
    entry = HoursEntry(
        community_id=community_id,
        user_id=user_id,
        team_id=team_id,
        activity_id=activity_id,
        signup_id=signup_id,
        minutes=max(0, minutes),
        kind=EntryKind.CREDIT,
        credit_key=credit_key,
        created_by_user_id=getattr(actor, "user_id", None),
    )
    try:
        with db.session.begin_nested():
            _append(entry)
    except IntegrityError as error:
        if not _is_duplicate(error):
            raise
        return _find_by_key(credit_key, lock=True)  # a concurrent credit won: it is the entry
    return entry


def _find_by_key(credit_key: str, lock: bool = False) -> HoursEntry | None:
    stmt = select(HoursEntry).where(HoursEntry.credit_key == credit_key)
    return db.session.scalar(stmt.with_for_update(read=True) if lock else stmt)


def correct_entry(actor: Actor, entry_id: int, minutes: int, reason: str) -> HoursEntry:
    """A compensating entry of ``minutes`` (negative takes hours away) against an original
    credit of the actor's community; the credit with its corrections may not fall below zero.

    Serialised per volunteer by their balance row's lock. Audited. Raises HoursEntryNotFound,
    CorrectionOfCorrection, CorrectionTooLarge.
    """
    original = db.session.get(HoursEntry, entry_id)
    if original is None or original.community_id != actor.community_id:
        raise HoursEntryNotFound()
    if original.kind != EntryKind.CREDIT:
        raise CorrectionOfCorrection()
    _lock_balance(original.community_id, original.user_id)
    corrected = db.session.scalar(
        select(func.coalesce(func.sum(HoursEntry.minutes), 0)).where(
            (HoursEntry.id == original.id) | (HoursEntry.corrects_entry_id == original.id)
        )
    )
    if corrected + minutes < 0:
        raise CorrectionTooLarge(errors={"minutes": [f"该记录目前为 {corrected} 分钟"]})
    entry = _append(
        HoursEntry(
            community_id=original.community_id,
            user_id=original.user_id,
            team_id=original.team_id,
            activity_id=original.activity_id,
            signup_id=original.signup_id,
            minutes=minutes,
            kind=EntryKind.CORRECTION,
            corrects_entry_id=original.id,
            reason=reason,
            created_by_user_id=actor.user_id,
        )
    )
    record_audit(
        actor,
        "hours.correct",
        "hours_entry",
        entry.id,
        reason=reason,
        detail={"corrects": original.id, "minutes": minutes, "user_id": original.user_id},
    )
    return entry


def _lock_balance(community_id: int, user_id: int) -> None:
    _move_balance(community_id, BalanceSubject.USER, user_id, 0)  # exists, and now locked


def _balance(community_id: int, subject: BalanceSubject, subject_id: int) -> int:
    minutes = db.session.scalar(
        select(HoursBalance.minutes).where(
            HoursBalance.community_id == community_id,
            HoursBalance.subject == subject,
            HoursBalance.subject_id == subject_id,
        )
    )
    return minutes or 0


def balance(community_id: int, user_id: int) -> int:
    """A volunteer's minutes in a community."""
    return _balance(community_id, BalanceSubject.USER, user_id)


def team_balance(community_id: int, team_id: int) -> int:
    """A team's minutes: those credited for its services, with their corrections."""
    return _balance(community_id, BalanceSubject.TEAM, team_id)


@dataclass(frozen=True)
class Mismatch:
    subject: BalanceSubject
    subject_id: int
    balance: int
    entries: int


def ledger_mismatches(community_id: int) -> list[Mismatch]:
    """Every balance of the community that differs from the sum of its entries (none, ever)."""
    found = []
    subjects = (
        (BalanceSubject.USER, HoursEntry.user_id),
        (BalanceSubject.TEAM, HoursEntry.team_id),
    )
    for subject, column in subjects:
        sums = dict(
            db.session.execute(
                select(column, func.sum(HoursEntry.minutes))
                .where(HoursEntry.community_id == community_id, column.is_not(None))
                .group_by(column)
            ).all()
        )
        balances = dict(
            db.session.execute(
                select(HoursBalance.subject_id, HoursBalance.minutes).where(
                    HoursBalance.community_id == community_id, HoursBalance.subject == subject
                )
            ).all()
        )
        for subject_id in sums.keys() | balances.keys():
            total, kept = int(sums.get(subject_id) or 0), balances.get(subject_id, 0)
            if total != kept:
                found.append(Mismatch(subject, subject_id, kept, total))
    return found


# What a list of entries shows of each: its columns, and the names of its team and activity.
_LISTED = (
    HoursEntry.id, HoursEntry.user_id, HoursEntry.team_id, HoursEntry.activity_id,
    HoursEntry.signup_id, HoursEntry.minutes, HoursEntry.kind, HoursEntry.corrects_entry_id,
    HoursEntry.reason, HoursEntry.created_at,
    VolunteerTeam.name.label("team_name"), Activity.title.label("activity_title"),
)  # fmt: skip


def _entries(*where) -> Select:
    """Entries as plain rows with ``team_name`` and ``activity_title`` (None without a team or
    an activity), joined in the page's own query."""
    return (
        select(*_LISTED)
        .select_from(HoursEntry)
        .outerjoin(VolunteerTeam, VolunteerTeam.id == HoursEntry.team_id)
        .outerjoin(Activity, Activity.id == HoursEntry.activity_id)
        .where(*where)
        .order_by(HoursEntry.id.desc())
    )


def list_entries(
    actor: Actor,
    *,
    page: int,
    page_size: int,
    user_id: int | None = None,
    team_id: int | None = None,
) -> dict:
    """A page of the community's ledger, newest first, with team and activity names (staff)."""
    where = [HoursEntry.community_id == actor.community_id]
    if user_id is not None:
        where.append(HoursEntry.user_id == user_id)
    if team_id is not None:
        where.append(HoursEntry.team_id == team_id)
    return paginate(_entries(*where), page, page_size, rows=True)


def my_hours(actor: Actor, *, page: int, page_size: int) -> dict:
    """The caller's balance and a page of their entries, with team and activity names."""
    stmt = _entries(
        HoursEntry.community_id == actor.community_id, HoursEntry.user_id == actor.user_id
    )
    result = paginate(stmt, page, page_size, rows=True)
    result["minutes"] = balance(actor.community_id, actor.user_id)
    return result
