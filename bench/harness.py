"""Shared benchmark machinery: a throwaway linli stack, a closed-loop load generator, figures."""

from __future__ import annotations

import base64
import contextlib
import http.client
import itertools
import json
import math
import multiprocessing
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
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 25.0  # gunicorn's graceful_timeout is 20 s
# Prefixes of variables that configure linli; none may leak in from the caller's shell.
_OWN_PREFIXES = ("LINLI_", "WECHAT_", "FLASK_", "CELERY_")
# Hard caps so no loop can run away even if the clock misbehaves.
_MAX_CALLS_PER_CLIENT = 10_000_000
_SPAWN_SLACK_SECONDS = 1.5  # time for spawned load generators to import before the start


# -- the stack --------------------------------------------------------------------------------


class StackError(RuntimeError):
    """The stack could not be built or started (the message says which step and why)."""


def add_stack_options(parser, *, database: str) -> None:
    """The options every bench's stack and load generator take, with the same defaults."""
    cores = os.cpu_count() or 1
    add = parser.add_argument
    add("--client-procs", type=int, default=2, help="load-generator processes (default 2)")
    add("--workers", type=int, default=cores + 1, help=f"gunicorn workers (default {cores + 1})")
    add("--threads", type=int, default=8, help="gthread threads per worker (default 8)")
    add("--database", default=database)
    add("--redis-db", type=int, default=13, help="flushed at both ends (default 13)")
    add("--keep", action="store_true", help="keep the database and the logs")


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _random_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _linli_keys() -> set[str]:
    """Every variable linli reads: those .env.example documents and those config/ parses."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    keys = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    import config  # side-effect free: reading the environment happens in load_config()

    return keys | set(config.SECRETS) | set(getattr(config, "_PARSERS", {}))


@dataclass
class StackConfig:
    """How to run the throwaway stack; `env` overrides any generated setting."""

    database: str = "linli_bench"
    redis_db: int = 13
    workers: int = (os.cpu_count() or 1) + 1  # config/gunicorn.conf.py's default
    threads: int = 8
    keep: bool = False  # keep the database and the logs afterwards
    celery_worker: bool = False  # fan-out benches need it; request benches do not
    gunicorn_args: list[str] = field(default_factory=list)  # override config/gunicorn.conf.py
    app: str = "wsgi:app"  # what gunicorn serves; a bench may wrap linli with a yardstick route
    env: dict[str, str] = field(default_factory=dict)


class Stack:
    """WeChat emulator + gunicorn (+ optional Celery worker) on free ports, own DB and Redis DB.

    Use as a context manager: everything started is stopped again, also on Ctrl-C, and the
    database is dropped unless `keep`.
    """

    def __init__(self, config: StackConfig) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_]*bench[A-Za-z0-9_]*", config.database):
            # The database is dropped at the end: never let that be someone's real one.
            raise ValueError("the bench database name must contain 'bench'")
        if config.redis_db in (0, 15):
            raise ValueError("Redis DB 0 is the demo's and 15 the tests'; pick another")
        self.config = config
        self.port = free_port()
        self.emulator_port = free_port()
        self.logs = Path(tempfile.mkdtemp(prefix="linli-bench-"))
        self.settings = self._settings()
        self.env = self._environment()
        self._procs: dict[str, subprocess.Popen] = {}
        self._database_made = False
        self.failed = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def emulator_url(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}"

    def mark_failed(self) -> None:
        """Keep the logs at the end: a bench saw wrong answers and someone will want to look."""
        self.failed = True

    def pids(self) -> dict[str, int]:
        return {name: proc.pid for name, proc in self._procs.items() if proc.poll() is None}

    def _settings(self) -> dict[str, str]:
        cfg = self.config
        redis_url = f"redis://127.0.0.1:6379/{cfg.redis_db}"
        settings = {
            "LINLI_ENV": "demo",
            "DATABASE_URL": f"mysql+pymysql://root:@127.0.0.1:3306/{cfg.database}?charset=utf8mb4",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "WECHAT_APP_ID": "wx_bench_app",
            "WECHAT_APP_SECRET": secrets.token_hex(16),
            "WECHAT_API_BASE_URL": f"{self.emulator_url}/",
            "WECHAT_TIMEOUT_SECONDS": "5",
            "WECHAT_PUSH_MAX_SKEW_SECONDS": "300",
            "WECHAT_PUSH_TOKEN": secrets.token_hex(16),
            # EncodingAESKey: 43 characters of base64 without the trailing "=".
            "WECHAT_PUSH_AES_KEY": _random_key()[:43],
            "DATA_ENCRYPTION_KEY": f"k1:{_random_key()}",
            "DATA_HASH_KEY": _random_key(),
            "SESSION_TTL_SECONDS": "604800",
            # Every bench request comes from 127.0.0.1 and few openids: limits would cap it.
            "LOGIN_RATE_LIMIT_PER_IP": "1000000 per minute",
            "LOGIN_RATE_LIMIT_PER_USER": "1000000 per minute",
            "DEFAULT_COMMUNITY": "beijiao",
            "TRUSTED_PROXY_COUNT": "0",  # clients talk to gunicorn directly
            # Per-request log lines would measure the logging, not the app.
            "LOG_LEVEL": "WARNING",
            "DB_POOL_SIZE": "10",
            "LINLI_BIND": f"127.0.0.1:{self.port}",
            "LINLI_WORKERS": str(cfg.workers),
            "LINLI_THREADS": str(cfg.threads),
            "LINLI_ACCESS_LOG": "/dev/null",
            "FLASK_SKIP_DOTENV": "1",
        }
        settings.update(cfg.env)
        # Variables the bench has no opinion on (e.g. a newer feature's knobs) are set empty:
        # load_config() then uses the class default instead of a value from the repo's .env.
        return {**dict.fromkeys(_linli_keys(), ""), **settings}

    def _environment(self) -> dict[str, str]:
        # config/__init__.py also reads the repo's .env, but the process environment wins, so
        # setting every variable here keeps the developer's .env (and shell) out of the bench.
        inherited = {
            key: value
            for key, value in os.environ.items()
            if key not in self.settings and not key.startswith(_OWN_PREFIXES)
        }
        return {**inherited, **self.settings}

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.failed = True
            self.stop()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.failed = True
        self.stop()

    def start(self) -> None:
        self._prepare_database()
        self._flush_redis()
        self._flask("db", "upgrade")
        self._flask("seed-demo")
        s = self.settings
        self._spawn(
            "emulator",
            ["-m", "devtools.wechat_emulator", "--host", "127.0.0.1"],
            ["--port", str(self.emulator_port), "--appid", s["WECHAT_APP_ID"]],
            ["--secret", s["WECHAT_APP_SECRET"], "--push-token", s["WECHAT_PUSH_TOKEN"]],
            ["--push-url", f"{self.base_url}/api/v1/wechat/push"],
            ["--push-aes-key", s["WECHAT_PUSH_AES_KEY"]],
        )
        self._spawn(
            "gunicorn",
            ["-m", "gunicorn", "-c", "config/gunicorn.conf.py"],
            self.config.gunicorn_args,
            [self.config.app],
        )
        if self.config.celery_worker:
            self._spawn(
                "celery",
                ["-m", "celery", "-A", "app.tasks.worker", "worker", "--loglevel", "WARNING"],
                ["--concurrency", "2"],
            )
        self._wait_ready()

    def stop(self) -> None:
        """Stop what was started (last first), drop the database and empty the Redis DB (unless
        `keep`); Ctrl-C cannot cut it short."""
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            for name in reversed(list(self._procs)):
                self._terminate(name, self._procs.pop(name))
            if self._database_made and not self.config.keep:
                self._sql(f"DROP DATABASE IF EXISTS `{self.config.database}`")
                self._flush_redis()  # sessions live a week; leave nothing behind
                self._database_made = False
            if self.config.keep or self.failed:
                print(f"logs kept in {self.logs}", file=sys.stderr)
            else:
                shutil.rmtree(self.logs, ignore_errors=True)
        finally:
            signal.signal(signal.SIGINT, previous)

    # -- steps --------------------------------------------------------------------------------

    def _sql(self, statement: str) -> None:
        import pymysql  # only the parent needs it; load generators stay light

        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=5)
        try:
            with conn.cursor() as cursor:
                cursor.execute(statement)
        finally:
            conn.close()

    def _prepare_database(self) -> None:
        name = self.config.database
        self._sql(f"DROP DATABASE IF EXISTS `{name}`")
        self._sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        self._database_made = True

    def _flush_redis(self) -> None:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=self.config.redis_db)
        try:
            client.flushdb()
        finally:
            client.close()

    def _flask(self, *args: str) -> None:
        argv = [PYTHON, "-m", "flask", "--app", "wsgi", *args]
        done = subprocess.run(
            argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise StackError(f"`flask {' '.join(args)}` failed:\n{done.stderr[-3000:]}")

    def _spawn(self, name: str, *argv_parts: list[str]) -> None:
        argv = [PYTHON, *itertools.chain.from_iterable(argv_parts)]
        with open(self.logs / f"{name}.log", "wb") as log:
            # Own session: a terminal Ctrl-C reaches only us, and we stop the children in order.
            self._procs[name] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        checks = [(self.emulator_port, "/__emulator__/health"), (self.port, "/readyz")]
        while checks and time.monotonic() < deadline:
            for name, proc in self._procs.items():
                if proc.poll() is not None:
                    raise StackError(f"{name} exited early:\n{self.log_tail(name)}")
            port, path = checks[0]
            if _get_status(port, path) == 200:
                checks.pop(0)
            else:
                time.sleep(0.25)
        if checks:
            raise StackError(f"not ready after {READY_TIMEOUT_SECONDS:.0f} s: {checks}")

    def _terminate(self, name: str, proc: subprocess.Popen) -> None:
        if proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            print(f"{name} ignored SIGTERM; killing its process group", file=sys.stderr)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: pgid == pid
            proc.wait(timeout=5)

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def _get_status(port: int, path: str) -> int | None:
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


# -- HTTP -------------------------------------------------------------------------------------


class HttpClient:
    """One keep-alive HTTP/1.1 connection on http.client.

    Chosen over requests.Session: it costs a fraction of the client CPU per request, which
    matters when the load generator shares 2 cores with the server.
    """

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._conn: http.client.HTTPConnection | None = None
        self._reused = False

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping | None = None
    ) -> tuple[int | str, bytes]:
        """(status, body); a transport failure gives ("EXC:<name>", b"") instead of raising."""
        for attempt in range(2):
            reused = self._reused
            try:
                return self._once(method, path, body, headers or {})
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if not (reused and attempt == 0):
                    return f"EXC:{type(exc).__name__}", b""
                # The server closed an idle keep-alive connection before reading: resend once.
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                return f"EXC:{type(exc).__name__}", b""
        return "EXC:retry", b""

    def _once(self, method, path, body, headers) -> tuple[int, bytes]:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self._reused = False
        self._conn.request(method, path, body=body, headers=headers)
        response = self._conn.getresponse()
        data = response.read()
        if response.will_close:
            self.close()
        else:
            self._reused = True
        return response.status, data

    def post_json(self, path: str, payload: object) -> tuple[int | str, object]:
        status, data = self.send(
            "POST", path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        return status, (json.loads(data) if data else None)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn, self._reused = None, False


# -- workloads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request of a workload; `tag` groups latencies in the report (e.g. new vs returning)."""

    method: str
    path: str
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    tag: str = ""


class Workload:
    """What the clients send. Built in the parent, pickled to each load-generator process."""

    name = "workload"
    expected_status = 200  # anything else is an error, listed by status

    def split(self, parts: int) -> list[Workload]:
        """One workload per load-generator process (override to hand out single-use items)."""
        return [self] * parts

    def calls(self) -> Iterator[Call]:
        """The calls of one process, shared by its client threads; ending it ends the run."""
        raise NotImplementedError

    def check(self, call: Call, status: int | str, body: bytes) -> str | None:
        """A problem with an answer beyond its status (wrong or leaking body), else None."""
        return None


class Repeat(Workload):
    """The same call over and over, e.g. the bare endpoint."""

    def __init__(self, call: Call, name: str | None = None) -> None:
        self.call = call
        self.name = name or f"{call.method} {call.path}"

    def calls(self) -> Iterator[Call]:
        return itertools.repeat(self.call)


# -- the load generator -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    workload: Workload
    host: str
    port: int
    threads: int
    start: float  # wall-clock (time.time()) so every process agrees
    measure_from: float
    end: float
    budget: int | None  # measured requests for this process, if bounded by count


@dataclass
class _Tally:
    """What one client thread saw; merged per process, then across processes."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter = field(default_factory=Counter)
    unmeasured: Counter = field(default_factory=Counter)
    problems: int = 0
    examples: list[str] = field(default_factory=list)
    exhausted: bool = False
    last_done: float = 0.0
    cpu_seconds: float = 0.0

    def merge(self, other: _Tally) -> None:
        for tag, values in other.latencies.items():
            self.latencies.setdefault(tag, []).extend(values)
        self.statuses.update(other.statuses)
        self.unmeasured.update(other.unmeasured)
        self.problems += other.problems
        self.examples.extend(other.examples[: 5 - len(self.examples)])
        self.exhausted |= other.exhausted
        self.last_done = max(self.last_done, other.last_done)
        self.cpu_seconds += other.cpu_seconds


class _Source:
    """A process's call iterator, shared by its threads."""

    def __init__(self, calls: Iterator[Call]) -> None:
        self._calls = calls
        self._lock = threading.Lock()

    def next(self) -> Call | None:
        with self._lock:
            return next(self._calls, None)


def _sleep_until(moment: float, stop: threading.Event | None = None) -> None:
    delay = max(0.0, moment - time.time())
    if stop is None:
        time.sleep(delay)
    else:
        stop.wait(delay)


def _client(plan: _Plan, source: _Source, tally: _Tally, stop: threading.Event, counter) -> None:
    """One closed-loop client: send, wait for the answer, send the next, until the end."""
    client = HttpClient(plan.host, plan.port)
    _sleep_until(plan.start)
    try:
        for _ in range(_MAX_CALLS_PER_CLIENT):
            if stop.is_set() or time.time() >= plan.end:
                break
            call = source.next()
            if call is None:
                tally.exhausted = True
                break
            measured = _exchange(plan, client, call, tally)
            if measured and plan.budget is not None and next(counter) >= plan.budget:
                stop.set()
    finally:
        client.close()


def _exchange(plan: _Plan, client: HttpClient, call: Call, tally: _Tally) -> bool:
    """Send one call and count it; True when it fell inside the measured window."""
    began = time.time()
    t0 = time.perf_counter()
    status, body = client.send(call.method, call.path, call.body, call.headers)
    elapsed_ms = (time.perf_counter() - t0) * 1000
    done = time.time()
    problem = plan.workload.check(call, status, body)
    if problem:  # wherever it happens: a wrong answer in the warm-up is still wrong
        tally.problems += 1
        if len(tally.examples) < 5:
            tally.examples.append(problem)
    if began < plan.measure_from or done > plan.end:
        tally.unmeasured[status] += 1
        return False
    tally.latencies.setdefault(call.tag, []).append(elapsed_ms)
    tally.statuses[status] += 1
    tally.last_done = done
    return True


def _generator_process(plan: _Plan, results) -> None:
    """Entry point of one load-generator process: `plan.threads` clients, one tally back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    source, stop, counter = _Source(plan.workload.calls()), threading.Event(), itertools.count(1)
    tallies = [_Tally() for _ in range(plan.threads)]
    threads = [
        threading.Thread(target=_client, args=(plan, source, tally, stop, counter), daemon=True)
        for tally in tallies
    ]
    for thread in threads:
        thread.start()
    # CPU this process burns inside the window, to tell whether the generator was the limit.
    _sleep_until(plan.measure_from, stop)
    cpu_from = time.process_time()
    _sleep_until(plan.end, stop)
    cpu_seconds = time.process_time() - cpu_from
    for thread in threads:
        thread.join(timeout=max(1.0, plan.end - time.time()) + 35)  # > the client timeout
    total = _Tally(cpu_seconds=cpu_seconds)
    for tally in tallies:
        total.merge(tally)
    results.put(total)


@dataclass
class LoadResult:
    """The measured window of one load run."""

    name: str
    clients: int
    processes: int
    window: float
    tally: _Tally
    expected_status: int = 200
    server_cpu: dict[str, float] = field(default_factory=dict)  # cores busy, by process group
    server_born: dict[str, int] = field(default_factory=dict)  # e.g. recycled gunicorn workers

    @property
    def count(self) -> int:
        return sum(self.tally.statuses.values())

    @property
    def rps(self) -> float:
        return self.count / self.window if self.window > 0 else 0.0

    def latencies(self, tag: str | None = None) -> list[float]:
        if tag is not None:
            return sorted(self.tally.latencies.get(tag, []))
        return sorted(itertools.chain.from_iterable(self.tally.latencies.values()))

    def errors(self, measured: bool = True) -> Counter:
        """Non-expected statuses in the window (or, measured=False, in the warm-up and after)."""
        statuses = self.tally.statuses if measured else self.tally.unmeasured
        return Counter({s: n for s, n in statuses.items() if s != self.expected_status})

    @property
    def failed(self) -> bool:
        return bool(self.errors() or self.errors(measured=False) or self.tally.problems)


def run_load(
    workload: Workload,
    base_url: str,
    *,
    clients: int,
    processes: int,
    warmup: float,
    seconds: float,
    requests: int | None = None,
    cpu_groups: Mapping[str, Sequence[int]] | None = None,
) -> LoadResult:
    """Closed loop: `clients` connections, each sending its next request when the last answers.

    Clients are threads spread over `processes` spawned processes so the GIL of one Python
    process does not cap the load. The first `warmup` seconds are not measured; measuring
    stops after `seconds` or, with `requests`, after that many measured requests.
    `cpu_groups` names server process trees whose CPU use is reported for the window.
    """
    host, port = base_url.removeprefix("http://").split(":")
    processes = max(1, min(processes, clients))
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    budgets = _split_budget(requests, processes)
    start = time.time() + _SPAWN_SLACK_SECONDS
    ctx = multiprocessing.get_context("spawn")  # no fork of a parent holding sockets/threads
    results = ctx.Queue()
    procs = []
    for part, threads, budget in zip(workload.split(processes), shares, budgets, strict=True):
        plan = _Plan(
            part, host, int(port), threads, start, start + warmup, start + warmup + seconds, budget
        )
        procs.append(ctx.Process(target=_generator_process, args=(plan, results), daemon=True))
    for proc in procs:
        proc.start()
    try:
        server_cpu, server_born = _measure_cpu(
            cpu_groups or {}, start + warmup, start + warmup + seconds
        )
        total = _collect(results, procs, deadline=start + warmup + seconds + 60)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()  # only ours, by handle
            proc.join(timeout=5)
    stopped_early = total.exhausted or requests is not None
    window = max(0.0, total.last_done - (start + warmup)) if stopped_early else seconds
    return LoadResult(
        workload.name,
        clients,
        processes,
        window,
        total,
        workload.expected_status,
        server_cpu,
        server_born,
    )


def _split_budget(requests: int | None, parts: int) -> list[int | None]:
    if requests is None:
        return [None] * parts
    return [requests // parts + (i < requests % parts) for i in range(parts)]


def _collect(results, procs, deadline: float) -> _Tally:
    total = _Tally()
    for _ in procs:
        total.merge(results.get(timeout=max(1.0, deadline - time.time())))
    return total


# -- CPU accounting ---------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces; fields after its closing parenthesis are fixed.
    return text[text.rindex(")") + 2 :].split()


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, from one pass over /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _proc_stat(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(roots: Sequence[int], children: Mapping[int, list[int]]) -> list[int]:
    """`roots` and their descendants (gunicorn workers, Celery children)."""
    found, todo = [], list(roots)
    while todo and len(found) < 10_000:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def pids_named(name: str) -> list[int]:
    """Processes whose command name is `name` (e.g. mariadbd, redis-server): read-only use."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
    return found


def _cpu_ticks(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else None  # utime + stime


MACHINE = "machine"  # every core's busy time, whoever used it


def _machine_busy_ticks() -> int:
    """Busy ticks of all cores: /proc/stat's first line minus idle and iowait."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]) - fields[3] - fields[4]  # user..steal, without idle, iowait


class _CpuSampler:
    """CPU ticks per process group, summed per pid so a replaced worker neither hides nor
    subtracts its work (gunicorn recycles workers after max_requests)."""

    def __init__(self, groups: Mapping[str, Sequence[int]]) -> None:
        self.groups = groups
        self.last: dict[str, dict[int, int]] = {}
        self.ticks: Counter = Counter()
        self.born: Counter = Counter()  # processes that appeared inside the window
        self.machine_last: int | None = None

    def sample(self) -> None:
        busy = _machine_busy_ticks()
        if self.machine_last is not None:
            self.ticks[MACHINE] += busy - self.machine_last
        self.machine_last = busy
        children = _children()
        for name, roots in self.groups.items():
            now = {pid: t for pid in _tree(roots, children) if (t := _cpu_ticks(pid)) is not None}
            before = self.last.get(name)
            if before is not None:
                # A pid seen for the first time was born in the window: all its ticks count.
                self.ticks[name] += sum(t - before.get(pid, 0) for pid, t in now.items())
                self.born[name] += len(now.keys() - before.keys())
            self.last[name] = now


def _measure_cpu(
    groups: Mapping[str, Sequence[int]], begin: float, end: float, interval: float = 0.5
) -> tuple[dict[str, float], dict[str, int]]:
    """Cores each group kept busy between `begin` and `end` (1.0 = one core all the time),
    and how many processes each group started meanwhile."""
    if not groups:
        return {}, {}
    sampler = _CpuSampler(groups)
    _sleep_until(begin)
    sampler.sample()
    t0 = time.time()
    for _ in range(int((end - begin) / interval) + 2):
        if time.time() >= end:
            break
        time.sleep(max(0.0, min(interval, end - time.time())))
        sampler.sample()
    elapsed = max(time.time() - t0, 1e-9)
    cores = {name: sampler.ticks[name] / _TICK / elapsed for name in [*groups, MACHINE]}
    return cores, {name: n for name, n in sampler.born.items() if n}


# -- figures ----------------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of sorted values, linearly interpolated; NaN when empty."""
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def format_errors(errors: Counter) -> str:
    if not errors:
        return "0"
    return ", ".join(f"{status}×{n}" for status, n in sorted(errors.items(), key=str))


def summary_row(result: LoadResult, label: str | None = None, tag: str | None = None) -> list:
    """A table row: name, requests, seconds, req/s, p50, p90, p99, max (ms), errors."""
    values = result.latencies(tag)
    count = len(values) if tag is not None else result.count
    return [
        label or result.name,
        count,
        f"{result.window:.1f}",
        f"{count / result.window:.1f}" if result.window > 0 else "-",
        f"{percentile(values, 50):.1f}",
        f"{percentile(values, 90):.1f}",
        f"{percentile(values, 99):.1f}",
        f"{values[-1]:.1f}" if values else "-",
        format_errors(result.errors()) if tag is None else "",
    ]


SUMMARY_HEADERS = [
    "endpoint",
    "requests",
    "s",
    "req/s",
    "p50 ms",
    "p90 ms",
    "p99 ms",
    "max ms",
    "errors",
]


def format_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_cpu(result: LoadResult) -> str:
    """Where the cores went in the window: each server group, the load generator, and the
    rest of the machine (other people's work disturbs the figures; it is shown, not hidden)."""
    busy = dict(result.server_cpu)
    machine = busy.pop(MACHINE, None)
    busy["load generator"] = result.tally.cpu_seconds / result.window if result.window else 0
    if machine is not None:
        busy["everything else"] = max(0.0, machine - sum(busy.values()))
    text = ", ".join(f"{name} {cores * 100:.0f}%" for name, cores in busy.items())
    born = ", ".join(f"{name} {n}" for name, n in result.server_born.items())
    return f"{text}; processes started in the window: {born}" if born else text


def foreign_load(result: LoadResult) -> float:
    """Cores busy with work outside the bench during the window (0 when unknown)."""
    busy = dict(result.server_cpu)
    machine = busy.pop(MACHINE, None)
    if machine is None or not result.window:
        return 0.0
    return max(0.0, machine - sum(busy.values()) - result.tally.cpu_seconds / result.window)
