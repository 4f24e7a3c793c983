"""Open311 GeoReport v2 (read only) for civic tools: services and service requests of a
community's public reports, in the spec's URL shape, JSON and error format. No login: these
answer only what app/reports/services/open311.py lets out."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from app.core.errors import AppError
from app.reports import open311_schemas as s
from app.reports.services import open311

blp = Blueprint("open311", __name__, url_prefix="/open311/v2/<community_slug>")
CACHE_SECONDS = 60


@blp.get("/services.json")
def list_services(community_slug):
    """The public report categories (services); cached a minute."""
    services = open311.list_services(community_slug)
    return jsonify(s.Open311ServiceSchema(many=True).dump(services))


@blp.get("/requests.json")
def list_requests(community_slug):
    """Public reports, newest first: service_request_id, service_code, status (open, closed),
    start_date, end_date (requested_datetime), page, page_size (≤ 1000)."""
    query = s.Open311RequestQueryArgs().load(request.args)
    found = open311.list_requests(community_slug, query)
    return jsonify(s.Open311RequestSchema(many=True).dump(found))


@blp.get("/requests/<int:request_id>.json")
def show_request(community_slug, request_id):
    """One public report, as a list of one (the spec's shape)."""
    found = open311.get_request(community_slug, request_id)
    return jsonify(s.Open311RequestSchema(many=True).dump([found]))


@blp.after_request
def _public_headers(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    if response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    return response


def _errors(status: int, description: str):
    """The spec's error shape: a list of {code, description}."""
    response = jsonify([{"code": status, "description": description}])
    response.status_code = status
    return response


@blp.errorhandler(ValidationError)
def _invalid_parameters(error: ValidationError):
    fields = ", ".join(sorted(error.normalized_messages()))
    return _errors(400, f"参数无效: {fields}")


@blp.errorhandler(AppError)
def _app_error(error: AppError):
    return _errors(error.status_code, error.message)


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _errors(error.code or 500, error.description or "")
