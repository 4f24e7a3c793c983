"""The data of bench/reports.py: residents with sessions and WeChat identities, and 100,000
reports (with photo rows) written by bulk INSERTs, not the API. Runs inside the bench's app
context, against the bench's own database."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from harness import HttpClient, Stack

NICK = "report-bench-"
STATUS_WEIGHTS = {  # a year of reports: most are done, some open, a few cancelled
    "closed": 40, "resolved": 15, "submitted": 10, "accepted": 8, "in_progress": 10,
    "rejected": 5, "reopened": 2, "cancelled": 10,
}  # fmt: skip
TEXTS = ("路灯不亮，晚上很黑", "地砖松动容易绊倒", "车棚顶棚漏雨", "充电桩无法启动",
         "垃圾桶满了没人清", "电梯异响", "绿化带杂草丛生", "楼道堆物有安全隐患")  # fmt: skip


def _residents(args, community_id: int, appid: str) -> list[int]:
    """Residents with the resident role and a WeChat identity; their ids."""
    from sqlalchemy import insert, select

    from app.accounts.models import Membership, MembershipRole, Role, User, WeChatIdentity
    from app.extensions import db

    db.session.execute(insert(User), [{"nickname": f"{NICK}{n}"} for n in range(args.residents)])
    users = list(
        db.session.scalars(select(User.id).where(User.nickname.like(f"{NICK}%")).order_by(User.id))
    )
    db.session.execute(
        insert(WeChatIdentity),
        [{"user_id": u, "appid": appid, "openid": f"{NICK}{u}"} for u in users],
    )
    db.session.execute(
        insert(Membership), [{"community_id": community_id, "user_id": u} for u in users]
    )
    memberships = db.session.scalars(
        select(Membership.id).where(Membership.user_id.in_(users))
    ).all()
    db.session.execute(
        insert(MembershipRole), [{"membership_id": m, "role": Role.RESIDENT} for m in memberships]
    )
    return users


def places(community_id: int) -> tuple[list, list]:
    from sqlalchemy import select

    from app.community.models import Building, Unit
    from app.extensions import db
    from app.reports.models import ReportCategory

    categories = db.session.execute(
        select(ReportCategory.id, ReportCategory.is_public, ReportCategory.organisation_id,
               ReportCategory.response_hours, ReportCategory.resolution_hours)
        .where(ReportCategory.community_id == community_id)
    ).all()  # fmt: skip
    residential = select(Unit.building_id).distinct()
    buildings = db.session.execute(
        select(Building.id, Building.grid_id).where(
            Building.community_id == community_id, Building.id.in_(residential)
        )
    ).all()
    return categories, buildings


def _report_row(rng, community_id, created, category, building, reporter) -> dict:
    from app.reports.models import ReportStatus, TextModeration

    category_id, is_public, organisation_id, response_hours, resolution_hours = category
    status = ReportStatus(rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0])
    moderation = rng.choices(list(TextModeration), [97, 2, 1])[0]
    first = resolved = closed = None
    if status not in (ReportStatus.SUBMITTED, ReportStatus.CANCELLED):
        first = created + timedelta(hours=rng.uniform(0.2, 1.5 * response_hours))
    if status in (ReportStatus.RESOLVED, ReportStatus.CLOSED):
        resolved = first + timedelta(hours=rng.uniform(1, 1.2 * resolution_hours))
    if status == ReportStatus.CLOSED:
        closed = resolved + timedelta(hours=rng.uniform(1, 72))
    rating = rng.choice((None, 3, 4, 5, 5, 2)) if closed else None
    return {
        "community_id": community_id, "category_id": category_id, "reporter_user_id": reporter,
        "text": rng.choice(TEXTS), "building_id": building[0], "organisation_id": organisation_id,
        "grid_id": building[1], "is_public": is_public, "moderation": moderation,
        "listed": bool(is_public and moderation == TextModeration.PASS
                       and status != ReportStatus.CANCELLED),
        "status": status, "status_changed_at": closed or resolved or first or created,
        "supporter_count": rng.choice((0, 0, 0, 1, 2)),
        "response_due_at": created + timedelta(hours=response_hours),
        "resolution_due_at": created + timedelta(hours=resolution_hours),
        "first_response_at": first, "resolved_at": resolved, "closed_at": closed,
        "rating": rating, "rated_at": closed if rating else None,
        "created_at": created, "updated_at": closed or resolved or first or created,
    }  # fmt: skip


def _fill_reports(args, community_id: int, users: list[int]) -> None:
    """args.reports reports over the last year, oldest first, in chunks of 5,000 rows."""
    from sqlalchemy import insert

    from app.core.clock import utcnow
    from app.extensions import db
    from app.reports.models import Report

    rng = random.Random(args.seed)
    categories, buildings = places(community_id)
    start = utcnow().replace(microsecond=0) - timedelta(days=365)
    step = timedelta(days=365) / args.reports
    rows = []
    for n in range(args.reports):
        created = (start + n * step).replace(microsecond=0)
        rows.append(_report_row(rng, community_id, created, rng.choice(categories),
                                rng.choice(buildings), rng.choice(users)))  # fmt: skip
        if len(rows) == 5000:
            db.session.execute(insert(Report.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Report.__table__), rows)


def _fill_photos(args, community_id: int) -> None:
    """A photo row (passed, pending or refused) for a share of the reports, for the thumbnails."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.media.models import MediaFile, Moderation
    from app.reports.models import Report, ReportPhoto

    rng = random.Random(args.seed + 1)
    reports = db.session.execute(
        select(Report.id, Report.reporter_user_id).where(Report.community_id == community_id)
    ).all()
    chosen = [r for r in reports if rng.random() < args.photo_share]
    media = [
        {"community_id": community_id, "owner_user_id": owner, "purpose": "report",
         "storage_key": f"report/{community_id}/bench/{report_id}.jpg",
         "thumb_key": f"report/{community_id}/bench/{report_id}-t.jpg",
         "content_type": "image/jpeg", "width": 1280, "height": 960, "size_bytes": 180_000,
         "moderation": rng.choices([Moderation.PASS, Moderation.PENDING, Moderation.RISKY],
                                   [90, 8, 2])[0]}
        for report_id, owner in chosen
    ]  # fmt: skip
    for n in range(0, len(media), 5000):
        db.session.execute(insert(MediaFile.__table__), media[n : n + 5000])
    ids = db.session.scalars(
        select(MediaFile.id).where(MediaFile.community_id == community_id).order_by(MediaFile.id)
    ).all()
    photos = [
        {"report_id": report_id, "media_id": media_id, "position": 0}
        for (report_id, _), media_id in zip(chosen, ids, strict=True)
    ]
    for n in range(0, len(photos), 5000):
        db.session.execute(insert(ReportPhoto.__table__), photos[n : n + 5000])


def _register_openids(emulator_url: str, users: list[int]) -> None:
    """The emulator answers a content check only for openids it knows (as WeChat does)."""
    host, port = emulator_url.removeprefix("http://").split(":")
    client = HttpClient(host, int(port), timeout=10)
    try:
        for user in users:
            status, answer = client.post_json("/__emulator__/users", {"openid": f"{NICK}{user}"})
            if status != 200:
                raise RuntimeError(f"emulator refused a user: {status} {answer}")
    finally:
        client.close()


def prepare(args, stack: Stack) -> dict:
    from flask import current_app
    from sqlalchemy import select, text

    from app.community.models import Community
    from app.core.auth import sessions
    from app.extensions import db

    community_id = db.session.scalar(select(Community.id).where(Community.slug == "beijiao"))
    began = time.monotonic()
    users = _residents(args, community_id, current_app.config["WECHAT_APP_ID"])
    _fill_reports(args, community_id, users)
    _fill_photos(args, community_id)
    db.session.commit()
    filled = time.monotonic() - began
    for table in ("report", "report_photo", "media_file"):
        db.session.execute(text(f"ANALYZE TABLE {table}"))
    _register_openids(stack.emulator_url, users)
    store = sessions()
    tokens = [store.issue(user, community_id).token for user in users]
    categories, buildings = places(community_id)
    return {
        "tokens": tokens,
        "public_categories": [c[0] for c in categories if c[1]],
        "categories": [c[0] for c in categories],
        "buildings": [b[0] for b in buildings],
        "filled_seconds": filled,
        "reports": db.session.scalar(text("SELECT COUNT(*) FROM report")),
    }
