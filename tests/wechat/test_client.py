"""The WeChat gateway against the emulator: shared token, one refresh, error mapping, shapes."""

from __future__ import annotations

import logging
import multiprocessing
import time
import traceback

import pytest
import redis as redis_lib
import requests
from flask import Flask

from app.wechat import init_app
from app.wechat.client import WeChatGateway
from app.wechat.errors import (
    WeChatApiError,
    WeChatCodeInvalid,
    WeChatCodeUsed,
    WeChatQuotaExhausted,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserRisky,
)
from app.wechat.login import exchange_login_code
from app.wechat.phone import fetch_phone_number
from app.wechat.token_cache import TokenCache
from tests.conftest import TEST_REDIS_URL as REDIS_URL

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STABLE_TOKEN = "cgi-bin/stable_token"
SEC_CHECK = "wxa/msg_sec_check"


def control(wechat, method: str, path: str, payload: dict | None = None) -> dict:
    res = requests.request(method, f"{wechat.url}__emulator__/{path}", json=payload, timeout=5)
    res.raise_for_status()
    return res.json()


def recorded(wechat, path: str) -> list[dict]:
    return control(wechat, "GET", f"requests?path={path}")["items"]


def add_fault(wechat, path: str, kind: str, count: int = 1, **spec) -> None:
    control(wechat, "POST", "faults", {"path": path, "kind": kind, "count": count, **spec})


def wait_recorded(wechat, path: str, at_least: int) -> list[dict]:
    """The records for path once there are ``at_least``; slow answers are recorded late."""
    deadline = time.monotonic() + 3
    while len(items := recorded(wechat, path)) < at_least and time.monotonic() < deadline:
        time.sleep(0.05)
    return items


def credentials(wechat) -> tuple[str, str]:
    return wechat.state.config.appid, wechat.state.config.secret


def make_gateway(wechat, redis_client) -> WeChatGateway:
    appid, secret = credentials(wechat)
    return WeChatGateway(
        appid=appid,
        secret=secret,
        base_url=wechat.url,
        redis=redis_client,
        timeout=1,
    )


@pytest.fixture
def gw(wechat, redis_client) -> WeChatGateway:
    return make_gateway(wechat, redis_client)


@pytest.fixture
def openid(wechat) -> str:
    """A user who has just logged in, as msg_sec_check requires."""
    return control(wechat, "POST", "login_codes", {})["openid"]


def sec_check(gw: WeChatGateway, openid: str) -> dict:
    return gw.msg_sec_check(openid, "今晚七点社区议事会", scene=2)


# -- the access token -------------------------------------------------------------------------


def test_token_is_fetched_once_and_shared_through_redis(wechat, redis_client, gw):
    token = gw.access_token()
    other_process = make_gateway(wechat, redis_client)

    assert other_process.access_token() == token
    assert gw.access_token() == token
    assert len(recorded(wechat, STABLE_TOKEN)) == 1


def test_token_lives_in_redis_for_expires_in_minus_300_seconds(wechat, redis_client, gw):
    token = gw.access_token()
    appid, secret = credentials(wechat)
    # stable_token answers the same token while valid, with the seconds it has left.
    body = {"grant_type": "client_credential", "appid": appid, "secret": secret}
    answer = requests.post(wechat.url + STABLE_TOKEN, json=body, timeout=5).json()

    expected_ttl = answer["expires_in"] - 300
    assert answer["access_token"] == token
    assert abs(redis_client.ttl(gw.token_key) - expected_ttl) <= 2


def test_token_request_is_stable_token_json_without_access_token(wechat, gw):
    gw.access_token()

    [request] = recorded(wechat, STABLE_TOKEN)
    assert request["method"] == "POST"
    assert "access_token" not in (request["query"] or {})
    assert request["body"]["force_refresh"] is False
    assert request["body"]["grant_type"] == "client_credential"


def _race_for_token(url, appid, secret, barrier, results) -> None:
    redis_client = redis_lib.Redis.from_url(REDIS_URL)
    gateway = WeChatGateway(appid=appid, secret=secret, base_url=url, redis=redis_client, timeout=1)
    barrier.wait(timeout=5)
    try:
        results.put(gateway.access_token())
    except Exception as exc:  # reported to the parent, which asserts on it
        results.put(repr(exc))


def test_eight_processes_at_once_cause_exactly_one_token_request(wechat, redis_client):
    # A slow answer keeps the fetch open while every other process arrives and waits.
    add_fault(wechat, STABLE_TOKEN, "slow", delay=0.3)
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(8), ctx.Queue()
    args = (wechat.url, *credentials(wechat), barrier, results)
    processes = [ctx.Process(target=_race_for_token, args=args) for _ in range(8)]
    for process in processes:
        process.start()
    tokens = [results.get(timeout=10) for _ in processes]
    for process in processes:
        process.join(timeout=5)

    assert len(recorded(wechat, STABLE_TOKEN)) == 1
    assert len(set(tokens)) == 1
    assert tokens[0] == redis_client.get(make_gateway(wechat, redis_client).token_key).decode()


def test_dropping_a_token_keeps_the_one_another_process_stored(redis_client):
    cache = TokenCache(redis_client, "linli:wechat:test:access_token", dict, timeout=1)
    redis_client.set("linli:wechat:test:access_token", "fresh")

    cache.drop("stale")

    assert cache.get() == "fresh"


# -- one refresh, one retry -------------------------------------------------------------------


def test_revoked_token_is_refreshed_once_and_the_call_retried(wechat, redis_client, gw, openid):
    old_token = gw.access_token()
    control(wechat, "POST", "tokens/revoke")

    result = sec_check(gw, openid)

    assert result["result"]["suggest"] == "pass"
    assert [r["errcode"] for r in recorded(wechat, SEC_CHECK)] == [40001, 0]
    assert len(recorded(wechat, STABLE_TOKEN)) == 2
    assert gw.access_token() != old_token


def test_expired_token_is_refreshed_once_and_the_call_retried(wechat, gw, openid):
    gw.access_token()
    control(wechat, "POST", "tokens/expire")

    assert sec_check(gw, openid)["result"]["suggest"] == "pass"
    assert [r["errcode"] for r in recorded(wechat, SEC_CHECK)] == [42001, 0]
    assert len(recorded(wechat, STABLE_TOKEN)) == 2


def test_a_second_token_error_is_raised_not_retried_again(wechat, gw, openid):
    add_fault(wechat, SEC_CHECK, "errcode", count=5, errcode=40001)

    with pytest.raises(WeChatApiError) as caught:
        sec_check(gw, openid)

    assert caught.value.errcode == 40001
    assert len(recorded(wechat, SEC_CHECK)) == 2
    assert len(recorded(wechat, STABLE_TOKEN)) == 2


# -- failures mapped to our errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "spec", "attempts"),
    [
        ("http", {"status": 503}, 1),
        ("drop", {}, 1),
        ("slow", {"delay": 1.5}, 1),  # beyond the 1 s timeout
        ("errcode", {"errcode": -1}, 3),  # busy: retried twice with jitter, then given up
    ],
)
def test_unreachable_or_busy_wechat_is_unavailable(wechat, gw, openid, kind, spec, attempts):
    gw.access_token()
    add_fault(wechat, SEC_CHECK, kind, count=5, **spec)

    started = time.monotonic()
    with pytest.raises(WeChatUnavailable) as caught:
        sec_check(gw, openid)

    assert time.monotonic() - started < 1.5  # bounded by the 1 s timeout plus jitter
    assert (caught.value.status_code, caught.value.reason) == (503, "wechat_unavailable")
    assert len(wait_recorded(wechat, SEC_CHECK, attempts)) == attempts


def test_one_busy_answer_is_retried_and_succeeds(wechat, gw, openid):
    add_fault(wechat, SEC_CHECK, "errcode", errcode=-1)

    assert sec_check(gw, openid)["result"]["suggest"] == "pass"
    assert [r["errcode"] for r in recorded(wechat, SEC_CHECK)] == [-1, 0]


def test_unreachable_token_endpoint_is_unavailable(wechat, gw):
    add_fault(wechat, STABLE_TOKEN, "http", status=502)

    with pytest.raises(WeChatUnavailable):
        gw.access_token()


def test_minute_quota_is_rate_limited_until_the_next_minute(wechat, gw, openid):
    add_fault(wechat, SEC_CHECK, "errcode", errcode=45011)

    with pytest.raises(WeChatRateLimited) as caught:
        sec_check(gw, openid)

    assert caught.value.status_code == 429
    assert 1 <= caught.value.retry_after <= 60
    assert caught.value.headers["Retry-After"] == str(caught.value.retry_after)
    assert len(recorded(wechat, SEC_CHECK)) == 1


def test_daily_quota_is_exhausted_and_alerts(wechat, gw, openid, caplog):
    add_fault(wechat, SEC_CHECK, "errcode", errcode=45009)

    with pytest.raises(WeChatQuotaExhausted) as caught:
        sec_check(gw, openid)

    assert caught.value.reason == "wechat_quota_exhausted"
    assert any(r.levelno == logging.ERROR and "45009" in r.getMessage() for r in caplog.records)


def test_after_45009_that_api_is_not_called_again_today(wechat, gw, openid, redis_client):
    add_fault(wechat, SEC_CHECK, "errcode", errcode=45009)
    with pytest.raises(WeChatQuotaExhausted):
        sec_check(gw, openid)

    with pytest.raises(WeChatQuotaExhausted):
        sec_check(gw, openid)  # the fault was for one call only: WeChat would answer now

    assert len(recorded(wechat, SEC_CHECK)) == 1
    (key,) = redis_client.keys("*quota-exhausted*")
    assert 60 <= redis_client.ttl(key) <= 24 * 3600


def test_text_over_wechats_limit_is_refused_before_sending(wechat, gw, openid):
    with pytest.raises(ValueError):
        gw.msg_sec_check(openid, "字" * 2501, scene=2)

    assert recorded(wechat, SEC_CHECK) == []


# -- login and phone --------------------------------------------------------------------------


def test_login_code_exchanges_for_openid_without_needing_a_token(wechat, gw):
    issued = control(wechat, "POST", "login_codes", {})

    session = exchange_login_code(issued["code"], gateway=gw)

    assert session.openid == issued["openid"]
    assert session.session_key
    assert session.session_key not in repr(session)
    assert recorded(wechat, STABLE_TOKEN) == []


def test_login_code_used_twice_is_refused(wechat, gw):
    code = control(wechat, "POST", "login_codes", {})["code"]
    exchange_login_code(code, gateway=gw)

    with pytest.raises(WeChatCodeUsed):
        exchange_login_code(code, gateway=gw)


def test_unknown_login_code_is_invalid(gw):
    with pytest.raises(WeChatCodeInvalid) as caught:
        exchange_login_code("not-a-code", gateway=gw)

    assert (caught.value.status_code, caught.value.errcode) == (401, 40029)


def test_risky_user_is_forbidden(wechat, gw):
    code = control(wechat, "POST", "login_codes", {})["code"]
    add_fault(wechat, "sns/jscode2session", "errcode", errcode=40226)

    with pytest.raises(WeChatUserRisky) as caught:
        exchange_login_code(code, gateway=gw)

    assert caught.value.status_code == 403


def test_init_app_gives_views_the_gateway_from_config(wechat, redis_client):
    appid, secret = credentials(wechat)
    app = Flask(__name__)
    app.config.update(
        WECHAT_APP_ID=appid,
        WECHAT_APP_SECRET=secret,
        WECHAT_API_BASE_URL=wechat.url,
        WECHAT_TIMEOUT_SECONDS="1.5",
    )
    app.extensions["redis"] = redis_client
    init_app(app)
    issued = control(wechat, "POST", "login_codes", {})

    with app.app_context():
        session = exchange_login_code(issued["code"])

    assert session.openid == issued["openid"]


@pytest.mark.parametrize("country_code", ["86", 86])
def test_phone_code_gives_the_pure_number(wechat, gw, country_code):
    payload = {"phone": "13800138000", "country_code": country_code}
    code = control(wechat, "POST", "phone_codes", payload)["code"]

    phone = fetch_phone_number(code, gateway=gw)

    assert (phone.pure_number, phone.country_code) == ("13800138000", "86")


# -- subscribe messages and content checks ----------------------------------------------------


def test_subscribe_message_spends_a_credit_then_keeps_errcode_43101(wechat, gw, openid):
    template = {"template_id": "tpl_notice", "fields": {"thing1": "thing"}}
    control(wechat, "POST", "templates", template)
    control(wechat, "POST", "credits", {"openid": openid, "template_id": "tpl_notice"})
    data = {"thing1": {"value": "停水通知"}}

    sent = gw.send_subscribe_message(openid, "tpl_notice", data, page="pages/index/index")
    with pytest.raises(WeChatApiError) as caught:
        gw.send_subscribe_message(openid, "tpl_notice", data)

    assert sent["errcode"] == 0
    assert (caught.value.errcode, caught.value.reason) == (43101, "wechat_error")


def test_media_check_returns_the_trace_id_of_the_coming_verdict(wechat, gw, openid):
    trace_id = gw.media_check_async(openid, "https://cdn.example.com/a.jpg", scene=3)

    [check] = control(wechat, "GET", f"media_checks?trace_id={trace_id}")["items"]
    assert check["openid"] == openid


# -- QR codes and request shape ---------------------------------------------------------------


def test_unlimited_wxa_code_is_png_bytes(gw):
    image = gw.get_wxa_code_unlimited(scene="a1b2c3", page="pages/index/index")

    assert image.startswith(PNG_SIGNATURE)


def test_unlimited_wxa_code_error_answer_raises_with_its_errcode(wechat, gw):
    add_fault(wechat, "wxa/getwxacodeunlimit", "errcode", errcode=41030)

    with pytest.raises(WeChatApiError) as caught:
        gw.get_wxa_code_unlimited(scene="a1b2c3", page="pages/missing/missing")

    assert (caught.value.errcode, caught.value.status_code) == (41030, 502)


def test_json_bodies_are_sent_as_utf8_json(gw, openid):
    sent = []
    gw._client._http.hooks["response"].append(lambda res, **kw: sent.append(res.request))

    sec_check(gw, openid)
    gw.get_wxa_code_unlimited(scene="a1b2c3", page="pages/index/index")

    assert [r.headers["Content-Type"] for r in sent] == ["application/json"] * 3
    assert "社区议事会".encode() in sent[1].body


def test_secret_and_token_stay_out_of_logs_and_tracebacks(wechat, gw, caplog):
    caplog.set_level(logging.DEBUG, logger="app.wechat")
    token = gw.access_token()
    add_fault(wechat, "*", "drop", count=2)

    with pytest.raises(WeChatUnavailable) as login_error:
        exchange_login_code("some-code", gateway=gw)
    with pytest.raises(WeChatUnavailable) as qr_error:
        gw.get_wxa_code_unlimited(scene="a1b2c3", page="pages/index/index")

    printed = caplog.text + "".join(
        "".join(traceback.format_exception(e.value)) for e in (login_error, qr_error)
    )
    assert credentials(wechat)[1] not in printed
    assert token not in printed
