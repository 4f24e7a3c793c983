"""Fixtures of the push endpoint tests: a client, the captured queue, WeChat's side."""

from __future__ import annotations

import pytest

from app.wechat.tasks import handle_push_event
from tests.wechat.push_support import Signer
from tests.wechat.push_vectors import OFFICIAL_AES_KEY, OFFICIAL_APPID, OFFICIAL_TOKEN


@pytest.fixture
def push_client(app, redis_client):
    """A client for the push endpoint, which needs Redis and the queue but no database."""
    return app.test_client()


@pytest.fixture
def queued(monkeypatch):
    """The events handed to the queue, captured instead of sent to the broker."""
    events: list[dict] = []

    def capture(args=None, kwargs=None, **options):
        events.append(args[0])

    monkeypatch.setattr(handle_push_event._get_current_object(), "apply_async", capture)
    return events


@pytest.fixture
def signer(app):
    """Signs pushes as WeChat would for the app under test."""
    return Signer(app.config)


@pytest.fixture
def official(app, monkeypatch):
    """The app configured as in WeChat's worked examples (Token, EncodingAESKey, AppID)."""
    monkeypatch.setitem(app.config, "WECHAT_PUSH_TOKEN", OFFICIAL_TOKEN)
    monkeypatch.setitem(app.config, "WECHAT_PUSH_AES_KEY", OFFICIAL_AES_KEY)
    monkeypatch.setitem(app.config, "WECHAT_APP_ID", OFFICIAL_APPID)
