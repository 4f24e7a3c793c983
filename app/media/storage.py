"""Where image bytes live: a small interface and its local-disk implementation.

Keys are relative paths we make ourselves (``report/3/202405/<random>.jpg``); a key from
anywhere else is refused, so no key can reach outside the storage root. ``url_for`` gives a
link that works without our login token (for WeChat's image check) and expires.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

_KEY = re.compile(r"^[a-z]+(?:/[A-Za-z0-9_\-]+)+\.(?:jpg|png)$")
_SALT = "linli.media.url"
SIGNED_PATH = "/media/s/"


class Storage(Protocol):
    def save(self, key: str, data: bytes) -> None: ...

    def open(self, key: str) -> BinaryIO:
        """The stored bytes as a file; raises FileNotFoundError."""
        ...

    def delete(self, key: str) -> None:
        """Remove the key; a missing key is no error."""
        ...

    def url_for(self, key: str) -> str:
        """An absolute URL anyone may fetch the key from, for a limited time."""
        ...


def _checked(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"not a media key: {key!r}")
    return key


class LocalDiskStorage:
    """Files under ``root``; links are signed paths this service answers (see ``views.py``)."""

    def __init__(self, root: str, public_base_url: str, secret_key: str, ttl_seconds: int):
        self.root = Path(root)
        self.public_base_url = public_base_url.rstrip("/")
        self.signer = URLSafeTimedSerializer(secret_key, salt=_SALT)
        self.ttl_seconds = ttl_seconds

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def save(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name and renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def url_for(self, key: str) -> str:
        return self.public_base_url + SIGNED_PATH + self.signer.dumps(_checked(key))

    def key_of_signed(self, token: str) -> str | None:
        """The key a link from ``url_for`` points at; None when forged or expired."""
        try:
            return _checked(self.signer.loads(token, max_age=self.ttl_seconds))
        except (BadSignature, ValueError, TypeError):
            return None


def media_storage() -> Storage:
    """The app's storage: ``app.extensions["media_storage"]`` if one is set, else local disk."""
    configured = current_app.extensions.get("media_storage")
    if configured is not None:
        return configured
    config = current_app.config
    return LocalDiskStorage(
        config["MEDIA_ROOT"],
        config["MEDIA_PUBLIC_BASE_URL"],
        config["SECRET_KEY"],
        config["MEDIA_SIGNED_URL_TTL_SECONDS"],
    )
