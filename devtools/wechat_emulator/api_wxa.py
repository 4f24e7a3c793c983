"""WeChat mini-program endpoints: subscribe messages, content security and QR codes."""

import re
import time

from . import fields, png
from .replies import Reply, WxError, as_int, rid

MINIPROGRAM_STATES = ("developer", "trial", "formal")
LANGS = ("zh_CN", "en_US", "zh_HK", "zh_TW")
ENV_VERSIONS = ("release", "trial", "develop")
SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}")
LABEL_PASS, LABEL_TEXT_RISKY, LABEL_REVIEW, LABEL_MEDIA_RISKY = 100, 20006, 21000, 20002


def _check_page(pages: list[str] | None, page) -> None:
    if page in (None, "") or pages is None:
        return
    path = str(page).split("?", 1)[0].lstrip("/")
    if path not in pages:
        raise WxError(41030, "invalid page")


def subscribe_send(emu, query: dict, body: dict) -> dict:
    """POST cgi-bin/message/subscribe/send: checks in WeChat's order, then spends a credit."""
    state = emu.state
    if not state.has_user(body.get("touser")):
        raise WxError(40003, "invalid openid")
    template = state.template(body.get("template_id"))
    if template is None:
        raise WxError(40037, "invalid template id")
    if body.get("miniprogram_state", "formal") not in MINIPROGRAM_STATES:
        raise WxError(47003, "argument invalid! miniprogram_state invalid")
    if body.get("lang", "zh_CN") not in LANGS:
        raise WxError(47003, "argument invalid! lang invalid")
    _check_page(state.config.pages, body.get("page"))
    fields.check_data(template["fields"], body.get("data"))
    msgid = state.spend_and_record_send(template, body)
    return {"errcode": 0, "errmsg": "ok", "msgid": msgid}


def _check_v2(state, body: dict) -> None:
    if as_int(body.get("version")) != 2:
        raise WxError(47001, "data format error hint: version must be 2")
    if as_int(body.get("scene")) not in (1, 2, 3, 4):
        raise WxError(47001, "data format error hint: scene must be 1, 2, 3 or 4")
    if not state.has_user(body.get("openid")):
        raise WxError(40003, "invalid openid")


def _text_verdict(config, content: str) -> tuple[str, int, str | None]:
    for suggest, words, label in (
        ("risky", config.risky_words, LABEL_TEXT_RISKY),
        ("review", config.review_words, LABEL_REVIEW),
    ):
        for word in words:
            if word and word in content:
                return suggest, label, word
    return "pass", LABEL_PASS, None


def msg_sec_check(emu, query: dict, body: dict) -> dict:
    """POST wxa/msg_sec_check v2: the verdict is result.suggest, always with errcode 0."""
    _check_v2(emu.state, body)
    content = body.get("content")
    if not isinstance(content, str) or not content or len(content) > 2500:
        raise WxError(47001, "data format error hint: content must be 1..2500 characters")
    suggest, label, word = _text_verdict(emu.state.config, content)
    detail = [
        {"strategy": "content_model", "errcode": 0, "suggest": suggest, "label": label, "prob": 90}
    ]
    if word is not None:
        keyword = {"suggest": suggest, "label": label, "level": 20, "keyword": word}
        detail.append({"strategy": "keyword", "errcode": 0, **keyword})
    return {
        "errcode": 0,
        "errmsg": "ok",
        "result": {"suggest": suggest, "label": label},
        "detail": detail,
        "trace_id": rid(),
    }


def media_check_async(emu, query: dict, body: dict) -> dict:
    """POST wxa/media_check_async v2: answers a trace_id; the verdict is pushed later."""
    _check_v2(emu.state, body)
    media_url = body.get("media_url")
    if not isinstance(media_url, str) or not media_url.startswith(("http://", "https://")):
        raise WxError(47001, "data format error hint: media_url must be an http(s) URL")
    if as_int(body.get("media_type")) not in (1, 2):
        raise WxError(47001, "data format error hint: media_type must be 1 (audio) or 2 (image)")
    config = emu.state.config
    risky = any(marker and marker in media_url for marker in config.risky_media_markers)
    check = {
        "trace_id": rid(),
        "openid": body["openid"],
        "media_url": media_url,
        "media_type": as_int(body.get("media_type")),
        "scene": as_int(body.get("scene")),
        "suggest": "risky" if risky else "pass",
        "label": LABEL_MEDIA_RISKY if risky else LABEL_PASS,
        "requested_at": time.time(),
        "verdict_at": None,
        "delivery": None,
    }
    emu.state.add_media_check(check)
    emu.schedule(config.media_verdict_delay, emu.deliver_media_verdict, check["trace_id"])
    return {"errcode": 0, "errmsg": "ok", "trace_id": check["trace_id"]}


def _check_code_page(pages: list[str] | None, body: dict) -> None:
    page = body.get("page")
    if page in (None, ""):
        return
    if not isinstance(page, str) or page.startswith("/") or "?" in page:
        raise WxError(41030, "invalid page")
    if body.get("check_path", True) is not False:
        _check_page(pages, page)


def wxacode_unlimit(emu, query: dict, body: dict) -> Reply:
    """POST wxa/getwxacodeunlimit: PNG bytes on success, JSON on error."""
    scene = body.get("scene")
    if not isinstance(scene, str) or not SCENE.fullmatch(scene):
        raise WxError(40169, "invalid length for scene, or the data is not json string")
    _check_code_page(emu.state.config.pages, body)
    if body.get("env_version", "release") not in ENV_VERSIONS:
        raise WxError(40097, "invalid args, env_version must be release, trial or develop")
    width = as_int(body.get("width", 430))
    if width is None:
        raise WxError(47001, "data format error hint: width must be an integer")
    size = min(max(width, 280), 1280)
    image = png.code_png(f"{scene}|{body.get('page') or ''}", size)
    return Reply(status=200, body=image, content_type="image/png")
