"""The emulator itself: routes WeChat calls through faults, handlers and the request record."""

import json
import threading
import time
import traceback
from dataclasses import dataclass
from urllib.parse import parse_qs

from . import api_auth, api_wxa, control, push
from .faults import FaultBook, FaultRule
from .replies import Reply, WxError, json_reply, wx_error
from .state import Config, State

CONTROL_PREFIX = "/__emulator__/"


@dataclass(frozen=True)
class Route:
    method: str
    handler: object
    needs_token: bool = True


ROUTES = {
    "cgi-bin/token": Route("GET", api_auth.get_token, needs_token=False),
    "cgi-bin/stable_token": Route("POST", api_auth.stable_token, needs_token=False),
    "sns/jscode2session": Route("GET", api_auth.code_to_session, needs_token=False),
    "wxa/business/getuserphonenumber": Route("POST", api_auth.get_phone_number),
    "cgi-bin/message/subscribe/send": Route("POST", api_wxa.subscribe_send),
    "wxa/msg_sec_check": Route("POST", api_wxa.msg_sec_check),
    "wxa/media_check_async": Route("POST", api_wxa.media_check_async),
    "wxa/getwxacodeunlimit": Route("POST", api_wxa.wxacode_unlimit),
}


def parse_json(raw: bytes):
    # wechatpy posts JSON without a Content-Type, so the body is read as JSON whatever it says.
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


class Emulator:
    """Transport-free core: `handle()` turns one HTTP request into one Reply."""

    def __init__(self, config: Config, token_ttl: float, token_grace: float, record_cap: int):
        self.state = State(config, token_ttl, token_grace, record_cap)
        self.faults = FaultBook()
        self._timers: set[threading.Timer] = set()
        self._timers_lock = threading.Lock()

    def handle(self, method: str, path: str, query_string: str, raw: bytes) -> Reply:
        query = {k: v[0] for k, v in parse_qs(query_string, keep_blank_values=True).items()}
        try:
            if path.startswith(CONTROL_PREFIX):
                return control.dispatch(self, method, path[len(CONTROL_PREFIX) :], query, raw)
            return self._handle_wechat(method, path.lstrip("/"), query, raw)
        except Exception as exc:  # an emulator bug must still answer, loudly
            traceback.print_exc()
            return json_reply({"errcode": -1, "errmsg": f"emulator error: {exc!r}"}, status=500)

    def _handle_wechat(self, method: str, path: str, query: dict, raw: bytes) -> Reply:
        at = time.time()
        body = parse_json(raw)
        rule = self.faults.match(path)
        reply = self._answer(method, path, query, body, rule)
        record = {
            "at": at,
            "method": method,
            "path": path,
            "query": query,
            "body": body,
            "status": None if reply.drop else reply.status,
            "errcode": reply.errcode,
            "fault": {"id": rule.id, "kind": rule.kind} if rule else None,
        }
        self.state.record_request(record)
        return reply

    def _answer(self, method, path, query, body, rule: FaultRule | None) -> Reply:
        if rule is not None and not rule.after:
            faulted = rule.reply()
            if faulted is not None:
                return faulted
        reply = self._route(method, path, query, body)
        if rule is not None and rule.after:
            # The call took effect, but the caller never learns it did.
            return rule.reply() or reply
        return reply

    def _route(self, method: str, path: str, query: dict, body) -> Reply:
        route = ROUTES.get(path)
        if route is None:
            return json_reply({"errcode": 40066, "errmsg": f"invalid url /{path}"}, status=404)
        try:
            if method != route.method:
                raise WxError(43001 if route.method == "GET" else 43002, f"require {route.method}")
            if route.needs_token:
                with self.state.lock:
                    self.state.tokens.check(query.get("access_token"), self.state.now())
            if route.method == "POST" and not isinstance(body, dict):
                raise WxError(47001, "data format error")
            result = route.handler(self, query, body or {})
        except WxError as exc:
            return wx_error(exc.errcode, exc.errmsg)
        return result if isinstance(result, Reply) else json_reply(result)

    # -- background work -----------------------------------------------------------------------

    def schedule(self, delay: float, func, *args) -> None:
        def run():
            with self._timers_lock:
                self._timers.discard(timer)
            func(*args)

        timer = threading.Timer(max(delay, 0.0), run)
        timer.daemon = True
        with self._timers_lock:
            self._timers.add(timer)
        timer.start()

    def cancel_timers(self) -> None:
        with self._timers_lock:
            timers, self._timers = self._timers, set()
        for timer in timers:
            timer.cancel()

    def push_event(self, event: dict, mode: str | None = None, fmt: str | None = None) -> dict:
        """Sign (and encrypt) an event, POST it to push_url once, record and return the outcome."""
        config = self.state.config
        if not config.push_url:
            raise ValueError("push_url is not configured")
        mode = mode or ("aes" if config.push_aes_key else "plain")
        fmt = fmt or config.push_format
        query, body, content_type = push.build(
            event,
            token=config.push_token or "",
            appid=config.appid,
            mode=mode,
            fmt=fmt,
            encoding_aes_key=config.push_aes_key,
        )
        outcome = push.deliver(config.push_url, query, body, content_type)
        outcome.update(at=time.time(), url=config.push_url, mode=mode, format=fmt, event=event)
        self.state.record_push(outcome)
        return outcome

    def deliver_media_verdict(self, trace_id: str) -> None:
        state = self.state
        with state.lock:
            check = state.media_checks.get(trace_id)
        if check is None:  # reset in the meantime
            return
        config = state.config
        verdict = {"suggest": check["suggest"], "label": check["label"]}
        event = {
            "ToUserName": config.original_id,
            "FromUserName": check["openid"],
            "CreateTime": int(time.time()),
            "MsgType": "event",
            "Event": "wxa_media_check",
            "appid": config.appid,
            "trace_id": trace_id,
            "version": 2,
            "detail": [{"strategy": "content_model", "errcode": 0, **verdict, "prob": 90}],
            "errcode": 0,
            "errmsg": "ok",
            "result": verdict,
        }
        delivery = None
        if config.push_url:
            try:
                delivery = self.push_event(event)
            except ValueError as exc:
                delivery = {"status": None, "body": None, "error": str(exc)}
        with state.lock:
            check.update(verdict_at=time.time(), event=event, delivery=delivery)
