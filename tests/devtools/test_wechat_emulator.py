"""Contract tests for the WeChat emulator: real shapes, error codes, pushes, faults and records."""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import random
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from devtools.wechat_emulator import EmulatorServer

APPID = "wx_emulator_test"
SECRET = "emulator_secret"
PUSH_TOKEN = "push_token_for_tests"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
PAGES = ["pages/index/index", "pages/activity/detail"]
FIELDS = {
    "thing1": "thing",
    "time2": "time",
    "number3": "number",
    "phrase4": "phrase",
    "name5": "name",
    "amount6": "amount",
    "phone_number7": "phone_number",
    "car_number8": "car_number",
    "letter9": "letter",
    "symbol10": "symbol",
    "character_string11": "character_string",
    "date12": "date",
}
VALID_VALUES = {
    "thing1": "社区议事会：楼道堆物治理",
    "time2": "2024-05-01 14:00~16:00",
    "number3": "12.5",
    "phrase4": "已通过",
    "name5": "张三",
    "amount6": "¥12.50",
    "phone_number7": "+86 138-0013-8000",
    "car_number8": "粤B12345",
    "letter9": "ABC",
    "symbol10": "%",
    "character_string11": "NO-2024-0001",
    "date12": "2024年5月1日",
}
TEMPLATES = [
    {"template_id": "TPL_ALL", "fields": FIELDS},
    {"template_id": "TPL_LONG", "fields": {"thing1": "thing"}, "long_term": True},
]


@pytest.fixture(scope="module")
def emu():
    server = EmulatorServer(
        appid=APPID,
        secret=SECRET,
        push_token=PUSH_TOKEN,
        push_aes_key=AES_KEY,
        templates=TEMPLATES,
        pages=PAGES,
    ).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def http():
    session = requests.Session()
    session.trust_env = False  # loopback only, whatever proxy the environment names
    yield session
    session.close()


@pytest.fixture(autouse=True)
def fresh(emu, http):
    ctl(http, emu, "POST", "reset")
    ctl(http, emu, "DELETE", "faults")
    rules = {"risky_words": [], "review_words": [], "risky_media_markers": []}
    ctl(http, emu, "POST", "content_rules", {**rules, "media_verdict_delay": 0.5})


def ctl(http, emu, method, name, payload=None, **params):
    response = http.request(
        method, f"{emu.url}__emulator__/{name}", json=payload, params=params, timeout=5
    )
    assert response.status_code == 200, response.text
    return response.json()


def wx(http, emu, method, path, token=None, body=None, timeout=5, **params):
    if token is not None:
        params["access_token"] = token
    return http.request(method, emu.url + path, params=params, json=body, timeout=timeout)


def stable_token(http, emu, force=False):
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    return wx(http, emu, "POST", "cgi-bin/stable_token", body={**body, "force_refresh": force})


def plain_token(http, emu):
    params = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    return wx(http, emu, "GET", "cgi-bin/token", **params).json()["access_token"]


@pytest.fixture
def token(http, emu):
    return stable_token(http, emu).json()["access_token"]


@pytest.fixture
def openid(http, emu):
    return ctl(http, emu, "POST", "users", {"phone": "13800138000"})["openid"]


def code_to_session(http, emu, code, secret=SECRET):
    params = {"appid": APPID, "secret": secret, "js_code": code}
    return wx(http, emu, "GET", "sns/jscode2session", grant_type="authorization_code", **params)


def errcode_of(response) -> int | None:
    return response.json().get("errcode")


# -- login ------------------------------------------------------------------------------------


def test_login_code_yields_openid_and_session_key_without_errcode(http, emu):
    issued = ctl(http, emu, "POST", "login_codes", {})

    answer = code_to_session(http, emu, issued["code"]).json()

    assert answer["openid"] == issued["openid"]
    assert issued["openid"].startswith("o") and len(issued["openid"]) == 28
    assert len(base64.b64decode(answer["session_key"])) == 16
    assert "errcode" not in answer and "unionid" not in answer


def test_login_code_is_single_use(http, emu):
    code = ctl(http, emu, "POST", "login_codes", {})["code"]
    assert code_to_session(http, emu, code).status_code == 200

    reused = code_to_session(http, emu, code)

    assert errcode_of(reused) == 40163
    assert "code been used" in reused.json()["errmsg"]


def test_unknown_login_code_is_invalid(http, emu):
    assert errcode_of(code_to_session(http, emu, "no-such-code")) == 40029


def test_login_code_expires_after_five_minutes(http, emu):
    code = ctl(http, emu, "POST", "login_codes", {})["code"]
    emu.state.clock.advance(301)

    assert errcode_of(code_to_session(http, emu, code)) == 40029


def test_same_user_keeps_openid_and_unionid_across_codes(http, emu):
    ctl(http, emu, "POST", "users", {"openid": "o_resident_1", "unionid": "u_resident_1"})
    first = ctl(http, emu, "POST", "login_codes", {"openid": "o_resident_1"})["code"]
    second = ctl(http, emu, "POST", "login_codes", {"openid": "o_resident_1"})["code"]

    answers = [code_to_session(http, emu, code).json() for code in (first, second)]

    assert [a["openid"] for a in answers] == ["o_resident_1", "o_resident_1"]
    assert [a["unionid"] for a in answers] == ["u_resident_1", "u_resident_1"]
    assert answers[0]["session_key"] != answers[1]["session_key"]


def test_code_to_session_checks_the_secret(http, emu):
    code = ctl(http, emu, "POST", "login_codes", {})["code"]
    assert errcode_of(code_to_session(http, emu, code, secret="wrong")) == 40125


# -- access tokens ----------------------------------------------------------------------------


def test_stable_token_is_the_same_until_it_expires(http, emu):
    first = stable_token(http, emu).json()
    second = stable_token(http, emu).json()
    assert second["access_token"] == first["access_token"]
    assert 7190 <= second["expires_in"] <= 7200

    emu.state.clock.advance(7201)
    third = stable_token(http, emu).json()

    assert third["access_token"] != first["access_token"]
    assert (
        errcode_of(wx(http, emu, "POST", "wxa/msg_sec_check", first["access_token"], {})) == 42001
    )


def test_stable_token_force_refresh_replaces_the_token_at_most_every_30_s(http, emu):
    first = stable_token(http, emu).json()["access_token"]
    forced = stable_token(http, emu, force=True).json()["access_token"]
    too_soon = stable_token(http, emu, force=True).json()["access_token"]

    assert forced != first
    assert too_soon == forced
    assert errcode_of(wx(http, emu, "POST", "wxa/msg_sec_check", first, {})) == 40001


def test_stable_token_refuses_an_access_token_in_the_query(http, emu, token):
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    response = wx(http, emu, "POST", "cgi-bin/stable_token", token, body)
    assert errcode_of(response) == 40097


def test_cgi_bin_token_rotates_and_the_old_one_dies_after_the_grace(http, emu, openid):
    body = {"version": 2, "scene": 2, "openid": openid, "content": "你好"}
    old, new = plain_token(http, emu), plain_token(http, emu)
    assert old != new
    assert errcode_of(wx(http, emu, "POST", "wxa/msg_sec_check", old, body)) == 0

    emu.state.clock.advance(301)

    assert errcode_of(wx(http, emu, "POST", "wxa/msg_sec_check", old, body)) == 40001
    assert errcode_of(wx(http, emu, "POST", "wxa/msg_sec_check", new, body)) == 0


def test_missing_unknown_expired_and_revoked_tokens(http, emu, token):
    path = "wxa/business/getuserphonenumber"
    assert errcode_of(wx(http, emu, "POST", path, None, {"code": "x"})) == 41001
    assert errcode_of(wx(http, emu, "POST", path, "not-a-token", {"code": "x"})) == 40001
    ctl(http, emu, "POST", "tokens/expire")
    assert errcode_of(wx(http, emu, "POST", path, token, {"code": "x"})) == 42001
    ctl(http, emu, "POST", "tokens/revoke")
    assert errcode_of(wx(http, emu, "POST", path, token, {"code": "x"})) == 40001


def test_wrong_app_secret_gets_no_token(http, emu):
    params = {"grant_type": "client_credential", "appid": APPID, "secret": "nope"}
    assert errcode_of(wx(http, emu, "GET", "cgi-bin/token", **params)) == 40125
    params = {**params, "appid": "wx_other", "secret": SECRET}
    assert errcode_of(wx(http, emu, "GET", "cgi-bin/token", **params)) == 40013


# -- phone number -----------------------------------------------------------------------------


def test_phone_number_has_wechats_shape_and_its_code_is_single_use(http, emu, token, openid):
    code = ctl(http, emu, "POST", "phone_codes", {"openid": openid, "phone": "13800138000"})
    path = "wxa/business/getuserphonenumber"

    answer = wx(http, emu, "POST", path, token, code).json()

    assert answer["errcode"] == 0
    info = answer["phone_info"]
    assert (info["phoneNumber"], info["purePhoneNumber"]) == ("13800138000", "13800138000")
    assert info["countryCode"] == "86"
    assert info["watermark"]["appid"] == APPID
    assert isinstance(info["watermark"]["timestamp"], int)
    assert errcode_of(wx(http, emu, "POST", path, token, code)) == 40029


# -- subscribe messages -----------------------------------------------------------------------


def send(http, emu, token, openid, template_id="TPL_ALL", data=None, **extra):
    data = data if data is not None else {k: {"value": v} for k, v in VALID_VALUES.items()}
    body = {"touser": openid, "template_id": template_id, "data": data, **extra}
    return wx(http, emu, "POST", "cgi-bin/message/subscribe/send", token, body)


def grant(http, emu, openid, template_id="TPL_ALL", count=1):
    payload = {"openid": openid, "template_id": template_id, "count": count}
    return ctl(http, emu, "POST", "credits", payload)["count"]


def credits(http, emu, openid, template_id="TPL_ALL"):
    return ctl(http, emu, "GET", "credits", openid=openid, template_id=template_id)["count"]


def test_send_to_unknown_openid_or_template_is_refused(http, emu, token, openid):
    assert errcode_of(send(http, emu, token, "o_nobody")) == 40003
    assert errcode_of(send(http, emu, token, openid, template_id="TPL_NONE")) == 40037


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("thing1", "一" * 21),
        ("number3", "12a"),
        ("letter9", "AB1"),
        ("symbol10", "%%%%%%"),
        ("character_string11", "编号1"),
        ("phone_number7", "1" * 18),
        ("car_number8", "粤B1234567"),
        ("name5", "张" * 11),
        ("phrase4", "pass"),
        ("amount6", "十二元"),
        ("time2", "25:00"),
        ("date12", "明天"),
        ("thing1", None),
    ],
)
def test_send_with_a_value_wechat_refuses_names_the_field(http, emu, token, openid, field, value):
    grant(http, emu, openid)
    data = {k: {"value": v} for k, v in VALID_VALUES.items()}
    if value is None:
        del data[field]
    else:
        data[field] = {"value": value}

    answer = send(http, emu, token, openid, data=data).json()

    assert answer["errcode"] == 47003
    assert answer["errmsg"].startswith(f"argument invalid! data.{field}.value invalid")
    assert credits(http, emu, openid) == 1


def test_send_checks_miniprogram_state_and_page(http, emu, token, openid):
    grant(http, emu, openid)
    assert errcode_of(send(http, emu, token, openid, miniprogram_state="beta")) == 47003
    assert errcode_of(send(http, emu, token, openid, page="pages/nowhere/index")) == 41030
    ok = send(
        http, emu, token, openid, page="pages/activity/detail?id=7", miniprogram_state="trial"
    )
    assert errcode_of(ok) == 0


def test_send_without_credit_is_refused_then_spends_exactly_one(http, emu, token, openid):
    assert errcode_of(send(http, emu, token, openid)) == 43101
    assert grant(http, emu, openid, count=2) == 2

    answer = send(http, emu, token, openid).json()

    assert answer["errcode"] == 0 and isinstance(answer["msgid"], int)
    assert credits(http, emu, openid) == 1
    sends = ctl(http, emu, "GET", "sends", openid=openid)["items"]
    assert [s["msgid"] for s in sends] == [answer["msgid"]]
    assert sends[0]["data"]["thing1"]["value"] == VALID_VALUES["thing1"]


def test_long_term_template_needs_no_credit(http, emu, token, openid):
    data = {"thing1": {"value": "停水通知"}}
    for _ in range(2):
        assert errcode_of(send(http, emu, token, openid, template_id="TPL_LONG", data=data)) == 0


# -- content security -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "suggest", "label"),
    [
        ("今天天气不错", "pass", 100),
        ("加我微信领红包", "review", 21000),
        ("出售枪支", "risky", 20006),
    ],
)
def test_msg_sec_check_verdicts(http, emu, token, openid, content, suggest, label):
    rules = {"risky_words": ["枪支"], "review_words": ["微信"]}
    ctl(http, emu, "POST", "content_rules", rules)
    body = {"version": 2, "scene": 2, "openid": openid, "content": content}

    answer = wx(http, emu, "POST", "wxa/msg_sec_check", token, body).json()

    assert answer["errcode"] == 0
    assert answer["result"] == {"suggest": suggest, "label": label}
    assert answer["trace_id"] and answer["detail"][0]["suggest"] == suggest


@pytest.mark.parametrize(
    ("change", "errcode"),
    [({"version": 1}, 47001), ({"scene": 9}, 47001), ({"openid": "x"}, 40003)],
)
def test_msg_sec_check_argument_errors(http, emu, token, openid, change, errcode):
    body = {"version": 2, "scene": 1, "openid": openid, "content": "你好", **change}
    assert errcode_of(wx(http, emu, "POST", "wxa/msg_sec_check", token, body)) == errcode


class _Receiver:
    """Our push endpoint, reduced to recording what WeChat posts and answering success."""

    def __init__(self):
        self.received: queue.Queue = queue.Queue()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                received.put((query, body, self.headers["Content-Type"]))
                self.send_response(200)
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"success")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/wechat/push"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(http, emu):
    receiver = _Receiver()
    ctl(http, emu, "POST", "config", {"push_url": receiver.url})
    yield receiver
    ctl(http, emu, "POST", "config", {"push_url": None})
    receiver.close()


def sha1_sorted(*parts):
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def decrypt(encrypted: str) -> tuple[bytes, bytes]:
    key = base64.b64decode(AES_KEY + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length], plain[20 + length :]


def test_media_check_pushes_a_signed_encrypted_verdict(http, emu, token, openid, receiver):
    rules = {"risky_media_markers": ["/bad/"], "media_verdict_delay": 0.05}
    ctl(http, emu, "POST", "content_rules", rules)
    body = {"media_url": "https://cdn.example.com/bad/1.jpg", "media_type": 2, "version": 2}
    body.update(scene=3, openid=openid)

    answer = wx(http, emu, "POST", "wxa/media_check_async", token, body).json()
    query, raw, content_type = receiver.received.get(timeout=3)

    assert answer["errcode"] == 0
    assert content_type == "application/json" and query["encrypt_type"] == "aes"
    envelope = json.loads(raw)
    stamp = (PUSH_TOKEN, query["timestamp"], query["nonce"])
    assert query["signature"] == sha1_sorted(*stamp)
    assert query["msg_signature"] == sha1_sorted(*stamp, envelope["Encrypt"])
    message, appid = decrypt(envelope["Encrypt"])
    assert appid == APPID.encode()
    event = json.loads(message)
    assert event["Event"] == "wxa_media_check" and event["MsgType"] == "event"
    assert event["trace_id"] == answer["trace_id"]
    assert (event["FromUserName"], event["appid"], event["version"]) == (openid, APPID, 2)
    assert event["result"] == {"suggest": "risky", "label": 20002}
    assert envelope["ToUserName"] == event["ToUserName"]


def test_control_push_sends_any_event_in_plain_xml(http, emu, receiver):
    event = {"ToUserName": "gh_x", "FromUserName": "o_1", "CreateTime": 1, "Event": "e"}
    event["SubscribeMsgPopupEvent"] = {"List": [{"TemplateId": "T1"}, {"TemplateId": "T2"}]}

    outcome = ctl(http, emu, "POST", "push", {"event": event, "mode": "plain", "format": "xml"})
    query, raw, _ = receiver.received.get(timeout=3)

    assert (outcome["status"], outcome["body"]) == (200, "success")
    assert query["signature"] == sha1_sorted(PUSH_TOKEN, query["timestamp"], query["nonce"])
    assert "encrypt_type" not in query
    text = raw.decode()
    assert text.startswith("<xml><ToUserName><![CDATA[gh_x]]></ToUserName>")
    assert "<CreateTime>1</CreateTime>" in text
    assert text.count("<List>") == 2


# -- QR codes ---------------------------------------------------------------------------------


def test_wxacode_unlimit_returns_a_real_png(http, emu, token):
    body = {"scene": "a=42&k=x", "page": "pages/index/index", "width": 300}
    response = wx(http, emu, "POST", "wxa/getwxacodeunlimit", token, body)

    assert response.headers["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", response.content[16:24]) == (300, 300)


@pytest.mark.parametrize(
    ("body", "errcode"),
    [
        ({"scene": "x" * 33}, 40169),
        ({"scene": "活动"}, 40169),
        ({"scene": "a", "page": "pages/nowhere/index"}, 41030),
        ({"scene": "a", "page": "/pages/index/index"}, 41030),
    ],
)
def test_wxacode_unlimit_errors_are_json(http, emu, token, body, errcode):
    response = wx(http, emu, "POST", "wxa/getwxacodeunlimit", token, body)
    assert response.headers["Content-Type"] == "application/json"
    assert errcode_of(response) == errcode


# -- faults -----------------------------------------------------------------------------------


def add_fault(http, emu, **rule):
    return ctl(http, emu, "POST", "faults", rule)


def get_token_call(http, emu, timeout=5):
    params = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    return wx(http, emu, "GET", "cgi-bin/token", timeout=timeout, **params)


@pytest.mark.parametrize("errcode", [-1, 45009, 45011])
def test_errcode_fault_hits_the_next_call_only(http, emu, errcode):
    add_fault(http, emu, path="cgi-bin/token", kind="errcode", errcode=errcode, count=1)

    faulted = get_token_call(http, emu)
    normal = get_token_call(http, emu)

    assert faulted.status_code == 200 and errcode_of(faulted) == errcode
    assert "access_token" in normal.json()


def test_http_fault_answers_the_status(http, emu):
    add_fault(http, emu, path="*", kind="http", status=503, count=1)
    assert get_token_call(http, emu).status_code == 503


def test_slow_fault_outlasts_the_client_timeout(http, emu):
    add_fault(http, emu, path="cgi-bin/token", kind="slow", delay=0.6, count=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        get_token_call(http, emu, timeout=0.2)


def test_drop_fault_closes_the_connection_without_an_answer(http, emu):
    add_fault(http, emu, path="cgi-bin/token", kind="drop", count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        get_token_call(http, emu)
    assert get_token_call(http, emu).status_code == 200


def test_drop_after_processing_still_spends_the_credit(http, emu, token, openid):
    grant(http, emu, openid)
    add_fault(http, emu, path="cgi-bin/message/subscribe/send", kind="drop", count=1, after=True)

    with pytest.raises(requests.exceptions.ConnectionError):
        send(http, emu, token, openid)

    assert credits(http, emu, openid) == 0
    assert len(ctl(http, emu, "GET", "sends", openid=openid)["items"]) == 1


def test_probability_fault_with_a_seed_is_reproducible(http, emu):
    expected_rng = random.Random(7)
    expected = [expected_rng.random() < 0.5 for _ in range(12)]
    patterns = []
    for _ in range(2):
        ctl(http, emu, "DELETE", "faults")
        add_fault(
            http, emu, path="cgi-bin/token", kind="errcode", errcode=-1, probability=0.5, seed=7
        )
        patterns.append([errcode_of(get_token_call(http, emu)) == -1 for _ in range(12)])

    assert patterns == [expected, expected]
    assert any(expected) and not all(expected)
    assert ctl(http, emu, "GET", "faults")["items"][0]["hits"] == sum(expected)


def test_fault_rule_needs_exactly_one_trigger(http, emu):
    response = http.post(f"{emu.url}__emulator__/faults", json={"kind": "drop"}, timeout=5)
    assert response.status_code == 400


# -- request record ---------------------------------------------------------------------------


def test_requests_are_recorded_with_body_outcome_and_fault(http, emu, token, openid):
    add_fault(http, emu, path="wxa/msg_sec_check", kind="errcode", errcode=45011, count=1)
    body = {"version": 2, "scene": 2, "openid": openid, "content": "你好"}
    wx(http, emu, "POST", "wxa/msg_sec_check", token, body)
    first = ctl(http, emu, "GET", "requests", path="wxa/msg_sec_check")
    wx(http, emu, "POST", "wxa/msg_sec_check", token, body)

    later = ctl(http, emu, "GET", "requests", path="wxa/msg_sec_check", since=first["last_seq"])

    [faulted] = first["items"]
    assert faulted["method"] == "POST" and faulted["body"] == body
    assert faulted["query"]["access_token"] == token
    assert (faulted["status"], faulted["errcode"], faulted["fault"]["kind"]) == (
        200,
        45011,
        "errcode",
    )
    [normal] = later["items"]
    assert normal["seq"] > faulted["seq"] and normal["errcode"] == 0 and normal["fault"] is None
    assert normal["at"] >= faulted["at"]
    ctl(http, emu, "DELETE", "requests")
    assert ctl(http, emu, "GET", "requests")["items"] == []


def test_wechatpy_client_runs_against_the_emulator(http, emu, openid):
    from wechatpy import WeChatClient
    from wechatpy.client.api import WeChatWxa

    base = emu.url

    class Wxa(WeChatWxa):
        API_BASE_URL = base

    class Client(WeChatClient):
        API_BASE_URL = base
        wxa = Wxa()

        def fetch_access_token(self):
            params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
            return self._fetch_access_token(base + "cgi-bin/token", params)

    client = Client(APPID, SECRET, auto_retry=False, timeout=5)
    code = ctl(http, emu, "POST", "login_codes", {"openid": openid})["code"]
    grant(http, emu, openid, "TPL_LONG")
    try:
        assert client.wxa.code_to_session(code)["openid"] == openid
        sent = client.wxa.send_subscribe_message(openid, "TPL_LONG", {"thing1": {"value": "通知"}})
        image = client.wxa.get_wxa_code_unlimited("id=1", page="pages/index/index")
    finally:
        client._http.close()

    assert sent["errcode"] == 0
    assert image.content.startswith(b"\x89PNG")


def test_media_check_without_push_url_still_records_the_verdict(http, emu, token, openid):
    ctl(http, emu, "POST", "content_rules", {"media_verdict_delay": 0})
    body = {"media_url": "https://cdn.example.com/ok.jpg", "media_type": 2, "version": 2}
    trace_id = wx(
        http, emu, "POST", "wxa/media_check_async", token, {**body, "scene": 1, "openid": openid}
    ).json()["trace_id"]

    for _ in range(100):
        [check] = ctl(http, emu, "GET", "media_checks", trace_id=trace_id)["items"]
        if check["verdict_at"] is not None:
            break
        time.sleep(0.02)

    assert (check["suggest"], check["delivery"]) == ("pass", None)
    assert check["event"]["result"] == {"suggest": "pass", "label": 100}
