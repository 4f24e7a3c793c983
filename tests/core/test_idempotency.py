"""A retried write with the same Idempotency-Key gets the first answer back, not a second write."""

from __future__ import annotations

import pytest
from flask import jsonify

from app import create_app
from app.core.auth import auth_required
from app.core.idempotency import idempotent
from tests.conftest import settings_for


@pytest.fixture
def counting_app(emulator, db, resident):
    """An app with one idempotent write that counts how often it really ran."""
    app = create_app("testing", overrides=settings_for(emulator.url))
    runs = []

    @app.post("/count")
    @auth_required()
    @idempotent
    def count():
        runs.append(1)
        return jsonify(run=len(runs)), 201

    return app.test_client(), runs


def _post(client, resident, key, body=b"{}"):
    headers = {**resident.headers, "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/count", data=body, headers=headers)


def test_a_retry_replays_the_first_answer(counting_app, resident):
    client, runs = counting_app

    first = _post(client, resident, "key-00000001")
    retry = _post(client, resident, "key-00000001")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json == first.json == {"run": 1}
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(runs) == 1


def test_different_keys_are_different_writes(counting_app, resident):
    client, runs = counting_app

    _post(client, resident, "key-00000001")
    _post(client, resident, "key-00000002")
    _post(client, resident, None)

    assert len(runs) == 3


def test_a_key_reused_for_another_body_is_refused(counting_app, resident):
    client, _ = counting_app
    _post(client, resident, "key-00000001", b'{"a": 1}')

    response = _post(client, resident, "key-00000001", b'{"a": 2}')

    assert response.status_code == 409
    assert response.json["reason"] == "idempotency_key_reused"


def test_a_malformed_key_is_refused(counting_app, resident):
    client, runs = counting_app

    response = _post(client, resident, "bad key!")

    assert response.status_code == 422
    assert response.json["reason"] == "idempotency_key_invalid"
    assert runs == []


def test_the_same_key_on_another_resource_is_not_a_replay(emulator, db, resident):
    app = create_app("testing", overrides=settings_for(emulator.url))
    approved = []

    @app.post("/things/<int:thing_id>/approve")
    @auth_required()
    @idempotent
    def approve(thing_id):
        approved.append(thing_id)
        return jsonify(approved=thing_id), 200

    client = app.test_client()
    headers = {**resident.headers, "Idempotency-Key": "key-00000001"}
    client.post("/things/1/approve", headers=headers)

    response = client.post("/things/2/approve", headers=headers)

    assert response.status_code == 409
    assert response.json["reason"] == "idempotency_key_reused"
    assert approved == [1]
