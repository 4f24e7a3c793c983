"""Every error, ours and Flask's, answers in one JSON shape with a stable reason."""

from __future__ import annotations

import pytest

from app import create_app
from tests.conftest import settings_for

SHAPE = {"code", "status", "reason", "message", "errors"}


def _assert_shape(response, status: int, reason: str) -> None:
    assert response.status_code == status
    assert response.is_json
    assert set(response.json) == SHAPE
    assert response.json["code"] == status
    assert response.json["reason"] == reason
    assert response.json["message"]


def test_unknown_path_is_404(client):
    _assert_shape(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/api/v1/me")

    _assert_shape(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_422(client):
    response = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")

    _assert_shape(response, 422, "invalid_json")


def test_unknown_fields_are_422_and_named(client):
    response = client.post("/api/v1/auth/login", json={"code": "c", "is_admin": True})

    _assert_shape(response, 422, "validation_failed")
    assert "is_admin" in response.json["errors"]


def test_missing_fields_are_422_and_named(client):
    response = client.post("/api/v1/auth/login", json={})

    _assert_shape(response, 422, "validation_failed")
    assert "code" in response.json["errors"]


@pytest.mark.parametrize("body", [[], "code", 5, None])
def test_a_body_that_is_not_an_object_is_422(client, body):
    response = client.post("/api/v1/auth/login", json=body)

    assert response.status_code == 422
    assert set(response.json) == SHAPE


def test_wrong_types_are_422(client):
    response = client.post("/api/v1/auth/login", json={"code": 123, "community": ["x"]})

    _assert_shape(response, 422, "validation_failed")
    assert set(response.json["errors"]) == {"code", "community"}


def test_a_form_body_is_415(client):
    _assert_shape(
        client.post("/api/v1/auth/login", data={"code": "c"}), 415, "unsupported_media_type"
    )


def test_a_body_over_the_limit_is_413(client, app):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = client.post("/api/v1/auth/login", data=big, content_type="application/json")

    _assert_shape(response, 413, "payload_too_large")


def test_an_unexpected_error_is_a_plain_500_without_a_trace(emulator):
    app = create_app("testing", overrides=settings_for(emulator.url))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.testing = False
    response = app.test_client().get("/boom")

    _assert_shape(response, 500, "internal_error")
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data


def test_mysql_down_is_503_database_unavailable(emulator, redis_client):
    settings = settings_for(emulator.url)
    settings["DATABASE_URL"] = "mysql+pymysql://root:@127.0.0.1:9/linli_test?charset=utf8mb4"
    app = create_app("testing", overrides=settings)
    token = app.extensions["sessions"].issue(user_id=1, community_id=1).token

    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    _assert_shape(response, 503, "database_unavailable")


def test_redis_down_is_503_redis_unavailable(emulator):
    settings = settings_for(emulator.url)
    settings["REDIS_URL"] = "redis://127.0.0.1:9/0"
    app = create_app("testing", overrides=settings)

    response = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer abc"})

    _assert_shape(response, 503, "redis_unavailable")


def test_every_response_carries_a_request_id(client):
    assert len(client.get("/healthz").headers["X-Request-ID"]) >= 8
    echoed = client.get("/healthz", headers={"X-Request-ID": "req-12345678"})
    assert echoed.headers["X-Request-ID"] == "req-12345678"


def test_chinese_is_sent_as_utf8_not_escaped(client):
    response = client.get("/api/v1/no-such-thing")

    assert "找不到".encode() in response.data


def test_a_duplicate_caught_by_a_unique_key_is_a_409_not_a_500(app):
    import pymysql
    from sqlalchemy.exc import IntegrityError

    from app.core.error_handlers import handle_unexpected

    # What a double submit looks like when the other request's insert won the race.
    error = IntegrityError("INSERT …", {}, pymysql.err.IntegrityError(1062, "Duplicate entry"))
    with app.test_request_context():
        response = handle_unexpected(error)

    _assert_shape(response, 409, "duplicate")
