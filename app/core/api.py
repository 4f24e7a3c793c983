"""The API object and blueprint class: flask-smorest with linli's parser and error shape."""

from __future__ import annotations

import flask_smorest
from webargs.flaskparser import FlaskParser

from app.core.errors import AppError, Invalid


class UnsupportedMediaType(AppError):
    status_code = 415
    reason = "unsupported_media_type"
    message = "请求内容类型不受支持，请使用 JSON"


class InvalidJson(Invalid):
    reason = "invalid_json"
    message = "请求内容不是有效的 JSON"


class LinliParser(FlaskParser):
    """Refuses non-JSON bodies with 415 and broken JSON with 422, both in our error shape."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req):
        if req.content_length and not req.is_json:
            raise UnsupportedMediaType()
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise InvalidJson()


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = LinliParser()


class LinliApi(flask_smorest.Api):
    """Leaves error rendering to app.core.error_handlers, which covers every error alike."""

    def _register_error_handlers(self):
        pass
