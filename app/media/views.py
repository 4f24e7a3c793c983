"""HTTP API of images: uploading, viewing (owner at once, others once checked), signed links."""

from __future__ import annotations

import flask

import app.media.tasks  # noqa: F401 — the worker builds the app; this registers the tasks
from app.core.api import Blueprint
from app.core.auth import auth_required, current_actor
from app.extensions import db
from app.media import schemas as s
from app.media import services
from app.media.images import MAX_BYTES

blp = Blueprint("media", __name__, url_prefix="/api/v1/media", description="图片")
# WeChat's image check fetches uploads here: no login, the link itself is signed and expires.
signed_blp = flask.Blueprint("media_signed", __name__)
CACHE_SECONDS = 300
_IMAGE_RESPONSE = {
    "200": {"description": "图片文件", "content": {"image/jpeg": {}, "image/png": {}}}
}


@blp.route("/images", methods=["POST"])
@auth_required()
@blp.arguments(s.MediaUploadForm, location="form")
@blp.arguments(s.MediaUploadFiles, location="files")
@blp.response(201, s.MediaSchema)
def upload_image(form, files):
    """Upload an image (multipart: ``file`` and ``purpose``); re-encoded without EXIF.

    Others see it only after WeChat's image check passes it. 413 media_too_large,
    415 media_type_unsupported / media_type_mismatch, 422 media_corrupt / media_too_many_pixels.
    """
    upload = files["file"]
    data = upload.stream.read(MAX_BYTES + 1)  # one byte more than allowed is enough to refuse
    media = services.upload_image(current_actor(), form["purpose"], upload.filename or "", data)
    db.session.commit()
    return media


@blp.route("/<int:media_id>/<variant>")
@auth_required()
@blp.doc(responses=_IMAGE_RESPONSE)
def show_media(media_id, variant):
    """The image (``original`` or ``thumb``): its owner always, others once it passed the
    check and as the feature it belongs to allows; 404 otherwise."""
    data, content_type = services.read_media(current_actor(), media_id, variant)
    response = flask.Response(data, mimetype=content_type)
    response.cache_control.private = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@signed_blp.route("/media/s/<token>")
def show_signed(token):
    data, content_type = services.read_signed(token)
    return flask.Response(data, mimetype=content_type)
