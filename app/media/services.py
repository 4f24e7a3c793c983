"""Rules of uploaded images: storing an upload, who may see it, moderators' decisions.

Domains that attach images decide who besides the owner sees them: they register an access
rule for their purpose (``register_access_rule``); without one, an image that passed WeChat's
check is visible to the owner's community.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from app.core.after_commit import run_after_commit
from app.core.audit import record_audit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import NotFound, RateLimited
from app.core.pagination import paginate
from app.core.rate_limits import rate_limiter
from app.extensions import db
from app.media.images import clean_image
from app.media.models import MediaFile, Moderation
from app.media.storage import LocalDiskStorage, Storage, media_storage

log = logging.getLogger(__name__)

ADMIN = "admin"
VARIANTS = ("original", "thumb")
AccessRule = Callable[[Actor, MediaFile], bool]
_ACCESS_RULES: dict[str, AccessRule] = {}


class MediaNotFound(NotFound):
    reason = "media_not_found"
    message = "找不到该图片"


class MediaUploadTooFrequent(RateLimited):
    reason = "media_upload_too_frequent"
    message = "上传图片太频繁，请稍后再试"


def register_access_rule(purpose: str, rule: AccessRule) -> AccessRule:
    """Let ``rule(actor, media)`` decide whether people other than the owner see ``purpose``'s
    images (admins always do, to moderate)."""
    _ACCESS_RULES[purpose] = rule
    return rule


def upload_image(actor: Actor, purpose: str, filename: str, data: bytes) -> MediaFile:
    """Store an image (re-encoded, metadata removed) and its thumbnail; the row is flushed.

    The files are written first, then the row; if anything fails on the way the files are
    deleted again. WeChat's image check is submitted after the commit (a queue task). Raises
    the errors of ``images.clean_image`` (413/415/422) and MediaUploadTooFrequent (429).
    """
    rate = current_app.config["MEDIA_UPLOAD_RATE_LIMIT_PER_USER"]
    rate_limiter().hit(rate, "media-upload", str(actor.user_id), error=MediaUploadTooFrequent)
    image = clean_image(data, filename)
    stem = f"{purpose}/{actor.community_id}/{utcnow():%Y%m}/{secrets.token_hex(16)}"
    keys = (f"{stem}.{image.extension}", f"{stem}_t.{image.extension}")
    storage, written = media_storage(), []
    try:
        for key, blob in zip(keys, (image.data, image.thumb), strict=True):
            storage.save(key, blob)
            written.append(key)
        media = MediaFile(
            community_id=actor.community_id,
            owner_user_id=actor.user_id,
            purpose=purpose,
            storage_key=keys[0],
            thumb_key=keys[1],
            content_type=image.content_type,
            width=image.width,
            height=image.height,
            size_bytes=len(image.data),
            moderation=Moderation.PENDING,
        )
        db.session.add(media)
        db.session.flush()
    except BaseException:
        for key in written:
            storage.delete(key)
        raise
    run_after_commit(_queue_check, media.id)
    return media


def _queue_check(media_id: int) -> None:
    from app.media.tasks import submit_check

    submit_check.delay(media_id)


def can_view(actor: Actor, media: MediaFile) -> bool:
    """The owner and admins always; others as the purpose's rule says (default: passed)."""
    if media.community_id != actor.community_id:
        return False
    if media.owner_user_id == actor.user_id or actor.has_role(ADMIN):
        return True
    rule = _ACCESS_RULES.get(media.purpose)
    if rule is not None:
        return rule(actor, media)
    return media.moderation == Moderation.PASS


def read_media(actor: Actor, media_id: int, variant: str) -> tuple[bytes, str]:
    """The bytes of an image (``original`` or ``thumb``, at most 10 MB) and its content type.

    Raises MediaNotFound for a missing image, another community's, one the actor may not see
    (still pending, held or refused for anyone but its owner), or a file gone from storage.
    """
    media = db.session.get(MediaFile, media_id)
    if media is None or variant not in VARIANTS or not can_view(actor, media):
        raise MediaNotFound()
    key = media.storage_key if variant == "original" else media.thumb_key
    try:
        return _read(media_storage(), key), media.content_type
    except FileNotFoundError:
        log.error("media %s: %s missing from storage", media.id, key)
        raise MediaNotFound() from None


def _read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as file:
        return file.read()


def read_signed(token: str) -> tuple[bytes, str]:
    """The file a signed link (``storage.url_for``) points at; MediaNotFound when the link is
    forged or expired, or the storage hands out links of its own."""
    storage = media_storage()
    key = storage.key_of_signed(token) if isinstance(storage, LocalDiskStorage) else None
    if key is None:
        raise MediaNotFound()
    content_type = "image/png" if key.endswith(".png") else "image/jpeg"
    try:
        return _read(storage, key), content_type
    except FileNotFoundError:
        raise MediaNotFound() from None


def moderate_media(actor: Actor, media_id: int, decision: Moderation, reason: str) -> MediaFile:
    """A moderator's verdict on an image (e.g. one WeChat held for review). Audited."""
    media = db.session.get(MediaFile, media_id, with_for_update=True)
    if media is None or media.community_id != actor.community_id:
        raise MediaNotFound()
    before = media.moderation
    media.moderation = decision
    media.moderated_at = utcnow()
    db.session.flush()
    record_audit(
        actor,
        "media.moderate",
        "media_file",
        media.id,
        reason=reason,
        detail={"from": before.value, "to": decision.value},
    )
    return media


def list_media(actor: Actor, *, page: int, page_size: int, moderation: Moderation | None) -> dict:
    """A page of the community's images, newest first, optionally in one moderation state."""
    stmt = select(MediaFile).where(MediaFile.community_id == actor.community_id)
    if moderation is not None:
        stmt = stmt.where(MediaFile.moderation == moderation)
    return paginate(stmt.order_by(MediaFile.id.desc()), page, page_size)
