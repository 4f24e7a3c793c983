"""Uploading images: only real JPEG/PNG/WebP within the limits, stored without metadata."""

from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from app.media.models import MediaFile, Moderation
from tests.media import images
from tests.media.media_support import stored_files, upload


@pytest.fixture
def uploader(resident, media_root, queued_checks):
    return resident


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(MediaFile))


def test_a_jpeg_is_stored_with_a_thumbnail_and_waits_for_its_check(db, uploader, media_root):
    response = upload(uploader, images.jpeg(1280, 960))

    assert response.status_code == 201, response.json
    body = response.json
    assert body["moderation"] == "pending"
    assert body["url"] == f"/api/v1/media/{body['id']}/original"
    assert (body["width"], body["height"], body["content_type"]) == (1280, 960, "image/jpeg")
    media = db.session.get(MediaFile, body["id"])
    assert media.moderation == Moderation.PENDING
    with Image.open(media_root / media.thumb_key) as thumb:
        assert max(thumb.size) == 320
    assert len(stored_files(media_root)) == 2


def test_the_stored_photo_carries_no_exif_gps_or_icc(db, uploader, media_root):
    original = images.jpeg(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it has GPS

    media_id = upload(uploader, original).json["id"]

    media = db.session.get(MediaFile, media_id)
    for key in (media.storage_key, media.thumb_key):
        raw = (media_root / key).read_bytes()
        stored = Image.open(io.BytesIO(raw))
        assert dict(stored.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp"} & set(stored.info)
        assert b"Exif" not in raw and b"LinliTestCam" not in raw


def test_a_rotated_phone_photo_is_stored_upright(db, uploader):
    body = upload(uploader, images.jpeg(640, 480, orientation=6)).json  # "rotate 90° to view"

    assert (body["width"], body["height"]) == (480, 640)


@pytest.mark.parametrize(
    ("data", "filename", "content_type"),
    [
        (images.png(), "photo.png", "image/jpeg"),
        (images.png(alpha=True), "sticker.png", "image/png"),
        (images.webp(), "photo.webp", "image/jpeg"),
        (images.jpeg(), "", "image/jpeg"),
    ],
)
def test_png_and_webp_are_taken_and_alpha_stays_png(db, uploader, data, filename, content_type):
    response = upload(uploader, data, filename)

    assert response.status_code == 201, response.json
    assert response.json["content_type"] == content_type


@pytest.mark.parametrize(
    ("data", "filename", "status", "reason"),
    [
        (images.truncated_jpeg(), "photo.jpg", 422, "media_corrupt"),
        (images.png(), "photo.jpg", 415, "media_type_mismatch"),
        (images.huge_png(), "big.png", 422, "media_too_many_pixels"),
        (images.twelve_megabytes(), "photo.jpg", 413, "media_too_large"),
        (images.zip_file(), "photos.zip", 415, "media_type_unsupported"),
        (b"GIF89a" + b"\0" * 64, "anim.gif", 415, "media_type_unsupported"),
    ],
    ids=["truncated-jpeg", "png-named-jpg", "60-megapixels", "12-mb", "zip", "gif"],
)
def test_a_bad_file_is_refused_and_leaves_no_row_or_file(
    db, uploader, media_root, data, filename, status, reason
):
    response = upload(uploader, data, filename)

    assert (response.status_code, response.json["reason"]) == (status, reason)
    assert _count(db) == 0
    assert stored_files(media_root) == []


def test_a_body_over_the_request_limit_is_refused_before_reading(db, uploader, media_root):
    response = upload(uploader, b"\xff\xd8\xff" + b"\0" * (13 * 1024 * 1024))

    assert response.status_code == 413
    assert _count(db) == 0 and stored_files(media_root) == []


def test_files_are_removed_when_the_row_cannot_be_written(db, uploader, media_root, monkeypatch):
    def broken_flush(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(db.session, "flush", broken_flush)

    with pytest.raises(RuntimeError):
        upload(uploader, images.jpeg())

    monkeypatch.undo()
    assert stored_files(media_root) == []


def test_an_unknown_purpose_or_a_missing_file_is_422(db, uploader):
    assert upload(uploader, images.jpeg(), purpose="avatar").status_code == 422
    response = uploader.post(
        "/api/v1/media/images", data={"purpose": "report"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422


def test_the_check_is_queued_only_after_the_commit(db, uploader, queued_checks):
    media_id = upload(uploader, images.jpeg()).json["id"]

    assert queued_checks == [media_id]
