"""Renders every error, linli's and Flask's alike, in the one JSON shape of STYLE.md."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, current_app, jsonify
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from app.core.errors import AppError, CacheUnavailable, Conflict, DatabaseUnavailable

log = logging.getLogger(__name__)
_DUPLICATE_KEY = 1062


class DuplicateRecord(Conflict):
    reason = "duplicate"
    message = "该记录已存在，请勿重复提交"


# Stable reasons and Chinese toasts for the HTTP errors Flask and werkzeug raise themselves.
HTTP_REASONS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式有误"),
    401: ("unauthenticated", "请先登录"),
    403: ("forbidden", "没有权限进行此操作"),
    404: ("not_found", "找不到该内容"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "操作与当前状态冲突"),
    413: ("payload_too_large", "提交的内容太大"),
    415: ("unsupported_media_type", "请求内容类型不受支持"),
    422: ("validation_failed", "提交的内容有误，请检查后重试"),
    429: ("rate_limited", "操作太频繁，请稍后再试"),
    500: ("internal_error", "服务器开小差了，请稍后再试"),
    503: ("unavailable", "服务暂时不可用，请稍后再试"),
}


def error_response(
    status: int,
    reason: str,
    message: str,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
):
    from werkzeug.http import HTTP_STATUS_CODES

    body = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "reason": reason,
        "message": message,
        "errors": errors or {},
    }
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _validation_errors(error: HTTPException) -> dict[str, Any]:
    """webargs puts messages per location ({"json": {...}}); one location is unwrapped."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    if isinstance(messages, dict) and len(messages) == 1:
        (only,) = messages.values()
        if isinstance(only, dict):
            return only
    return messages if isinstance(messages, dict) else {"_": messages}


def handle_app_error(error: AppError):
    return error_response(
        error.status_code, error.reason, error.message, error.errors, error.headers
    )


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    reason, message = HTTP_REASONS.get(status, ("http_error", "请求无法完成"))
    headers = {}
    if status == 405:
        headers = {k: v for k, v in error.get_headers() if k == "Allow"}
    if status == 429 and getattr(error, "retry_after", None):
        headers["Retry-After"] = str(error.retry_after)
    errors = _validation_errors(error) if status == 422 else {}
    return error_response(status, reason, message, errors, headers)


def handle_unexpected(error: Exception):
    if isinstance(error, IntegrityError) and _mysql_code(error) == _DUPLICATE_KEY:
        # A unique constraint caught what a concurrent request wrote first (a double submit).
        return handle_app_error(DuplicateRecord())
    if isinstance(error, OperationalError | DBAPIError) and _is_connection_problem(error):
        log.error("database unavailable: %s", type(error.orig).__name__)
        return handle_app_error(DatabaseUnavailable())
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        log.error("redis unavailable: %s", type(error).__name__)
        return handle_app_error(CacheUnavailable())
    if current_app.testing:
        raise error
    log.exception("unhandled error")
    reason, message = HTTP_REASONS[500]
    return error_response(500, reason, message)


def _mysql_code(error: DBAPIError) -> int | None:
    return error.orig.args[0] if error.orig is not None and error.orig.args else None


def _is_connection_problem(error: DBAPIError) -> bool:
    # 2003/2006/2013: cannot connect, server gone away, lost connection; 1205/1213: lock wait
    # timeout and deadlock, which a retry later can also cure.
    if error.connection_invalidated:
        return True
    return _mysql_code(error) in {2003, 2006, 2013, 2055, 1040, 1205, 1213}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
