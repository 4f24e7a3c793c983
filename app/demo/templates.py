"""The demo community's subscribe-message templates, mirrored in the WeChat emulator.

A real community picks templates from WeChat's library in the mini-program console and enters
their ids in the staff API; the demo fixes ids the emulator is told about at start-up, so that
pushes in `make demo` go all the way through.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.subscriptions.models import SubscribeTemplate, TemplatePurpose

DEMO_TEMPLATES = [
    {
        "purpose": TemplatePurpose.NOTICE,
        "template_id": "demo-notice-0001",
        "title": "社区通知提醒",
        "fields": {"thing1": "thing", "thing2": "thing", "time3": "time"},
        "mapping": {"thing1": "title", "thing2": "author", "time3": "published_at"},
        "page": "pages/notice-detail/index",
    },
    {
        "purpose": TemplatePurpose.REPORT_UPDATE,
        "template_id": "demo-report-0001",
        "title": "报事处理进度提醒",
        "fields": {"thing1": "thing", "phrase2": "phrase", "thing3": "thing", "time4": "time"},
        "mapping": {
            "thing1": "title",
            "phrase2": "status",
            "thing3": "note",
            "time4": "updated_at",
        },
        "page": "pages/index/index",
    },
    {
        "purpose": TemplatePurpose.ACTIVITY_SIGNUP,
        "template_id": "demo-signup-0001",
        "title": "活动报名结果通知",
        "fields": {"thing1": "thing", "time2": "time", "thing3": "thing", "thing4": "thing"},
        "mapping": {"thing1": "title", "time2": "starts_at", "thing3": "place", "thing4": "status"},
        "page": "pages/index/index",
    },
    {
        "purpose": TemplatePurpose.WAITLIST_PROMOTION,
        "template_id": "demo-waitlist-0001",
        "title": "候补成功通知",
        "fields": {"thing1": "thing", "time2": "time", "thing3": "thing"},
        "mapping": {"thing1": "title", "time2": "offer_expires_at", "thing3": "status"},
        "page": "pages/index/index",
    },
    {
        "purpose": TemplatePurpose.ACTIVITY_REMINDER,
        "template_id": "demo-reminder-0001",
        "title": "活动开始提醒",
        "fields": {"thing1": "thing", "time2": "time", "thing3": "thing"},
        "mapping": {"thing1": "title", "time2": "starts_at", "thing3": "place"},
        "page": "pages/index/index",
    },
]


def create_demo_templates(community_id: int) -> None:
    """One template per purpose, unless the community already has one for it."""
    existing = set(
        db.session.scalars(
            select(SubscribeTemplate.purpose).where(SubscribeTemplate.community_id == community_id)
        )
    )
    for spec in DEMO_TEMPLATES:
        if spec["purpose"] not in existing:
            db.session.add(SubscribeTemplate(community_id=community_id, **spec))
    db.session.flush()


def emulator_templates() -> list[dict]:
    """The same templates in the emulator's `--templates` file format."""
    return [{"template_id": t["template_id"], "fields": t["fields"]} for t in DEMO_TEMPLATES]
