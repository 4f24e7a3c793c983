"""The application factory: reads like a table of contents of linli."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import load_config


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(load_config(config_name, overrides))
    app.json.ensure_ascii = False  # Chinese stays readable on the wire and in logs
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from app.core.logging import configure_logging

    configure_logging(app)
    _load_models()
    _init_extensions(app)
    _register_blueprints(app)
    register_push_handlers(app)
    _register_request_hooks(app)
    _register_commands(app)
    return app


def _load_models() -> None:
    """Every table, so the mappers and Alembic see the whole schema whichever views load."""
    import app.accounts.models
    import app.activities.models
    import app.community.models
    import app.core.audit
    import app.delivery.models
    import app.media.models
    import app.merchants.models
    import app.notices.models
    import app.reports.models
    import app.roster.models
    import app.subscriptions.models
    import app.volunteers.models  # noqa: F401


def _init_extensions(app: Flask) -> None:
    from app import wechat
    from app.accounts.services.role_cache import cached_roles_of
    from app.core import auth, crypto, rate_limits
    from app.core.error_handlers import register_error_handlers
    from app.extensions import api, db, migrate, redis
    from app.tasks import init_celery

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    redis.init_app(app)
    rate_limits.init_app(app)
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "登录接口返回的 token"}
    )
    crypto.init_app(app)
    auth.init_app(app, role_loader=cached_roles_of)
    wechat.init_app(app)
    init_celery(app)
    register_error_handlers(app)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.admin_views import binding_requests_blp, members_blp
    from app.accounts.binding_views import blp as households_blp
    from app.accounts.views import auth_blp, me_blp
    from app.activities.admin_views import blp as activities_admin_blp
    from app.activities.views import blp as activities_blp
    from app.community.admin_views import blp as community_admin_blp
    from app.community.views import blp as community_blp
    from app.core.audit_views import blp as audit_blp
    from app.core.health import blp as health_blp
    from app.delivery.admin_views import blp as delivery_admin_blp
    from app.extensions import api
    from app.media.admin_views import blp as media_admin_blp
    from app.media.views import blp as media_blp
    from app.media.views import signed_blp as media_signed_blp
    from app.merchants.views import admin_blp as shop_members_admin_blp
    from app.merchants.views import blp as my_shops_blp
    from app.notices.admin_views import blp as notices_admin_blp
    from app.notices.views import blp as notices_blp
    from app.reports.admin_views import blp as reports_admin_blp
    from app.reports.open311_views import blp as open311_blp
    from app.reports.setup_views import blp as report_setup_blp
    from app.reports.stats_views import blp as report_stats_blp
    from app.reports.views import blp as reports_blp
    from app.roster.admin_views import blp as roster_admin_blp
    from app.subscriptions.admin_views import blp as subscribe_templates_admin_blp
    from app.subscriptions.views import blp as subscriptions_blp
    from app.volunteers.admin_views import blp as volunteers_admin_blp
    from app.volunteers.views import blp as volunteer_hours_blp
    from app.wechat.push_views import blp as wechat_push_blp

    app.register_blueprint(health_blp)
    app.register_blueprint(wechat_push_blp)  # public: WeChat's signature, not our token
    app.register_blueprint(media_signed_blp)  # public: signed, expiring links for WeChat's check
    app.register_blueprint(open311_blp)  # public: Open311 GeoReport v2, listed reports only
    for blueprint in (
        auth_blp,
        me_blp,
        households_blp,
        binding_requests_blp,
        members_blp,
        community_blp,
        community_admin_blp,
        audit_blp,
        roster_admin_blp,
        subscriptions_blp,
        subscribe_templates_admin_blp,
        delivery_admin_blp,
        notices_blp,
        notices_admin_blp,
        media_blp,
        media_admin_blp,
        reports_blp,
        reports_admin_blp,
        report_stats_blp,
        report_setup_blp,
        activities_blp,
        activities_admin_blp,
        volunteer_hours_blp,
        volunteers_admin_blp,
        my_shops_blp,
        shop_members_admin_blp,
    ):
        api.register_blueprint(blueprint)


def register_push_handlers(app: Flask) -> None:
    """Fill the registry of pushed-event handlers (app/wechat/push_dispatch.py) at start-up.

    Each domain that handles WeChat pushes keeps its handlers in its own ``push_handlers.py``
    (``@on_event("subscribe_msg_popup_event")`` …) and adds one import of it here, so web and
    worker processes hold the same registry and app/wechat imports no domain.
    """
    import app.media.push_handlers
    import app.subscriptions.push_handlers  # noqa: F401


def _register_request_hooks(app: Flask) -> None:
    from app.core.network import assign_request_id, current_request_id

    app.before_request(assign_request_id)

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = current_request_id() or ""
        return response


def _register_commands(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
