"""Filing a report: its category, place and photos checked, its text past WeChat's content
check, routed, and recorded once however often the client retries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.community.models import Building, Unit
from app.core.auth import Actor
from app.core.clock import utcnow
from app.core.errors import Invalid, RateLimited
from app.core.rate_limits import rate_limiter
from app.extensions import db
from app.media.models import MediaFile, MediaPurpose, Moderation
from app.media.moderation import REVIEW, RISKY, check_text
from app.reports.models import Report, ReportCategory, ReportPhoto, ReportStatus, TextModeration
from app.reports.services.access import REPORTER, SYSTEM
from app.reports.services.routing import route
from app.reports.services.timeline import record_event
from app.reports.services.totals import lists_changed

MAX_PHOTOS = 9


class ReportTextRisky(Invalid):
    reason = "report_text_risky"
    message = "内容含有不当信息，请修改后再提交"


class ReportCategoryInvalid(Invalid):
    reason = "report_category_invalid"
    message = "请选择有效的报事类别"


class ReportPlaceInvalid(Invalid):
    reason = "report_place_invalid"
    message = "请填写有效的位置：楼栋、地图位置或设施编号"


class ReportPhotoInvalid(Invalid):
    reason = "report_photo_invalid"
    message = "照片无效：须为本人上传、未被使用的报事照片，最多 9 张"


class ReportTooFrequent(RateLimited):
    reason = "report_too_frequent"
    message = "提交报事太频繁，请稍后再试"


@dataclass(frozen=True)
class Place:
    building_id: int | None = None
    unit_id: int | None = None
    lat: Decimal | None = None
    lng: Decimal | None = None
    asset_code: str | None = None
    note: str | None = None


def submit_report(
    actor: Actor,
    *,
    category_id: int,
    text: str,
    place: Place,
    media_ids: list[int],
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Report:
    """File a report and route it. The same ``idempotency_key`` from the same person returns
    the report it first made, with no second write and no second content check.

    The text is checked by WeChat before anything is saved: ``risky`` raises ReportTextRisky
    (422) and saves nothing; ``review`` saves it held (reporter and staff see it, neighbours
    do not) until a moderator decides; WeChat unavailable raises 503 and saves nothing.
    Raises ReportCategoryInvalid, ReportPlaceInvalid, ReportPhotoInvalid, ReportTooFrequent.
    """
    now = (now or utcnow()).replace(microsecond=0)  # as the DATETIME column keeps it
    if idempotency_key and (earlier := _find_by_key(actor, idempotency_key)):
        return earlier
    rate = current_app.config["REPORT_RATE_LIMIT_PER_USER"]
    rate_limiter().hit(rate, "report-submit", str(actor.user_id), error=ReportTooFrequent)
    category = _active_category(actor, category_id)
    building = _checked_place(actor, place)
    verdict = check_text(actor.user_id, "\n".join(filter(None, [text, place.note])))
    if verdict == RISKY:
        raise ReportTextRisky()
    photos = _attachable_photos(actor, media_ids)  # locked from here: no more network calls
    report = _new_report(actor, category, text, place, verdict, idempotency_key, now)
    route(report, category, building, now)
    report.refresh_listed()
    try:
        with db.session.begin_nested():
            db.session.add(report)
            db.session.flush()
            db.session.add_all(
                ReportPhoto(report_id=report.id, media_id=m.id, position=i)
                for i, m in enumerate(photos)
            )
            db.session.flush()
    except IntegrityError:
        earlier = _find_by_key(actor, idempotency_key, locking=True) if idempotency_key else None
        if earlier is None:
            raise ReportPhotoInvalid() from None  # a photo was attached by a racing request
        return earlier
    _record_submission(report)
    lists_changed(report.community_id)
    return report


def _new_report(actor, category, text, place, verdict, idempotency_key, now) -> Report:
    return Report(
        community_id=actor.community_id,
        category_id=category.id,
        reporter_user_id=actor.user_id,
        text=text,
        building_id=place.building_id,
        unit_id=place.unit_id,
        lat=place.lat,
        lng=place.lng,
        asset_code=place.asset_code,
        place_note=place.note,
        is_public=category.is_public,
        moderation=TextModeration.REVIEW if verdict == REVIEW else TextModeration.PASS,
        status=ReportStatus.SUBMITTED,
        status_changed_at=now,
        idempotency_key=idempotency_key,
    )


def _record_submission(report: Report) -> None:
    submitted = ReportStatus.SUBMITTED.value
    record_event(
        report,
        actor_user_id=report.reporter_user_id,
        actor_role=REPORTER,
        action="submit",
        from_status=None,
        to_status=submitted,
    )
    if report.organisation_id is not None:
        record_event(
            report,
            actor_user_id=None,
            actor_role=SYSTEM,
            action="route",
            from_status=submitted,
            to_status=submitted,
            organisation_id=report.organisation_id,
        )


def _find_by_key(actor: Actor, key: str | None, *, locking: bool = False) -> Report | None:
    stmt = select(Report).where(
        Report.community_id == actor.community_id,
        Report.reporter_user_id == actor.user_id,
        Report.idempotency_key == key,
    )
    if locking:  # a locking read sees the row a racing request committed after our snapshot
        stmt = stmt.with_for_update(read=True)
    return db.session.scalar(stmt)


def _active_category(actor: Actor, category_id: int) -> ReportCategory:
    category = db.session.get(ReportCategory, category_id)
    if category is None or category.community_id != actor.community_id or not category.is_active:
        raise ReportCategoryInvalid()
    return category


def _checked_place(actor: Actor, place: Place) -> Building | None:
    """The building of the place (if any); a place needs a building, a point or an asset."""
    has_point = place.lat is not None and place.lng is not None
    if place.building_id is None and not has_point and not place.asset_code:
        raise ReportPlaceInvalid()
    if (place.lat is None) != (place.lng is None) or (place.unit_id and not place.building_id):
        raise ReportPlaceInvalid()
    if place.building_id is None:
        return None
    building = db.session.get(Building, place.building_id)
    if building is None or building.community_id != actor.community_id:
        raise ReportPlaceInvalid()
    if place.unit_id is not None:
        unit = db.session.get(Unit, place.unit_id)
        if unit is None or unit.building_id != building.id:
            raise ReportPlaceInvalid()
    return building


def _attachable_photos(actor: Actor, media_ids: list[int]) -> list[MediaFile]:
    """The photos in the order given: the reporter's own report uploads, not yet attached."""
    if len(media_ids) > MAX_PHOTOS or len(set(media_ids)) != len(media_ids):
        raise ReportPhotoInvalid()
    if not media_ids:
        return []
    found = {
        m.id: m
        for m in db.session.scalars(
            select(MediaFile).where(MediaFile.id.in_(media_ids)).with_for_update()
        )
    }
    attached = db.session.scalar(
        select(ReportPhoto.media_id).where(ReportPhoto.media_id.in_(media_ids)).limit(1)
    )
    photos = [found.get(i) for i in media_ids]
    if attached is not None or not all(
        m is not None
        and m.community_id == actor.community_id
        and m.owner_user_id == actor.user_id
        and m.purpose == MediaPurpose.REPORT.value
        and m.moderation != Moderation.RISKY
        for m in photos
    ):
        raise ReportPhotoInvalid()
    return photos
