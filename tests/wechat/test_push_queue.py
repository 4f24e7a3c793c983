"""The push endpoint and the queue: formats, replays, an unavailable broker, the emulator."""

from __future__ import annotations

import base64
import json
import threading

import pytest
import redis as redis_lib
import requests
from kombu.exceptions import OperationalError as BrokerError
from werkzeug.serving import make_server

from app.wechat.tasks import handle_push_event
from tests.wechat.push_support import (
    OFFICIAL_AES_BODY,
    POPUP_EVENT,
    SEEN_KEYS,
    SENT_EVENT,
    URL,
    assert_refused,
    at,
)
from tests.wechat.push_vectors import OFFICIAL_AES


@pytest.mark.parametrize(("mode", "fmt"), [("aes", "json"), ("aes", "xml"), ("plain", "xml")])
def test_json_and_xml_bodies_in_either_mode_reach_the_queue_alike(
    push_client, queued, mode, fmt, signer
):
    response = push_client.post(URL, **signer.push(POPUP_EVENT, mode, fmt))

    assert response.get_data(as_text=True) == "success"
    (event,) = queued
    assert event["Event"] == "subscribe_msg_popup_event"
    assert event["CreateTime"] == 1620973045
    assert [item["TemplateId"] for item in event["List"]] == ["T1", "T2"]


def test_a_single_list_entry_in_json_is_queued_as_a_list(push_client, queued, signer):
    push_client.post(URL, **signer.push(SENT_EVENT))

    assert queued[0]["List"] == [
        {"TemplateId": "T1", "MsgID": "1864323726461255680", "ErrorCode": "0"}
    ]
    assert queued[0]["CreateTime"] == 1620963428


def test_a_resent_push_is_acknowledged_but_queued_once(push_client, queued, signer):
    # WeChat re-sends the same event re-signed and re-encrypted (a new nonce and random prefix).
    first = push_client.post(URL, **signer.push(SENT_EVENT))
    again = push_client.post(URL, **signer.push(SENT_EVENT))

    assert first.get_data(as_text=True) == again.get_data(as_text=True) == "success"
    assert len(queued) == 1


def test_the_official_push_replayed_verbatim_is_queued_once(push_client, official, queued):
    with at(OFFICIAL_AES["timestamp"], 10):
        for _ in range(3):
            response = push_client.post(URL, query_string=OFFICIAL_AES, json=OFFICIAL_AES_BODY)
            assert response.get_data(as_text=True) == "success"

    assert len(queued) == 1


def test_distinct_events_of_one_person_in_the_same_second_are_each_queued(
    push_client, queued, signer
):
    second = {**SENT_EVENT, "List": {**SENT_EVENT["List"], "MsgID": "1864323726461255681"}}

    push_client.post(URL, **signer.push(SENT_EVENT))
    push_client.post(URL, **signer.push(second))

    assert [event["List"][0]["MsgID"] for event in queued] == [
        "1864323726461255680",
        "1864323726461255681",
    ]


def test_a_replay_is_remembered_for_a_day(push_client, queued, redis_client, signer):
    push_client.post(URL, **signer.push(SENT_EVENT))

    (key,) = redis_client.keys(SEEN_KEYS)
    assert 86_000 < redis_client.ttl(key) <= 86_400


def test_when_the_queue_is_down_the_push_gets_503_and_its_resend_is_taken(
    push_client, redis_client, monkeypatch, signer
):
    task = handle_push_event._get_current_object()

    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", broker_down)
    refused = push_client.post(URL, **signer.push(SENT_EVENT))
    events: list = []
    monkeypatch.setattr(task, "apply_async", lambda args, **kw: events.append(args[0]))
    resent = push_client.post(URL, **signer.push(SENT_EVENT))

    assert_refused(refused, 503, "push_queue_unavailable")
    assert resent.get_data(as_text=True) == "success"
    assert len(events) == 1


def test_when_redis_is_down_the_push_gets_503_and_nothing_is_queued(
    push_client, queued, monkeypatch, app, signer
):
    def down(*args, **kwargs):
        raise redis_lib.ConnectionError("Connection refused")

    monkeypatch.setattr(app.extensions["redis"], "set", down)

    response = push_client.post(URL, **signer.push(SENT_EVENT))

    assert response.status_code == 503
    assert queued == []


def test_a_taken_push_lands_on_the_real_broker(push_client, redis_client, signer):
    # No capture: the task message is really written to the Celery queue in Redis.
    response = push_client.post(URL, **signer.push(SENT_EVENT))

    assert response.get_data(as_text=True) == "success"
    (raw,) = redis_client.lrange("celery", 0, -1)
    message = json.loads(raw)
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    assert message["headers"]["task"] == "wechat.handle_push_event"
    assert args[0]["List"][0]["MsgID"] == "1864323726461255680"


# --- End to end: the emulator pushes over real HTTP to the app served on a loopback port -------


@pytest.fixture
def served_push_url(app, redis_client):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{URL}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def pushing_emulator(wechat, served_push_url, signer):
    """The emulator set up like the WeChat console's 消息推送 page, pointing at the served app."""

    def configure(**settings):
        response = requests.post(wechat.url + "__emulator__/config", json=settings, timeout=5)
        response.raise_for_status()

    configure(push_url=served_push_url, push_token=signer.token, push_aes_key=signer.aes_key)
    yield lambda body: requests.post(wechat.url + "__emulator__/push", json=body, timeout=10).json()
    configure(push_url=None, push_token=None, push_aes_key=None)


@pytest.mark.parametrize(("mode", "fmt"), [("aes", "json"), ("aes", "xml"), ("plain", "json")])
def test_the_emulator_push_is_taken_over_http(pushing_emulator, queued, mode, fmt):
    verdict = {
        "FromUserName": "o_resident",
        "CreateTime": 1626959646,
        "MsgType": "event",
        "Event": "wxa_media_check",
        "trace_id": "trace-e2e-1",
        "result": {"suggest": "pass", "label": 100},
    }

    outcome = pushing_emulator({"event": verdict, "mode": mode, "format": fmt})

    assert (outcome["status"], outcome["body"]) == (200, "success")
    (event,) = queued
    assert event["trace_id"] == "trace-e2e-1"
    assert event["result"]["suggest"] == "pass"


def test_the_emulator_resending_over_http_is_queued_once(pushing_emulator, queued):
    body = {"event": {**SENT_EVENT}, "mode": "aes", "format": "json"}

    outcomes = [pushing_emulator(body) for _ in range(2)]

    assert [o["status"] for o in outcomes] == [200, 200]
    assert len(queued) == 1
