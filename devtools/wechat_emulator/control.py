"""The /__emulator__/ control API: set up users, codes, credits, rules and faults; read records."""

import json

from . import push
from .replies import Reply, as_int, json_reply


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _text(body: dict, key: str, required: bool = True) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise ControlError(f"{key} must be a non-empty string")
    return value


def _words(value, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ControlError(f"{key} must be a list of strings")
    return list(value)


def health(emu, query, body):
    return {"ok": True}


def add_user(emu, query, body):
    return emu.state.add_user(
        _text(body, "openid", False), _text(body, "unionid", False), _text(body, "phone", False)
    )


def list_users(emu, query, body):
    with emu.state.lock:
        return {"items": [dict(u) for u in emu.state.users.values()]}


def add_login_code(emu, query, body):
    return emu.state.issue_login_code(_text(body, "openid", False))


def add_phone_code(emu, query, body):
    country_code = body.get("country_code", "86")
    if not isinstance(country_code, str | int) or isinstance(country_code, bool):
        raise ControlError("country_code must be a string or a number")
    openid, phone = _text(body, "openid", False), _text(body, "phone", False)
    return {"code": emu.state.issue_phone_code(openid, phone, country_code)}


def add_templates(emu, query, body):
    specs = body if isinstance(body, list) else [body]
    items = [
        emu.state.add_template(
            spec.get("template_id"), spec.get("fields"), bool(spec.get("long_term", False))
        )
        for spec in specs
        if isinstance(spec, dict)
    ]
    return items[0] if isinstance(body, dict) else {"items": items}


def list_templates(emu, query, body):
    with emu.state.lock:
        return {"items": list(emu.state.config.templates.values())}


def add_credits(emu, query, body):
    openid, template_id = _text(body, "openid"), _text(body, "template_id")
    count = as_int(body.get("count", 1))
    if count is None:
        raise ControlError("count must be an integer")
    total = emu.state.add_credits(openid, template_id, count)
    return {"openid": openid, "template_id": template_id, "count": total}


def get_credits(emu, query, body):
    openid, template_id = _text(query, "openid"), _text(query, "template_id")
    count = emu.state.credits_of(openid, template_id)
    return {"openid": openid, "template_id": template_id, "count": count}


def content_rules(emu, query, body):
    config = emu.state.config
    updates = {
        key: _words(body[key], key)
        for key in ("risky_words", "review_words", "risky_media_markers")
        if key in body
    }
    if "media_verdict_delay" in body:
        delay = body["media_verdict_delay"]
        if isinstance(delay, bool) or not isinstance(delay, int | float) or delay < 0:
            raise ControlError("media_verdict_delay must be a number of seconds >= 0")
        updates["media_verdict_delay"] = float(delay)
    with emu.state.lock:
        for key, value in updates.items():
            setattr(config, key, value)
        names = ("risky_words", "review_words", "risky_media_markers", "media_verdict_delay")
        return {key: getattr(config, key) for key in names}


CONFIG_KEYS = ("push_url", "push_token", "push_aes_key", "push_format", "pages", "original_id")


def _check_config(key: str, value) -> None:
    if key == "pages" and value is not None:
        _words(value, "pages")
    elif key == "push_format" and value not in ("json", "xml"):
        raise ControlError("push_format must be json or xml")
    elif key == "push_aes_key" and value is not None:
        push.aes_key(value)
    elif key != "pages" and value is not None and not isinstance(value, str):
        raise ControlError(f"{key} must be a string or null")


def set_config(emu, query, body):
    for key in CONFIG_KEYS:
        if key in body:
            _check_config(key, body[key])
    with emu.state.lock:
        for key in CONFIG_KEYS:
            if key in body:
                value = body[key]
                setattr(emu.state.config, key, list(value) if key == "pages" and value else value)
    return get_config(emu, query, body)


def get_config(emu, query, body):
    config = emu.state.config
    return {"appid": config.appid, **{key: getattr(config, key) for key in CONFIG_KEYS}}


def add_fault(emu, query, body):
    return emu.faults.add(body)


def list_faults(emu, query, body):
    return {"items": emu.faults.list()}


def clear_faults(emu, query, body):
    rule_id = as_int(query.get("id")) if "id" in query else None
    return {"removed": emu.faults.remove(rule_id)}


def list_requests(emu, query, body):
    since = as_int(query.get("since")) if query.get("since") else None
    items = emu.state.list_records("requests", path=query.get("path"), since=since)
    limit = as_int(query.get("limit")) if query.get("limit") else None
    last_seq = items[-1]["seq"] if items else since or 0
    return {"items": items[-limit:] if limit else items, "last_seq": last_seq}


def clear_requests(emu, query, body):
    with emu.state.lock:
        emu.state.requests.clear()
    return {"ok": True}


def list_sends(emu, query, body):
    match = {"touser": query.get("openid"), "template_id": query.get("template_id")}
    return {"items": emu.state.list_records("sends", **match)}


def list_pushes(emu, query, body):
    return {"items": emu.state.list_records("pushes")}


def list_media_checks(emu, query, body):
    with emu.state.lock:
        items = [dict(c) for c in emu.state.media_checks.values()]
    trace_id = query.get("trace_id")
    return {"items": [c for c in items if trace_id in (None, c["trace_id"])]}


def expire_tokens(emu, query, body):
    with emu.state.lock:
        return {"expired": emu.state.tokens.expire_all(emu.state.now())}


def revoke_tokens(emu, query, body):
    with emu.state.lock:
        return {"revoked": emu.state.tokens.revoke_all()}


def list_tokens(emu, query, body):
    with emu.state.lock:
        return {"items": emu.state.tokens.summary(emu.state.now())}


def clock(emu, query, body):
    seconds = body.get("advance", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ControlError("advance must be a number of seconds")
    now = emu.state.clock.advance(seconds)
    return {"now": now, "offset": emu.state.clock.offset}


def send_push(emu, query, body):
    event = body.get("event")
    if not isinstance(event, dict):
        raise ControlError("event must be an object")
    return emu.push_event(event, mode=body.get("mode"), fmt=body.get("format"))


def reset(emu, query, body):
    emu.cancel_timers()
    emu.faults.remove()
    emu.state.reset()
    return {"ok": True}


ROUTES = {
    ("GET", "health"): health,
    ("POST", "users"): add_user,
    ("GET", "users"): list_users,
    ("POST", "login_codes"): add_login_code,
    ("POST", "phone_codes"): add_phone_code,
    ("POST", "templates"): add_templates,
    ("GET", "templates"): list_templates,
    ("POST", "credits"): add_credits,
    ("GET", "credits"): get_credits,
    ("POST", "content_rules"): content_rules,
    ("POST", "config"): set_config,
    ("GET", "config"): get_config,
    ("POST", "faults"): add_fault,
    ("GET", "faults"): list_faults,
    ("DELETE", "faults"): clear_faults,
    ("GET", "requests"): list_requests,
    ("DELETE", "requests"): clear_requests,
    ("GET", "sends"): list_sends,
    ("GET", "pushes"): list_pushes,
    ("GET", "media_checks"): list_media_checks,
    ("POST", "tokens/expire"): expire_tokens,
    ("POST", "tokens/revoke"): revoke_tokens,
    ("GET", "tokens"): list_tokens,
    ("POST", "clock"): clock,
    ("POST", "push"): send_push,
    ("POST", "reset"): reset,
}


def dispatch(emu, method: str, name: str, query: dict, raw: bytes) -> Reply:
    handler = ROUTES.get((method, name.strip("/")))
    if handler is None:
        return json_reply({"error": f"no control call {method} /__emulator__/{name}"}, status=404)
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        if not isinstance(body, dict | list) or (isinstance(body, list) and name != "templates"):
            raise ControlError("the body must be a JSON object")
        return json_reply(handler(emu, query, body))
    except ControlError as exc:
        return json_reply({"error": str(exc)}, status=exc.status)
    except ValueError as exc:  # includes malformed JSON and rules that cannot be honoured
        return json_reply({"error": str(exc)}, status=400)
