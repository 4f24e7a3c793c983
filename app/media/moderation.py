"""WeChat content security for what people post: text verdicts at once, image verdicts pushed.

Text (``msg_sec_check`` v2) is checked before it is saved. Images are submitted to
``media_check_async`` v2 after the upload commits; WeChat fetches each through a signed link
and pushes its verdict later (``wxa_media_check``), matched by ``trace_id``. Until then only the
owner (and whoever a domain's access rule lets in) sees the image.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from app.accounts.models import WeChatIdentity
from app.core.clock import utcnow
from app.extensions import db
from app.media.models import MediaFile, MediaPurpose, Moderation
from app.media.storage import media_storage
from app.wechat import gateway
from app.wechat.errors import WeChatApiError

log = logging.getLogger(__name__)

PASS, REVIEW, RISKY = "pass", "review", "risky"
TEXT_SCENE_COMMENT = 2
# msg_sec_check / media_check_async scenes: 1 profile, 2 comment, 3 forum, 4 social log.
_IMAGE_SCENES = {MediaPurpose.REPORT.value: TEXT_SCENE_COMMENT}
_DEFAULT_IMAGE_SCENE = 3
_VERDICTS = {PASS: Moderation.PASS, REVIEW: Moderation.REVIEW, RISKY: Moderation.RISKY}
PENDING_CHECK_MIN_AGE = timedelta(minutes=1)
PENDING_CHECK_MAX_AGE = timedelta(days=1)


def openid_of(user_id: int) -> str | None:
    """The person's openid in this app (WeChat wants it for every content check)."""
    return db.session.scalar(
        select(WeChatIdentity.openid)
        .where(
            WeChatIdentity.user_id == user_id,
            WeChatIdentity.appid == current_app.config["WECHAT_APP_ID"],
        )
        .limit(1)
    )


def check_text(user_id: int, content: str, scene: int = TEXT_SCENE_COMMENT) -> str:
    """WeChat's verdict on a person's text: "pass", "review" or "risky".

    An answer WeChat refuses to give for this person or text (an errcode such as 40003) and an
    unknown suggestion are "review": a moderator decides. WeChat being unreachable, busy or out
    of quota raises (503/429), so the caller saves nothing and the client may retry.
    """
    openid = openid_of(user_id)
    if openid is None:
        log.warning("text check: user %s has no openid in this app; held for review", user_id)
        return REVIEW
    try:
        result = gateway().msg_sec_check(openid, content, scene)
    except WeChatApiError as exc:
        log.warning("text check refused (errcode %s); held for review", exc.errcode)
        return REVIEW
    suggest = (result.get("result") or {}).get("suggest")
    return suggest if suggest in _VERDICTS else REVIEW


def submit_check(media_id: int) -> str | None:
    """Ask WeChat to check an image still pending without a trace id; returns the trace id.

    A refusal for this person or image (an errcode) holds the image for review. WeChat being
    unavailable raises, so the queue task retries. Two racing calls keep the first trace id.
    """
    media = db.session.get(MediaFile, media_id)
    if media is None or media.trace_id or media.moderation != Moderation.PENDING:
        return None
    openid = openid_of(media.owner_user_id)
    if openid is None:
        _hold_for_review(media, "owner has no openid in this app")
        return None
    url = media_storage().url_for(media.storage_key)
    scene = _IMAGE_SCENES.get(media.purpose, _DEFAULT_IMAGE_SCENE)
    try:
        trace_id = gateway().media_check_async(openid, url, scene)
    except WeChatApiError as exc:
        _hold_for_review(media, f"media_check_async refused (errcode {exc.errcode})")
        return None
    db.session.execute(
        update(MediaFile)
        .where(MediaFile.id == media.id, MediaFile.trace_id.is_(None))
        .values(trace_id=trace_id, check_submitted_at=utcnow())
    )
    return trace_id


def _hold_for_review(media: MediaFile, why: str) -> None:
    log.warning("image %s held for review: %s", media.id, why)
    media.moderation = Moderation.REVIEW
    media.moderated_at = utcnow()
    db.session.flush()


def pending_check_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Images whose check was never submitted (the after-commit step was lost), oldest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(MediaFile.id)
            .where(
                MediaFile.trace_id.is_(None),
                MediaFile.moderation == Moderation.PENDING,
                MediaFile.created_at < now - PENDING_CHECK_MIN_AGE,
                MediaFile.created_at > now - PENDING_CHECK_MAX_AGE,
            )
            .order_by(MediaFile.id)
            .limit(limit)
        )
    )


def apply_media_verdict(trace_id: str, suggest: str) -> MediaFile | None:
    """Record WeChat's verdict for the image checked under ``trace_id``; None if not ours.

    Only a pending image takes a verdict: a repeated push, or one arriving after a moderator
    decided, changes nothing. An unknown suggestion holds the image for review.
    """
    media = db.session.scalar(
        select(MediaFile).where(MediaFile.trace_id == trace_id).with_for_update()
    )
    if media is None:
        return None
    if media.moderation == Moderation.PENDING:
        media.moderation = _VERDICTS.get(suggest, Moderation.REVIEW)
        media.moderated_at = utcnow()
        db.session.flush()
    return media
