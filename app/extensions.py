"""The shared singletons, created unbound and attached to an app in create_app."""

from __future__ import annotations

import redis as redis_lib
from flask import Flask, current_app
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.core.api import LinliApi

# Alembic needs stable constraint names to alter or drop them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RedisExtension:
    """One redis-py client per app, with timeouts so a stalled Redis fails fast (503)."""

    def init_app(self, app: Flask) -> None:
        timeout = app.config["REDIS_TIMEOUT_SECONDS"]
        app.extensions["redis"] = redis_lib.Redis.from_url(
            app.config["REDIS_URL"],
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            health_check_interval=30,
        )

    @property
    def client(self) -> redis_lib.Redis:
        # Per app, not per extension object: tests run several apps in one process.
        return current_app.extensions["redis"]


db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(compare_type=True)
redis = RedisExtension()
api = LinliApi()
