"""WeChat's pushed subscription events applied to the credits: popups, settings changes, sends."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import redis as redis_lib
from flask import current_app
from sqlalchemy import select

from app.accounts.models import WeChatIdentity
from app.extensions import db, redis
from app.subscriptions.services.credits import (
    apply_pushed_answer,
    clear_credit,
    count_pushed_accept,
    is_accept,
)
from app.wechat.push_events import (
    CHANGE,
    POPUP,
    SENT,
    SubscriptionDecision,
    dedup_key,
    event_kind,
    send_results,
    subscription_decisions,
)

log = logging.getLogger(__name__)

NO_CREDIT_ERRCODE = 43101
# The push task retries with all handlers after a rollback: an accept decided once (counted,
# or matched to the mini-program's report) is decided the same way on the retry.
_DECISION_KEY = "linli:subscribe:push-decision:{}"
_DECISION_TTL_SECONDS = 24 * 3600


def _user_id_for(openid: str) -> int | None:
    if not openid:
        return None
    return db.session.scalar(
        select(WeChatIdentity.user_id).where(
            WeChatIdentity.appid == current_app.config["WECHAT_APP_ID"],
            WeChatIdentity.openid == openid,
        )
    )


def apply_subscription_event(event: dict[str, Any]) -> int:
    """Apply one normalised popup, change or sent event; returns how many entries it touched.

    popup: ``accept`` adds a credit (once per popup, see credits.py), other answers are kept
    as the last answer; change: ``reject`` clears the count (the person turned it off in the
    settings page); sent: ErrorCode 43101 clears the count. Unknown people and templates are
    logged and skipped. Never commits; safe to run twice for the same event.
    """
    kind = event_kind(event)
    if kind not in (POPUP, CHANGE, SENT):
        return 0
    user_id = _user_id_for(str(event.get("FromUserName") or "").strip())
    if user_id is None:
        log.info("subscription event %s for an openid we do not know", kind)
        return 0
    if kind == SENT:
        refused = [r for r in send_results(event) if r.error_code == NO_CREDIT_ERRCODE]
        for result in refused:
            clear_credit(user_id, result.template_id)
        return len(refused)
    decisions = subscription_decisions(event)
    for decision in decisions:
        _apply_decision(user_id, decision, event)
    return len(decisions)


def _apply_decision(user_id: int, decision: SubscriptionDecision, event: dict[str, Any]) -> None:
    template_id, status = decision.template_id, decision.status
    if decision.event == CHANGE:
        apply_pushed_answer(user_id, template_id, status, counted=False)
        if status == "reject":
            clear_credit(user_id, template_id)
        return
    counted = is_accept(status) and _decided_accept(user_id, template_id, event)
    apply_pushed_answer(user_id, template_id, status, counted=counted)


def _decided_accept(user_id: int, template_id: str, event: dict[str, Any]) -> bool:
    digest = hashlib.sha256(f"{dedup_key(event)}|{template_id}".encode()).hexdigest()
    key = _DECISION_KEY.format(digest)
    try:
        earlier = redis.client.get(key)
        if earlier is not None:
            return earlier == b"1"
        counted = count_pushed_accept(user_id, template_id)
        redis.client.set(key, "1" if counted else "0", ex=_DECISION_TTL_SECONDS)
        return counted
    except redis_lib.RedisError:
        log.warning("subscribe popup accept not matched (Redis unavailable); counted")
        return True
