"""Fixtures of the outbox tests: a notice template known to us and to the emulator, people with
openids and credits on both sides, and the queue replaced by a list."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import requests
from sqlalchemy import select

from app.delivery import sending
from app.delivery.models import Delivery
from app.subscriptions.models import SubscribeCredit, SubscribeTemplate, TemplatePurpose
from tests.conftest import TEST_APP_ID
from tests.factories import UserFactory, WeChatIdentityFactory

TEMPLATE_ID = "tmpl_notice_published"
FIELDS = {"thing1": "thing", "time2": "time", "thing3": "thing"}
MAPPING = {"thing1": "title", "time2": "published_at", "thing3": "=社区居委会"}


def control(wechat, path: str, body: dict | None = None, method: str = "POST") -> dict:
    response = requests.request(method, wechat.url + "__emulator__/" + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def sends(wechat) -> list[dict]:
    return control(wechat, "sends", method="GET")["items"]


def send_requests(wechat) -> list[dict]:
    path = "requests?path=cgi-bin/message/subscribe/send"
    return control(wechat, path, method="GET")["items"]


@pytest.fixture
def notice_template(db, community, wechat) -> SubscribeTemplate:
    control(wechat, "templates", {"template_id": TEMPLATE_ID, "fields": FIELDS})
    template = SubscribeTemplate(
        community_id=community.id,
        purpose=TemplatePurpose.NOTICE,
        template_id=TEMPLATE_ID,
        title="社区通知",
        fields=FIELDS,
        mapping=MAPPING,
        page="pages/notice/detail",
    )
    db.session.add(template)
    db.session.flush()
    return template


@dataclass(frozen=True)
class Person:
    user_id: int
    openid: str | None


@pytest.fixture
def person(db, community, wechat):
    """``person(credits=1, wechat_credits=None, openid=True)``: a user who may get messages.

    ``credits`` is our count; ``wechat_credits`` the emulator's (default: the same).
    """
    serial = iter(range(1, 100_000))

    def make(credits: int = 1, wechat_credits: int | None = None, openid: bool = True):
        user = UserFactory()
        identity = None
        if openid:
            identity = WeChatIdentityFactory(
                user_id=user.id, appid=TEST_APP_ID, openid=f"o_delivery_{user.id}_{next(serial)}"
            )
            control(
                wechat,
                "credits",
                {
                    "openid": identity.openid,
                    "template_id": TEMPLATE_ID,
                    "count": credits if wechat_credits is None else wechat_credits,
                },
            )
        if credits:
            db.session.add(
                SubscribeCredit(
                    community_id=community.id,
                    user_id=user.id,
                    template_id=TEMPLATE_ID,
                    count=credits,
                    last_status="accept",
                )
            )
        db.session.flush()
        return Person(user.id, identity.openid if identity else None)

    return make


@pytest.fixture
def enqueued(monkeypatch) -> list[tuple[list[int], float]]:
    """Chunks the code queued (ids, countdown) instead of reaching the broker."""
    calls: list[tuple[list[int], float]] = []
    monkeypatch.setattr(
        sending, "enqueue_chunk", lambda ids, countdown=0: calls.append((list(ids), countdown))
    )
    return calls


def delivery_ids(db, batch_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Delivery.id).where(Delivery.batch_id == batch_id).order_by(Delivery.id)
        )
    )


def rows_of(db, batch_id: int) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .where(Delivery.batch_id == batch_id)
            .order_by(Delivery.id)
            .execution_options(populate_existing=True)
        )
    )


def credit_of(db, user_id: int) -> int | None:
    return db.session.scalar(
        select(SubscribeCredit.count).where(
            SubscribeCredit.user_id == user_id, SubscribeCredit.template_id == TEMPLATE_ID
        )
    )
