"""The handler registry and the queue task that runs it: domains plug in, unknown events drop."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from app.extensions import db
from app.wechat import push_dispatch
from app.wechat.push_dispatch import dispatch, on_event, register_handler, unregister_handler
from app.wechat.push_events import POPUP, subscription_decisions
from app.wechat.tasks import handle_push_event

POPUP_EVENT = {
    "FromUserName": "o_resident",
    "CreateTime": 1714112445,
    "MsgType": "event",
    "Event": POPUP,
    "List": [{"TemplateId": "T1", "SubscribeStatusString": "accept", "PopupScene": 0}],
}


@pytest.fixture
def registered(monkeypatch):
    """An empty registry for one test (the app's handlers set aside): ``registered(kind, fn)``."""
    monkeypatch.setattr(push_dispatch, "_HANDLERS", {})
    return register_handler


def test_a_registered_handler_receives_events_of_its_kind(registered):
    seen = []
    registered(POPUP, lambda event: seen.extend(subscription_decisions(event)))

    ran = dispatch(POPUP_EVENT)

    assert ran == 1
    assert [(d.openid, d.template_id, d.status) for d in seen] == [("o_resident", "T1", "accept")]


def test_handlers_of_other_kinds_are_not_called(registered):
    seen = []
    registered("wxa_media_check", seen.append)

    dispatch(POPUP_EVENT)

    assert seen == []


def test_the_decorator_registers_and_registering_twice_runs_once(registered):
    seen = []

    @on_event(POPUP)
    def record(event):
        seen.append(event["Event"])

    registered(POPUP, record)

    assert dispatch(POPUP_EVENT) == 1
    assert seen == [POPUP]


def test_an_unregistered_handler_no_longer_runs(registered):
    seen = []
    registered(POPUP, seen.append)

    unregister_handler(POPUP, seen.append)

    assert dispatch(POPUP_EVENT) == 0
    assert seen == []


def test_several_handlers_run_in_registration_order(registered):
    order = []
    registered(POPUP, lambda event: order.append("subscriptions"))
    registered(POPUP, lambda event: order.append("audit"))

    assert dispatch(POPUP_EVENT) == 2
    assert order == ["subscriptions", "audit"]


def test_an_event_nobody_handles_is_logged_and_dropped(registered, caplog):
    caplog.set_level(logging.INFO, logger=push_dispatch.__name__)

    ran = dispatch({"MsgType": "event", "Event": "some_future_event"})

    assert ran == 0
    assert "some_future_event" in caplog.text


@pytest.fixture
def probe(db):
    """A temporary table on the test's connection for handlers to write to."""
    db.session.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS push_probe (v VARCHAR(32))"))
    db.session.commit()  # no savepoint of the test's own left open around the task's
    return lambda: db.session.execute(text("SELECT v FROM push_probe")).scalars().all()


def _write_probe(event):
    db.session.execute(text("INSERT INTO push_probe VALUES (:v)"), {"v": event["FromUserName"]})


def test_the_task_runs_the_handlers_and_commits_their_work(probe, registered):
    registered(POPUP, _write_probe)

    assert handle_push_event(POPUP_EVENT) == 1

    assert probe() == ["o_resident"]


def test_the_task_rolls_back_and_raises_when_a_handler_fails(probe, registered):
    def fail(event):
        raise RuntimeError("handler bug")

    registered(POPUP, _write_probe)
    registered(POPUP, fail)

    with pytest.raises(RuntimeError):
        handle_push_event(POPUP_EVENT)

    assert probe() == []
