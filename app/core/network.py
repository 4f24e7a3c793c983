"""Who is on the other end of a request: client address and request id."""

from __future__ import annotations

import re
import uuid

from flask import g, request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip() -> str:
    """The caller's address; ProxyFix (configured in create_app) has already applied proxies."""
    return request.remote_addr or "unknown"


def assign_request_id() -> None:
    """Keep a caller-supplied X-Request-ID if it looks sane, else make one."""
    supplied = request.headers.get("X-Request-ID", "")
    g.request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id")
