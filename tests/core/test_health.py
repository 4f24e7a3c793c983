"""Liveness and readiness."""

from __future__ import annotations

from app import create_app
from tests.conftest import settings_for


def test_healthz_answers_without_dependencies(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_is_200_when_mysql_and_redis_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json["checks"] == {"mysql": True, "redis": True}


def test_readyz_is_503_when_mysql_is_down(emulator):
    settings = settings_for(emulator.url)
    settings["DATABASE_URL"] = "mysql+pymysql://root:@127.0.0.1:9/x?charset=utf8mb4"
    app = create_app("testing", overrides=settings)

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"] == {"mysql": False, "redis": True}


def test_readyz_is_503_when_redis_is_down(emulator, app):
    settings = settings_for(emulator.url)
    settings["REDIS_URL"] = "redis://127.0.0.1:9/0"
    broken = create_app("testing", overrides=settings)

    response = broken.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["redis"] is False
