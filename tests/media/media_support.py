"""Fixtures and helpers the media and report tests share: a media root of the test's own,
the check queue and the outbox dispatch caught, uploads through the API, verdict pushes."""

from __future__ import annotations

import time

import pytest
import requests

from app.delivery import services as delivery_services
from app.media import services as media_services
from app.media.models import MediaFile
from app.media.moderation import submit_check
from app.media.push_handlers import record_media_verdict


@pytest.fixture
def media_root(app, tmp_path, monkeypatch):
    """Uploads of this test land in its own tmp dir, never in the repository's var/media."""
    root = tmp_path / "media"
    monkeypatch.setitem(app.config, "MEDIA_ROOT", str(root))
    return root


_NO_RULES = {
    "risky_words": [],
    "review_words": [],
    "risky_media_markers": [],
    "media_verdict_delay": 0.5,
}


@pytest.fixture
def clean_content_rules(wechat):
    """The emulator's content rules outlive its reset: start and leave them empty."""
    control(wechat, "content_rules", _NO_RULES)
    yield
    control(wechat, "content_rules", _NO_RULES)


@pytest.fixture
def queued_checks(monkeypatch) -> list[int]:
    """Media ids whose WeChat check the code queued after its commit (instead of Celery)."""
    calls: list[int] = []
    monkeypatch.setattr(media_services, "_queue_check", calls.append)
    return calls


@pytest.fixture
def dispatched_batches(monkeypatch) -> list[int]:
    """Delivery batches the outbox handed to its workers after a commit (instead of Celery)."""
    calls: list[int] = []

    class FakeTask:
        @staticmethod
        def delay(batch_id):
            calls.append(batch_id)

    monkeypatch.setattr(delivery_services, "dispatch_batch", FakeTask)
    return calls


BOUNDARY = "linli-test-boundary-7d1f"


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bytes:
    """A multipart/form-data body, encoded here: werkzeug's test client spools big bodies to a
    temporary file it never closes (a ResourceWarning, an error under our warning filter)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, data) in files.items():
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def upload(person, data: bytes, filename: str = "photo.jpg", purpose: str = "report"):
    body = multipart({"purpose": purpose}, {"file": (filename, data)})
    return person.post(
        "/api/v1/media/images",
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def control(wechat, path: str, body: dict | None = None, method: str = "POST") -> dict:
    response = requests.request(method, wechat.url + "__emulator__/" + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def run_checks(db, media_ids: list[int]) -> list[str]:
    """Do what the queue task does for each id: submit WeChat's image check, commit."""
    trace_ids = [submit_check(media_id) for media_id in media_ids]
    db.session.commit()
    return trace_ids


def emulator_verdict(wechat, trace_id: str, timeout: float = 5.0) -> dict:
    """The wxa_media_check event the emulator built for ``trace_id`` (it pushes it only when a
    push_url is configured, so the test hands it to our handler itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (check,) = control(wechat, f"media_checks?trace_id={trace_id}", method="GET")["items"]
        if check.get("event"):
            return check["event"]
        time.sleep(0.05)
    raise AssertionError(f"no verdict for {trace_id}")


def push_verdict(db, event: dict) -> None:
    """Hand a pushed verdict to our handler as the push task does, and commit."""
    record_media_verdict(event)
    db.session.commit()


def verdict_event(trace_id: str, suggest: str, openid: str = "o_test") -> dict:
    return {
        "ToUserName": "gh_emulator",
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": "wxa_media_check",
        "trace_id": trace_id,
        "version": 2,
        "result": {"suggest": suggest, "label": 100 if suggest == "pass" else 20002},
        "errcode": 0,
        "errmsg": "ok",
    }


def media_row(db, media_id: int) -> MediaFile:
    return db.session.get(MediaFile, media_id, populate_existing=True)
