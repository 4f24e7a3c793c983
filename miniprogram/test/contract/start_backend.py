"""Start a throwaway linli stack for the mini-program's contract test; stop it when told to.

Run with the repository's Python (`.venv/bin/python`). It creates its own database, picks a free
Redis DB among 1-7 (0 is the demo's, 8-15 belong to the Python tests and the benchmarks), runs the
migrations, seeds the demo community, and starts the WeChat emulator, gunicorn and a Celery worker
on free ports. Once everything answers it prints ONE line of JSON on stdout:

    {"api": "http://127.0.0.1:<port>", "emulator": "http://127.0.0.1:<port>", ...}

and then waits. It tears everything down (children stopped, database dropped, Redis DB flushed)
when its stdin closes (so a crashed parent cannot leave a stack behind), on SIGTERM or SIGINT.
Logs, the uploaded images (MEDIA_ROOT) and the files the walk hands to the pages (the demo
roster, a photo) go to a temporary directory that is kept only if something failed (its path is
then printed on stderr). The emulator knows the demo's subscribe templates, as in `make demo`.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
REDIS_DBS = range(1, 8)
CLAIM_KEY = "linli:miniprogram-contract:owner"
READY_SECONDS = 60.0
STOP_SECONDS = 25.0
_OWN_PREFIXES = ("LINLI_", "WECHAT_", "FLASK_", "CELERY_")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _redis(db: int):
    import redis

    return redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=5)


def claim_redis_db() -> int:
    """The first empty Redis DB among 1-7, marked as ours so a parallel run picks another."""
    for db in REDIS_DBS:
        client = _redis(db)
        try:
            if client.dbsize() == 0 and client.set(CLAIM_KEY, os.getpid(), nx=True, ex=3600):
                return db
        finally:
            client.close()
    raise RuntimeError("no empty Redis DB among 1-7 for the contract test's stack")


def _sql(statement: str) -> None:
    import pymysql

    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=5)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def _linli_keys() -> set[str]:
    """Every variable linli reads, so none leaks in from the caller's shell or .env."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    keys = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    sys.path.insert(0, str(ROOT))
    import config

    return keys | set(config.SECRETS) | set(getattr(config, "_PARSERS", {}))


class Stack:
    def __init__(self) -> None:
        self.database = f"linli_mp_contract_{os.getpid()}"
        self.redis_db: int | None = None
        self.port, self.emulator_port = free_port(), free_port()
        self.logs = Path(tempfile.mkdtemp(prefix="linli-mp-contract-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.database_made = False
        self.failed = False
        self.env: dict[str, str] = {}

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def emulator(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}"

    def _settings(self) -> dict[str, str]:
        redis_url = f"redis://127.0.0.1:6379/{self.redis_db}"
        settings = {
            "LINLI_ENV": "demo",
            "DATABASE_URL": f"mysql+pymysql://root:@127.0.0.1:3306/{self.database}?charset=utf8mb4",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "WECHAT_APP_ID": "wx_mp_contract",
            "WECHAT_APP_SECRET": secrets.token_hex(16),
            "WECHAT_API_BASE_URL": f"{self.emulator}/",
            "WECHAT_TIMEOUT_SECONDS": "5",
            "WECHAT_PUSH_TOKEN": secrets.token_hex(16),
            "WECHAT_PUSH_AES_KEY": _key()[:43],
            "DATA_ENCRYPTION_KEY": f"k1:{_key()}",
            "DATA_HASH_KEY": _key(),
            "DEFAULT_COMMUNITY": "beijiao",
            "TRUSTED_PROXY_COUNT": "0",
            "LOG_LEVEL": "WARNING",
            "LINLI_BIND": f"127.0.0.1:{self.port}",
            "LINLI_WORKERS": "2",
            "LINLI_THREADS": "4",
            "LINLI_ACCESS_LOG": "-",
            "DELIVERY_SEND_THREADS": "2",
            # Never the repository's var/media; WeChat's image check is pointed at this server.
            "MEDIA_ROOT": str(self.logs / "media"),
            "MEDIA_PUBLIC_BASE_URL": self.api,
            "FLASK_SKIP_DOTENV": "1",
        }
        return {**dict.fromkeys(_linli_keys(), ""), **settings}

    def start(self) -> dict:
        self.redis_db = claim_redis_db()
        settings = self._settings()
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
        self.env = {**inherited, **settings}
        _sql(f"DROP DATABASE IF EXISTS `{self.database}`")
        _sql(f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        self.database_made = True
        self._flask("db", "upgrade")
        self._flask("seed-demo")
        roster = self.logs / "demo-roster.xlsx"
        self._flask("demo-roster", str(roster))
        photo = _photo(self.logs / "photo.jpg")
        templates = self._emulator_templates()
        self._spawn(
            "emulator",
            ["-m", "devtools.wechat_emulator", "--port", str(self.emulator_port)],
            ["--templates", str(templates)],
            ["--appid", settings["WECHAT_APP_ID"], "--secret", settings["WECHAT_APP_SECRET"]],
            ["--push-url", f"{self.api}/api/v1/wechat/push"],
            ["--push-token", settings["WECHAT_PUSH_TOKEN"]],
            ["--push-aes-key", settings["WECHAT_PUSH_AES_KEY"]],
        )
        self._spawn("gunicorn", ["-m", "gunicorn", "-c", "config/gunicorn.conf.py", "wsgi:app"])
        self._spawn(
            "celery",
            ["-m", "celery", "-A", "app.tasks.worker", "worker", "--loglevel", "WARNING"],
            ["--concurrency", "1", "--without-gossip", "--without-mingle"],
        )
        self._wait_ready()
        return {
            "api": self.api,
            "emulator": self.emulator,
            "database": self.database,
            "redis_db": self.redis_db,
            "roster_file": str(roster),
            "photo_file": str(photo),
            "logs": str(self.logs),
        }

    def _emulator_templates(self) -> Path:
        """The demo's subscribe templates in the emulator's --templates file (what the demo's
        WeChat account holds), as devtools/scripts/demo.sh writes it."""
        from app.demo.templates import emulator_templates  # ROOT is on sys.path (_linli_keys)

        path = self.logs / "emulator-templates.json"
        path.write_text(json.dumps(emulator_templates()), encoding="utf-8")
        return path

    def _flask(self, *args: str) -> None:
        done = subprocess.run(
            [PYTHON, "-m", "flask", "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise RuntimeError(f"`flask {' '.join(args)}` failed:\n{done.stderr[-3000:]}")

    def _spawn(self, name: str, *parts: list[str]) -> None:
        argv = [PYTHON, *(arg for part in parts for arg in part)]
        with open(self.logs / f"{name}.log", "wb") as log:
            self.procs[name] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        checks = [(self.emulator_port, "/__emulator__/health"), (self.port, "/readyz")]
        while checks:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited early:\n{self._tail(name)}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after {READY_SECONDS:.0f} s: {checks}")
            port, path = checks[0]
            if _status(port, path) == 200:
                checks.pop(0)
            else:
                time.sleep(0.2)

    def _tail(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        for name in reversed(list(self.procs)):
            proc = self.procs.pop(name)
            if proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # its own session: pgid == pid
                proc.wait(timeout=5)
        if self.database_made:
            with contextlib.suppress(Exception):
                _sql(f"DROP DATABASE IF EXISTS `{self.database}`")
        if self.redis_db is not None:
            with contextlib.suppress(Exception):
                client = _redis(self.redis_db)
                client.flushdb()  # our own DB only: sessions, queue, claim key
                client.close()
        if self.failed:
            print(f"contract stack logs kept in {self.logs}", file=sys.stderr)
        else:
            shutil.rmtree(self.logs, ignore_errors=True)


def _photo(path: Path) -> Path:
    """A small real JPEG, as WeChat's photo picker would leave in its temporary files."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (96, 72), (236, 232, 220))
    ImageDraw.Draw(image).rectangle((20, 30, 76, 42), fill=(120, 90, 60))  # a crack, say
    image.save(path, "JPEG", quality=80)
    return path


def _status(port: int, path: str) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        conn.close()


def main() -> int:
    stack = Stack()
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        info = stack.start()
    except BaseException as error:
        stack.failed = True
        print(f"contract stack did not start: {error}", file=sys.stderr)
        stack.stop()
        return 1
    print(json.dumps(info), flush=True)

    def wait_for_eof() -> None:
        sys.stdin.read()  # returns when the parent closes our stdin or dies
        stopping.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    while not stopping.wait(0.5):
        for name, proc in stack.procs.items():
            if proc.poll() is not None:
                print(f"{name} died:\n{stack._tail(name)}", file=sys.stderr)
                stack.failed = True
                stopping.set()
    stack.stop()
    return 1 if stack.failed else 0


if __name__ == "__main__":
    sys.exit(main())
