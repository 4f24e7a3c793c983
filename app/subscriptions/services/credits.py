"""Send credits per (person, template): granted by popups, spent by sends, cleared by refusals.

One accepted popup reaches us twice: the mini-program reports it and WeChat pushes a
``subscribe_msg_popup_event``. Each accept is counted once, by whichever report comes first:
the first leaves a pending mark in Redis that the other report consumes instead of counting
again (see ``_count_accept``). If the marks are lost, we over-count, which only costs a send
that WeChat answers with 43101, and that answer clears the count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import redis as redis_lib
from sqlalchemy import and_, select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert

from app.accounts.models import Membership
from app.core.auth import Actor
from app.core.errors import Invalid
from app.extensions import db, redis
from app.subscriptions.models import SubscribeCredit, SubscribeTemplate, TemplatePurpose
from app.subscriptions.services.templates import active_template_ids, is_long_term

log = logging.getLogger(__name__)

CLIENT, PUSH = "client", "push"
_PENDING_KEY = "linli:subscribe:pending-accept:{}:{}:{}"  # source, user id, template id
_PENDING_TTL_SECONDS = 600  # WeChat pushes the popup event within seconds of the tap
_MATCH = """
local other = tonumber(redis.call('GET', KEYS[1]) or '0')
if other > 0 then
  redis.call('DECR', KEYS[1])
  return 0
end
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
return 1
"""


class SubscribeTemplateUnknown(Invalid):
    reason = "subscribe_template_unknown"
    message = "包含本社区未配置的订阅消息模板"


@dataclass(frozen=True)
class MySubscription:
    """One of the community's templates as the mini-program needs it, with my credit."""

    purpose: TemplatePurpose
    template_id: str
    title: str
    long_term: bool
    count: int
    last_status: str | None


def is_accept(status: str) -> bool:
    # "acceptWithAudio"/"acceptWithAlert" are accepts with a reminder style.
    return status.startswith("accept")


def list_my_subscriptions(actor: Actor) -> list[MySubscription]:
    """The community's active templates and the actor's credits for them, in one query."""
    rows = db.session.execute(
        select(SubscribeTemplate, SubscribeCredit.count, SubscribeCredit.last_status)
        .outerjoin(
            SubscribeCredit,
            and_(
                SubscribeCredit.template_id == SubscribeTemplate.template_id,
                SubscribeCredit.user_id == actor.user_id,
            ),
        )
        .where(
            SubscribeTemplate.community_id == actor.community_id,
            SubscribeTemplate.is_active.is_(True),
        )
        .order_by(SubscribeTemplate.purpose)
    )
    return [
        MySubscription(t.purpose, t.template_id, t.title, t.long_term, count or 0, status)
        for t, count, status in rows
    ]


def record_popup_results(actor: Actor, results: Iterable[dict]) -> list[MySubscription]:
    """Record what the person answered in a ``wx.requestSubscribeMessage`` popup.

    ``accept`` adds one credit (unless WeChat's push of the same popup already did);
    ``reject``/``ban``/``filter`` change no count but are kept as the last answer.
    Raises SubscribeTemplateUnknown for template ids the community has not configured.
    """
    templates = active_template_ids(actor.community_id)
    answers = {item["template_id"]: item["status"] for item in results}
    unknown = sorted(set(answers) - set(templates))
    if unknown:
        raise SubscribeTemplateUnknown(errors={"template_id": unknown})
    for template_id, status in answers.items():
        counted = is_accept(status) and _count_accept(CLIENT, actor.user_id, template_id)
        _upsert(actor.community_id, actor.user_id, template_id, status, 1 if counted else 0)
    return list_my_subscriptions(actor)


def _count_accept(source: str, user_id: int, template_id: str) -> bool:
    """True when this accept is new; False when the other report of the same popup counted it."""
    other = PUSH if source == CLIENT else CLIENT
    keys = [
        _PENDING_KEY.format(other, user_id, template_id),
        _PENDING_KEY.format(source, user_id, template_id),
    ]
    try:
        return bool(redis.client.eval(_MATCH, 2, *keys, _PENDING_TTL_SECONDS))
    except redis_lib.RedisError:
        log.warning("subscribe accept not matched (Redis unavailable); counted")
        return True


def _upsert(community_id: int, user_id: int, template_id: str, status: str, add: int) -> None:
    """Add ``add`` credits and keep ``status`` as the last answer, in one atomic statement."""
    status = status[:16]
    stmt = mysql_insert(SubscribeCredit).values(
        community_id=community_id,
        user_id=user_id,
        template_id=template_id,
        count=add,
        last_status=status,
    )
    db.session.execute(
        stmt.on_duplicate_key_update(count=SubscribeCredit.count + add, last_status=status)
    )


def spend_credit(
    user_id: int, template_id: str, *, long_term: bool = False, community_id: int | None = None
) -> bool:
    """Spend one credit; False when there is none. Long-term templates always answer True.

    One conditional UPDATE, so two concurrent spends of a single credit cannot both succeed.
    Pass ``community_id`` (instead of ``long_term``) to look the flag up.
    """
    if long_term or (community_id is not None and is_long_term(community_id, template_id)):
        return True
    result = db.session.execute(
        update(SubscribeCredit)
        .where(
            SubscribeCredit.user_id == user_id,
            SubscribeCredit.template_id == template_id,
            SubscribeCredit.count > 0,
        )
        .values(count=SubscribeCredit.count - 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def refund_credit(user_id: int, template_id: str, *, long_term: bool = False) -> None:
    """Give back a credit spent on a send WeChat did not take (nothing for long-term ones)."""
    if long_term:
        return
    db.session.execute(
        update(SubscribeCredit)
        .where(SubscribeCredit.user_id == user_id, SubscribeCredit.template_id == template_id)
        .values(count=SubscribeCredit.count + 1)
        .execution_options(synchronize_session=False)
    )


def clear_credit(user_id: int, template_id: str, status: str | None = None) -> None:
    """No credit left: WeChat said 43101, or the person turned the template off."""
    values: dict = {"count": 0}
    if status is not None:
        values["last_status"] = status[:16]
    db.session.execute(
        update(SubscribeCredit)
        .where(SubscribeCredit.user_id == user_id, SubscribeCredit.template_id == template_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def community_for_credit(user_id: int, template_id: str) -> int | None:
    """The community a pushed answer belongs to: one using the template, the person's first."""
    return db.session.scalar(
        select(SubscribeTemplate.community_id)
        .outerjoin(
            Membership,
            and_(
                Membership.community_id == SubscribeTemplate.community_id,
                Membership.user_id == user_id,
            ),
        )
        .where(SubscribeTemplate.template_id == template_id)
        .order_by(Membership.id.is_(None), SubscribeTemplate.community_id)
        .limit(1)
    )


def apply_pushed_answer(user_id: int, template_id: str, status: str, *, counted: bool) -> None:
    """A popup or settings answer pushed by WeChat; see ``events.apply_subscription_event``."""
    community_id = community_for_credit(user_id, template_id)
    if community_id is None:
        log.info("subscribe answer for a template no community uses: %s", template_id)
        return
    _upsert(community_id, user_id, template_id, status, 1 if counted else 0)


def count_pushed_accept(user_id: int, template_id: str) -> bool:
    return _count_accept(PUSH, user_id, template_id)
