"""Write a `.env` with fresh random secrets for a local demo, unless one exists already."""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def main(path: str = ".env") -> None:
    target = Path(path)
    if target.exists():
        print(f"{path} exists; keeping it")
        return
    target.write_text(
        "\n".join(
            [
                "# Written by `make demo` for this machine only; never commit it.",
                "LINLI_ENV=demo",
                "DATABASE_URL=mysql+pymysql://root:@127.0.0.1:3306/linli?charset=utf8mb4",
                "REDIS_URL=redis://127.0.0.1:6379/0",
                f"SECRET_KEY={secrets.token_urlsafe(32)}",
                "WECHAT_APP_ID=wx_demo_app",
                f"WECHAT_APP_SECRET={secrets.token_hex(16)}",
                "WECHAT_API_BASE_URL=http://127.0.0.1:"
                + os.environ.get("WECHAT_EMULATOR_PORT", "9100")
                + "/",
                f"WECHAT_PUSH_TOKEN={secrets.token_hex(16)}",
                # EncodingAESKey: 43 characters of base64 without the trailing "=".
                f"WECHAT_PUSH_AES_KEY={base64.b64encode(os.urandom(32)).decode()[:43]}",
                f"DATA_ENCRYPTION_KEY=k1:{_key()}",
                f"DATA_HASH_KEY={_key()}",
                "",
            ]
        ),
        encoding="utf-8",
    )
    target.chmod(0o600)
    print(f"wrote {path} with fresh secrets")


if __name__ == "__main__":
    main(*sys.argv[1:])
