"""Structured JSON logs with the request id, scrubbed of secrets and phone numbers."""

from __future__ import annotations

import logging
import re
import sys

from flask import Flask, has_request_context
from pythonjsonlogger.json import JsonFormatter

from app.core.network import current_request_id

# Mainland mobile numbers, session keys and bearer tokens never reach a log line.
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_SECRET_FIELD = re.compile(
    r"""((?:session_key|access_token|secret|token|Authorization)["']?\s*[:=]\s*["']?(?:Bearer\s+)?)"""
    r"""[^"'\s&,}]+""",
    re.IGNORECASE,
)


def scrub(text: str) -> str:
    text = _PHONE.sub(r"\1****\2", text)
    return _SECRET_FIELD.sub(r"\1[redacted]", text)


class ScrubbingFormatter(JsonFormatter):
    def formatException(self, ei) -> str:
        return scrub(super().formatException(ei))


def _install_scrubbing_record_factory() -> None:
    """Scrub every record where it is made, so no handler (tests' capture included) sees more."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "linli_scrubs", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            record.msg, record.args = scrub(record.getMessage()), None
        except (TypeError, ValueError):
            record.msg, record.args = scrub(str(record.msg)), None
        record.request_id = current_request_id() if has_request_context() else None
        return record

    factory.linli_scrubs = True
    logging.setLogRecordFactory(factory)


def configure_logging(app: Flask) -> None:
    _install_scrubbing_record_factory()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        ScrubbingFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level"},
        )
    )
    handler.linli = True
    root = logging.getLogger()
    # Replace (not add) so a second create_app in one process does not double every line.
    root.handlers = [h for h in root.handlers if not getattr(h, "linli", False)]
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # Client libraries chatter at DEBUG on every connection; their warnings are what matter.
    for noisy in ("redis", "urllib3", "alembic.runtime.plugins"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
