"""The message-push endpoint over HTTP: WeChat's worked examples and every refusal."""

from __future__ import annotations

import json

import pytest

from tests.wechat.push_support import (
    OFFICIAL_AES_BODY,
    OFFICIAL_PLAIN_BODY,
    SEEN_KEYS,
    SENT_EVENT,
    URL,
    assert_refused,
    at,
)
from tests.wechat.push_vectors import OFFICIAL_AES, OFFICIAL_ENCRYPT, OFFICIAL_GET, OFFICIAL_PLAIN


def test_the_official_url_check_is_answered_with_the_echostr_as_plain_text(push_client, official):
    response = push_client.get(URL, query_string=OFFICIAL_GET)

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "4375120948345356249"


@pytest.mark.parametrize("tampered", [{"signature": "0" * 40}, {"nonce": "1514711493"}, {}])
def test_a_url_check_with_a_wrong_signature_is_refused(push_client, official, tampered):
    query = {**OFFICIAL_GET, **tampered} if tampered else {"echostr": "1"}

    assert_refused(push_client.get(URL, query_string=query), 403, "push_signature_invalid")


def test_the_official_plaintext_push_is_acknowledged_and_queued(push_client, official, queued):
    with at(OFFICIAL_PLAIN["timestamp"], 2):
        response = push_client.post(URL, query_string=OFFICIAL_PLAIN, json=OFFICIAL_PLAIN_BODY)

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "success"
    assert queued == [OFFICIAL_PLAIN_BODY]


def test_the_official_safe_mode_push_is_decrypted_and_queued(push_client, official, queued):
    with at(OFFICIAL_AES["timestamp"], 2):
        response = push_client.post(URL, query_string=OFFICIAL_AES, json=OFFICIAL_AES_BODY)

    assert response.get_data(as_text=True) == "success"
    assert queued == [
        {
            "ToUserName": "gh_97417a04a28d",
            "FromUserName": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
            "CreateTime": 1714112445,
            "MsgType": "event",
            "Event": "debug_demo",
            "debug_str": "hello world",
        }
    ]


@pytest.mark.parametrize(
    "tampered",
    [
        {"msg_signature": OFFICIAL_AES["signature"]},  # the plain signature is not enough
        {"msg_signature": "0" * 40},
        {"nonce": "415670742"},
        {"timestamp": "1714112446"},
    ],
)
def test_a_safe_mode_push_with_a_wrong_signature_is_refused_without_side_effect(
    push_client, official, queued, redis_client, tampered
):
    with at(OFFICIAL_AES["timestamp"]):
        response = push_client.post(
            URL, query_string={**OFFICIAL_AES, **tampered}, json=OFFICIAL_AES_BODY
        )

    assert_refused(response, 403, "push_signature_invalid")
    assert queued == []
    assert redis_client.keys(SEEN_KEYS) == []


def test_a_tampered_ciphertext_is_refused(push_client, official, queued):
    body = {**OFFICIAL_AES_BODY, "Encrypt": OFFICIAL_ENCRYPT.replace("+qdx", "+qdy", 1)}

    with at(OFFICIAL_AES["timestamp"]):
        response = push_client.post(URL, query_string=OFFICIAL_AES, json=body)

    assert_refused(response, 403, "push_signature_invalid")
    assert queued == []


def test_a_plaintext_push_with_a_wrong_signature_is_refused(push_client, official, queued):
    query = {**OFFICIAL_PLAIN, "signature": OFFICIAL_GET["signature"]}

    with at(OFFICIAL_PLAIN["timestamp"]):
        response = push_client.post(URL, query_string=query, json=OFFICIAL_PLAIN_BODY)

    assert_refused(response, 403, "push_signature_invalid")
    assert queued == []


def test_a_push_encrypted_for_another_app_is_refused(
    push_client, official, queued, redis_client, monkeypatch, app
):
    monkeypatch.setitem(app.config, "WECHAT_APP_ID", "wx_another_app")

    with at(OFFICIAL_AES["timestamp"]):
        response = push_client.post(URL, query_string=OFFICIAL_AES, json=OFFICIAL_AES_BODY)

    assert_refused(response, 403, "push_signature_invalid")
    assert queued == []
    assert redis_client.keys(SEEN_KEYS) == []


@pytest.mark.parametrize("offset", [-301, 301, -86400, 86400])
def test_a_push_signed_more_than_five_minutes_away_from_now_is_stale(
    push_client, official, queued, redis_client, offset
):
    with at(OFFICIAL_AES["timestamp"], offset):
        response = push_client.post(URL, query_string=OFFICIAL_AES, json=OFFICIAL_AES_BODY)

    assert_refused(response, 403, "push_stale")
    assert queued == []
    assert redis_client.keys(SEEN_KEYS) == []


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_push_just_within_five_minutes_is_taken(push_client, official, queued, offset):
    with at(OFFICIAL_PLAIN["timestamp"], offset):
        response = push_client.post(URL, query_string=OFFICIAL_PLAIN, json=OFFICIAL_PLAIN_BODY)

    assert response.status_code == 200
    assert len(queued) == 1


def test_the_allowed_skew_is_configurable(push_client, official, queued, monkeypatch, app):
    monkeypatch.setitem(app.config, "WECHAT_PUSH_MAX_SKEW_SECONDS", 60)

    with at(OFFICIAL_PLAIN["timestamp"], 61):
        response = push_client.post(URL, query_string=OFFICIAL_PLAIN, json=OFFICIAL_PLAIN_BODY)

    assert_refused(response, 403, "push_stale")


@pytest.mark.parametrize(
    "body",
    [b"", b"success", b"[]", b'{"Event": "x"', b"<xml><Event>x</Event>", b"\xff\xfe"],
)
def test_a_signed_push_with_an_unreadable_body_is_malformed(
    push_client, queued, redis_client, body, signer
):
    with at("1714037059"):
        response = push_client.post(URL, query_string=signer.plain_query("1714037059"), data=body)

    assert_refused(response, 400, "push_malformed")
    assert queued == []
    assert redis_client.keys(SEEN_KEYS) == []


def test_a_signed_timestamp_that_is_not_a_number_is_malformed(push_client, queued, signer):
    response = push_client.post(URL, query_string=signer.plain_query("soon"), json=SENT_EVENT)

    assert_refused(response, 400, "push_malformed")
    assert queued == []


def test_a_safe_mode_envelope_without_encrypt_is_malformed(push_client, queued, signer):
    request = signer.push(SENT_EVENT)
    request["data"] = json.dumps({"ToUserName": "gh_1"}).encode()

    assert_refused(push_client.post(URL, **request), 400, "push_malformed")
    assert queued == []


def test_an_xml_bomb_is_refused_before_it_expands(push_client, queued, signer):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "' + b"a" * 1000 + b'">]><xml>&a;</xml>'

    response = push_client.post(URL, query_string=signer.plain_query(), data=bomb)

    assert_refused(response, 400, "push_malformed")
    assert queued == []


def test_an_oversized_body_is_refused(push_client, queued, signer):
    response = push_client.post(URL, query_string=signer.plain_query(), data=b"{" + b" " * 70_000)

    assert response.status_code == 413
    assert queued == []


def test_the_push_routes_are_marked_public_on_purpose_and_carry_no_role_check(app):
    views = [
        app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules() if rule.rule == URL
    ]

    assert len(views) == 2  # GET (URL check) and POST (events)
    assert all(view.public_because == "wechat_push_signature" for view in views)
    assert not any(hasattr(view, "required_roles") for view in views)
