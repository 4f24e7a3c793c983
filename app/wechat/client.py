"""linli's only door to WeChat's server API: wechatpy with a shared Redis token and our errors."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
from collections.abc import Iterator
from typing import Any

import redis as redis_lib
import requests
from wechatpy.client import WeChatClient
from wechatpy.client.api.wxa import WeChatWxa
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from app.wechat.errors import (
    WeChatApiError,
    WeChatError,
    WeChatQuotaExhausted,
    WeChatUnavailable,
    error_for_errcode,
)
from app.wechat.quota import QuotaGuard
from app.wechat.token_cache import TokenCache

logger = logging.getLogger(__name__)

# Answers that mean "this access_token is no good": refresh once, retry once.
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
_JSON_HEADERS = {"Content-Type": "application/json"}
_BUSY_RETRIES = 2
MSG_SEC_CHECK_MAX_CHARS = 2500
WXACODE_SCENE_MAX_CHARS = 32  # extra attempts after errcode -1 ("system busy")


@contextlib.contextmanager
def _translated(path: str) -> Iterator[None]:
    """Turn wechatpy's and requests' exceptions into ours, logging path and errcode only.

    ``from None`` on purpose: requests' messages carry the full URL, and with it the
    access_token or (for jscode2session) the app secret.
    """
    try:
        yield
    except WeChatClientException as exc:
        raise _from_wechatpy(path, exc) from None
    except requests.RequestException as exc:
        logger.warning("wechat %s unreachable: %s", path, type(exc).__name__)
        raise WeChatUnavailable(errmsg=type(exc).__name__) from None


def _from_wechatpy(path: str, exc: WeChatClientException) -> WeChatError:
    if exc.errcode is None:  # wechatpy's shape for an HTTP error status
        status = getattr(exc.response, "status_code", None)
        logger.warning("wechat %s answered HTTP %s", path, status)
        error_class = WeChatApiError if status is not None and status < 500 else WeChatUnavailable
        return error_class(errmsg=f"HTTP {status}")
    error = error_for_errcode(int(exc.errcode), str(exc.errmsg))
    # 45009 lasts until the daily quota resets: someone has to act, so it is an alert.
    log = logger.error if isinstance(error, WeChatQuotaExhausted) else logger.warning
    log("wechat %s failed: errcode=%s errmsg=%s", path, exc.errcode, exc.errmsg)
    return error


def _require(result: dict[str, Any], key: str) -> Any:
    """A field WeChat promises on success; its absence means the answer is unusable."""
    if key not in result:
        raise WeChatUnavailable(errmsg=f"answer without {key}")
    return result[key]


class _DisabledStorage(SessionStorage):
    """Stands in for wechatpy's token storage, which we replace by TokenCache entirely."""

    def get(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("wechatpy session storage is not used; see TokenCache")

    set = delete = get


class _Wxa(WeChatWxa):
    """wechatpy's wxa API aimed at the client's base URL; wechatpy hard-codes api.weixin.qq.com."""

    @property
    def API_BASE_URL(self) -> str:
        return self._client.base_url


class _Client(WeChatClient):
    """WeChatClient with a configurable base URL, JSON headers and the token from Redis."""

    # wechatpy instantiates class-level API objects per client in __new__, so override here.
    wxa = _Wxa()

    def __init__(
        self,
        *,
        appid: str,
        secret: str,
        base_url: str,
        timeout: float,
        redis: redis_lib.Redis,
        token_key: str,
    ) -> None:
        super().__init__(
            appid,
            secret,
            session=_DisabledStorage(),
            timeout=(timeout, timeout),
            auto_retry=False,  # wechatpy's retry recurses without bound; the gateway retries once
        )
        self.base_url = base_url
        self.API_BASE_URL = base_url + "cgi-bin/"
        self.tokens = TokenCache(redis, token_key, self.fetch_access_token, timeout)

    @property
    def access_token(self) -> str:
        return self.tokens.get()

    def fetch_access_token(self) -> dict:
        """POST cgi-bin/stable_token (same token while valid); no access_token in the query."""
        body = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret,
            "force_refresh": False,
        }
        with _translated("cgi-bin/stable_token"):
            res = self._http.post(
                self.API_BASE_URL + "stable_token",
                data=json.dumps(body).encode(),
                headers=_JSON_HEADERS,
                timeout=self.timeout,
            )
            if res.status_code >= 400:  # shaped like wechatpy's own HTTP-status errors
                raise WeChatClientException(None, None, client=self, response=res)
            result = self._handle_result(res)
        if not isinstance(result, dict):
            raise WeChatUnavailable(errmsg="stable_token answered without JSON")
        return result

    def _request(self, method, url_or_endpoint, **kwargs):
        # wechatpy serialises dict bodies to UTF-8 JSON but never says so in Content-Type.
        if isinstance(kwargs.get("data"), dict):
            kwargs["headers"] = {**(kwargs.get("headers") or {}), **_JSON_HEADERS}
        return super()._request(method, url_or_endpoint, **kwargs)


class WeChatGateway:
    """Every call linli makes to WeChat; errors come out as app.wechat.errors classes."""

    def __init__(
        self,
        appid: str,
        secret: str,
        base_url: str,
        redis: redis_lib.Redis,
        timeout: float = 5.0,
        key_prefix: str = "linli:wechat",
    ) -> None:
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.token_key = f"{key_prefix}:{appid}:access_token"
        self._client = _Client(
            appid=appid,
            secret=secret,
            base_url=base_url,
            timeout=timeout,
            redis=redis,
            token_key=self.token_key,
        )
        self._quota = QuotaGuard(redis, f"{key_prefix}:{appid}")

    def access_token(self) -> str:
        """The shared access token; at most one stable_token request across all processes."""
        return self._client.access_token

    def code_to_session(self, js_code: str) -> dict:
        """sns/jscode2session → {openid, session_key, unionid?}; 40029/40163/40226 raise."""
        # It authenticates with the secret; access_token=None stops wechatpy from attaching one
        # (requests drops None params), so a login never waits on the token.
        params = {
            "appid": self._client.appid,
            "secret": self._client.secret,
            "js_code": js_code,
            "grant_type": "authorization_code",
        }
        return self._call("get", "sns/jscode2session", params=params, with_token=False)

    def get_phone_number(self, code: str) -> dict:
        """wxa/business/getuserphonenumber → phone_info {purePhoneNumber, countryCode, …}."""
        result = self._call("post", "wxa/business/getuserphonenumber", data={"code": code})
        return _require(result, "phone_info")

    def send_subscribe_message(
        self,
        touser: str,
        template_id: str,
        data: dict[str, Any],
        page: str | None = None,
        miniprogram_state: str = "formal",
        lang: str = "zh_CN",
    ) -> dict:
        """One subscribe message; failures keep WeChat's errcode (43101, 47003 …) on the error."""
        body = {
            "touser": touser,
            "template_id": template_id,
            "data": data,
            "miniprogram_state": miniprogram_state,
            "lang": lang,
        }
        if page is not None:
            body["page"] = page
        return self._call("post", "cgi-bin/message/subscribe/send", data=body)

    def msg_sec_check(self, openid: str, content: str, scene: int) -> dict:
        """Text check v2; the verdict is result.suggest (pass/review/risky) with errcode 0."""
        if len(content) > MSG_SEC_CHECK_MAX_CHARS:
            raise ValueError("msg_sec_check takes at most 2500 characters; validate earlier")
        body = {"version": 2, "openid": openid, "scene": scene, "content": content}
        return self._call("post", "wxa/msg_sec_check", data=body)

    def media_check_async(self, openid: str, media_url: str, scene: int) -> str:
        """Image check v2; returns the trace_id the pushed verdict will be matched by."""
        body = {
            "media_url": media_url,
            "media_type": 2,
            "version": 2,
            "scene": scene,
            "openid": openid,
        }
        return _require(self._call("post", "wxa/media_check_async", data=body), "trace_id")

    def get_wxa_code_unlimited(
        self,
        scene: str,
        page: str,
        width: int = 430,
        check_path: bool = False,
        env_version: str = "release",
    ) -> bytes:
        """The mini-program code image; a JSON answer is an error and raises."""
        if not 0 < len(scene) <= WXACODE_SCENE_MAX_CHARS:
            raise ValueError("a wxacode scene is 1 to 32 characters; put a short id in it")
        body = {
            "scene": scene,
            "page": page,
            "width": width,
            "check_path": check_path,
            "env_version": env_version,
        }
        res = self._call("post", "wxa/getwxacodeunlimit", data=body, expect_json=False)
        # Errors arrive as JSON (raised above); anything else that is not an image is garbage.
        content_type = res.headers.get("Content-Type", "") if hasattr(res, "headers") else ""
        if not content_type.startswith("image/"):
            logger.warning("wechat wxa/getwxacodeunlimit answered without an image")
            raise WeChatUnavailable(errmsg="getwxacodeunlimit answered without an image")
        return res.content

    def _call(self, method: str, path: str, *, with_token: bool = True, **kwargs: Any) -> Any:
        """One API call: one token refresh on 40001/40014/42001, a couple of retries on -1."""
        if self._quota.is_exhausted(path):
            raise WeChatQuotaExhausted(errcode=45009, errmsg="daily quota spent (remembered)")
        refreshed = False
        busy_retries = 0
        while True:
            token = self._client.access_token if with_token else None
            try:
                return self._send(method, path, token, **kwargs)
            except WeChatError as exc:
                if exc.errcode in TOKEN_ERRCODES and token and not refreshed:
                    self._client.tokens.drop(token)
                    refreshed = True
                elif exc.errcode == 45009:
                    self._quota.mark_exhausted(path)
                    raise
                elif exc.errcode == -1 and busy_retries < _BUSY_RETRIES:
                    busy_retries += 1
                    time.sleep(random.uniform(0.05, 0.15) * busy_retries)  # jitter spreads retries
                else:
                    raise

    def _send(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        data: dict | None = None,
        params: dict | None = None,
        expect_json: bool = True,
    ) -> Any:
        wxa = self._client.wxa
        send = wxa._post if method == "post" else wxa._get
        with _translated(path):
            result = send(path, data=data, params={**(params or {}), "access_token": token})
        if expect_json and not isinstance(result, dict):
            logger.warning("wechat %s answered without JSON", path)
            raise WeChatUnavailable(errmsg="answer is not JSON")
        return result
