"""Liveness and readiness probes for the load balancer and the run script."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from app.extensions import db

log = logging.getLogger(__name__)
blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """The process answers; says nothing of its dependencies."""
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz():
    """503 unless MySQL and Redis both answer, so no traffic reaches a crippled instance."""
    checks = {"mysql": _check_mysql(), "redis": _check_redis()}
    ready = all(checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    if not ready:
        body.update(code=503, reason="dependency_unavailable", message="依赖服务不可用")
    return jsonify(body), 200 if ready else 503


def _check_mysql() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        log.warning("readiness: mysql does not answer")
        db.session.rollback()
        return False


def _check_redis() -> bool:
    try:
        return bool(current_app.extensions["redis"].ping())
    except Exception:
        log.warning("readiness: redis does not answer")
        return False
