"""Settings per environment; the only place that reads the process environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Every secret linli needs; outside testing the app refuses to start without them.
SECRETS = (
    "SECRET_KEY",
    "WECHAT_APP_ID",
    "WECHAT_APP_SECRET",
    "WECHAT_PUSH_TOKEN",
    "WECHAT_PUSH_AES_KEY",
    "DATA_ENCRYPTION_KEY",
    "DATA_HASH_KEY",
)


class BaseConfig:
    """Defaults shared by every environment; secrets have none."""

    ENV_NAME = "base"
    TESTING = False
    DEBUG = False
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024

    DATABASE_URL = "mysql+pymysql://root:@127.0.0.1:3306/linli?charset=utf8mb4"
    REDIS_URL = "redis://127.0.0.1:6379/0"
    DB_POOL_SIZE = 10
    DB_POOL_RECYCLE_SECONDS = 3600
    DB_CONNECT_TIMEOUT_SECONDS = 5
    DB_STATEMENT_TIMEOUT_SECONDS = 20
    DB_LOCK_WAIT_TIMEOUT_SECONDS = 10
    REDIS_TIMEOUT_SECONDS = 2.0

    WECHAT_API_BASE_URL = "https://api.weixin.qq.com/"
    WECHAT_TIMEOUT_SECONDS = 5.0
    # 消息推送: a push whose signed timestamp is further than this from now is refused as stale.
    WECHAT_PUSH_MAX_SKEW_SECONDS = 300

    SESSION_TTL_SECONDS = 7 * 24 * 3600
    LOGIN_RATE_LIMIT_PER_IP = "30 per minute"
    LOGIN_RATE_LIMIT_PER_USER = "10 per minute"
    DEFAULT_COMMUNITY = ""
    # How many proxies in front of gunicorn set X-Forwarded-For (0: trust none).
    TRUSTED_PROXY_COUNT = 0
    LOG_LEVEL = "INFO"

    MIGRATIONS_DIR = ROOT / "migrations"
    CELERY_BROKER_URL = ""  # empty: the Redis of REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BEAT_SCHEDULE: dict = {
        # Re-queue roster imports whose enqueue was lost or whose worker died.
        "roster-requeue-stuck-imports": {"task": "roster.requeue_stuck_imports", "schedule": 60.0},
        # Publish scheduled notices whose time has come.
        "notices-publish-due": {"task": "notices.publish_due", "schedule": 30.0},
        # Re-queue subscribe-message deliveries a dead worker or a lost message left behind.
        # A schedule given as a setting's name is read from that setting (load_config).
        "delivery-sweep": {
            "task": "delivery.sweep_deliveries",
            "schedule": "DELIVERY_SWEEP_INTERVAL_SECONDS",
        },
        # Submit the WeChat image check of uploads whose after-commit submission was lost.
        "media-submit-pending-checks": {"task": "media.submit_pending_checks", "schedule": 60.0},
        # Escalate reports past their response or resolution deadline (grid worker, then admins).
        "reports-escalate-overdue": {"task": "reports.escalate_overdue", "schedule": 60.0},
        # Queue the 报名成功 messages owed (batched per activity), reminders whose time has come;
        # lapse offers nobody confirmed in time.
        "activities-queue-confirmations": {
            "task": "activities.queue_confirmations",
            "schedule": 5.0,
        },
        "activities-send-reminders": {"task": "activities.send_due_reminders", "schedule": 60.0},
        "activities-expire-offers": {"task": "activities.expire_offers", "schedule": 60.0},
    }

    # The subscribe-message outbox (app/delivery). No 1-second window may see more sends than
    # the limit; the headroom is the share of it left unused for what our limiter cannot see:
    # jitter between our clock and WeChat's arrival times, and the gateway's own retries of -1.
    DELIVERY_RATE_LIMIT_PER_SECOND = 200.0
    DELIVERY_RATE_HEADROOM = 0.07
    DELIVERY_MAX_ATTEMPTS = 6
    DELIVERY_RETRY_BASE_SECONDS = 1.0  # first retry after 0.5–1 s, then twice as long each time
    DELIVERY_RETRY_MAX_SECONDS = 300.0  # below the broker's visibility timeout (600 s)
    # A row claimed longer ago than this is taken for lost with its worker (and re-queued).
    DELIVERY_CLAIM_TIMEOUT_SECONDS = 120.0
    # A queued row nobody picked up this long after it was due: its queue message was lost.
    DELIVERY_REQUEUE_AFTER_SECONDS = 30.0
    DELIVERY_SWEEP_INTERVAL_SECONDS = 15.0
    DELIVERY_CHUNK_SIZE = 100
    # Sending threads per worker process; 1 sends inline in the task's own thread (tests).
    DELIVERY_SEND_THREADS = 16
    DELIVERY_MINIPROGRAM_STATE = "formal"  # developer | trial | formal

    # Activities: how long a seat offered from the waiting list is held for its confirmation,
    # and how long before the start reminders go out unless an activity says otherwise.
    ACTIVITY_OFFER_MINUTES = 30
    ACTIVITY_REMINDER_MINUTES = 60

    # Uploaded images (app/media): kept on local disk under MEDIA_ROOT by default. WeChat's
    # asynchronous image check fetches each one from MEDIA_PUBLIC_BASE_URL (where WeChat can
    # reach this service) through a signed link that expires after MEDIA_SIGNED_URL_TTL_SECONDS.
    MEDIA_ROOT = str(ROOT / "var" / "media")
    MEDIA_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    MEDIA_SIGNED_URL_TTL_SECONDS = 3600
    MEDIA_UPLOAD_RATE_LIMIT_PER_USER = "60 per hour"

    # Problem reports (app/reports): how long a reporter may reopen a resolved or rejected
    # report, and how many reports one person may file.
    REPORT_REOPEN_DAYS = 7
    REPORT_RATE_LIMIT_PER_USER = "20 per hour"

    API_TITLE = "linli API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/"


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = True
    LOG_LEVEL = "DEBUG"


class DemoConfig(BaseConfig):
    """The README's run command: the whole service against the local WeChat emulator."""

    ENV_NAME = "demo"
    DEFAULT_COMMUNITY = "beijiao"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = "mysql+pymysql://root:@127.0.0.1:3306/linli_test?charset=utf8mb4"
    REDIS_URL = "redis://127.0.0.1:6379/15"
    WECHAT_TIMEOUT_SECONDS = 1.0
    DB_POOL_SIZE = 5
    DELIVERY_SEND_THREADS = 1  # the test's one connection must not be shared by threads
    # Never the repository's var/media; media tests point it at their own tmp_path per test.
    MEDIA_ROOT = str(Path(tempfile.gettempdir()) / "linli-test-media")


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    TRUSTED_PROXY_COUNT = 1


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, DemoConfig, TestingConfig, ProductionConfig)}

# Variables read from the environment, beyond the secrets, and how to parse them.
_PARSERS = {
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "WECHAT_API_BASE_URL": str,
    "WECHAT_TIMEOUT_SECONDS": float,
    "WECHAT_PUSH_MAX_SKEW_SECONDS": int,
    "SESSION_TTL_SECONDS": int,
    "LOGIN_RATE_LIMIT_PER_IP": str,
    "LOGIN_RATE_LIMIT_PER_USER": str,
    "DEFAULT_COMMUNITY": str,
    "TRUSTED_PROXY_COUNT": int,
    "LOG_LEVEL": str,
    "DB_POOL_SIZE": int,
    "CELERY_BROKER_URL": str,
    "DELIVERY_RATE_LIMIT_PER_SECOND": float,
    "DELIVERY_MAX_ATTEMPTS": int,
    "DELIVERY_CLAIM_TIMEOUT_SECONDS": float,
    "DELIVERY_REQUEUE_AFTER_SECONDS": float,
    "DELIVERY_SWEEP_INTERVAL_SECONDS": float,
    "DELIVERY_CHUNK_SIZE": int,
    "DELIVERY_SEND_THREADS": int,
    "DELIVERY_MINIPROGRAM_STATE": str,
    "ACTIVITY_OFFER_MINUTES": int,
    "ACTIVITY_REMINDER_MINUTES": int,
    "MEDIA_ROOT": str,
    "MEDIA_PUBLIC_BASE_URL": str,
    "MEDIA_SIGNED_URL_TTL_SECONDS": int,
    "MEDIA_UPLOAD_RATE_LIMIT_PER_USER": str,
    "REPORT_REOPEN_DAYS": int,
    "REPORT_RATE_LIMIT_PER_USER": str,
}


class ConfigError(RuntimeError):
    """The environment does not describe a runnable linli."""


def _read_dotenv(path: Path) -> dict[str, str]:
    """Values from a `.env` file (KEY=value lines); the process environment wins over them."""
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def load_config(name: str | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings for environment ``name`` (default: LINLI_ENV, else development).

    Reads `.env` at the repository root, then the process environment, then ``overrides``.
    Raises ConfigError when a secret is missing outside testing.
    """
    environ = {**_read_dotenv(ROOT / ".env"), **os.environ}
    name = name or environ.get("LINLI_ENV", "development")
    if name not in CONFIGS:
        raise ConfigError(f"unknown LINLI_ENV {name!r}; one of {sorted(CONFIGS)}")
    cls = CONFIGS[name]
    if cls.TESTING:
        # Tests must never reach the demo or production database named in `.env`.
        environ = {}
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    for key, parse in _PARSERS.items():
        if environ.get(key):
            settings[key] = parse(environ[key])
    for key in SECRETS:
        if environ.get(key):
            settings[key] = environ[key]
    settings.update(overrides or {})
    missing = [key for key in SECRETS if not settings.get(key)]
    if missing and not settings["TESTING"]:
        raise ConfigError("missing secrets in the environment: " + ", ".join(missing))
    settings["CELERY_BROKER_URL"] = settings["CELERY_BROKER_URL"] or settings["REDIS_URL"]
    settings["CELERY_BEAT_SCHEDULE"] = _beat_schedule(settings)
    settings["SQLALCHEMY_DATABASE_URI"] = settings["DATABASE_URL"]
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(settings)
    return settings


def _beat_schedule(settings: dict[str, Any]) -> dict[str, Any]:
    """The beat schedule with every schedule given as a setting's name replaced by its value."""
    schedule = {}
    for name, entry in settings["CELERY_BEAT_SCHEDULE"].items():
        every = entry["schedule"]
        schedule[name] = {
            **entry,
            "schedule": float(settings[every]) if isinstance(every, str) else every,
        }
    return schedule


def _engine_options(settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "pool_pre_ping": True,
        # Parameters (phone ciphertexts, names) stay out of error messages and so out of logs.
        "hide_parameters": True,
        "pool_size": settings["DB_POOL_SIZE"],
        "pool_recycle": settings["DB_POOL_RECYCLE_SECONDS"],
        "connect_args": {
            "connect_timeout": settings["DB_CONNECT_TIMEOUT_SECONDS"],
            "charset": "utf8mb4",
            # A statement stuck on a lock or a stalled server fails (→ 503) well before
            # gunicorn's 30 s worker timeout would kill the request.
            "read_timeout": settings["DB_STATEMENT_TIMEOUT_SECONDS"],
            "write_timeout": settings["DB_STATEMENT_TIMEOUT_SECONDS"],
            # Timestamps are UTC; NOW() in server defaults must agree with Python's utcnow().
            "init_command": "SET time_zone = '+00:00', innodb_lock_wait_timeout = "
            + str(settings["DB_LOCK_WAIT_TIMEOUT_SECONDS"]),
        },
    }
