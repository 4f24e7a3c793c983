"""Benchmark WeChat login (POST /api/v1/auth/login) against the bare /healthz, same load."""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from harness import (
    SUMMARY_HEADERS,
    Call,
    HttpClient,
    LoadResult,
    Repeat,
    Stack,
    StackConfig,
    StackError,
    Workload,
    add_stack_options,
    foreign_load,
    format_cpu,
    format_errors,
    format_table,
    pids_named,
    run_load,
    summary_row,
)

LOGIN_PATH = "/api/v1/auth/login"
COMMUNITY = "beijiao"
CODE_TTL_SECONDS = 300  # the emulator's (and WeChat's) login-code lifetime
_JSON = {"Content-Type": "application/json"}


class LoginWorkload(Workload):
    """Spends pre-issued single-use codes in order; each process gets its own openids."""

    name = f"POST {LOGIN_PATH}"

    def __init__(self, parts: list[list[tuple[str, str]]]) -> None:
        self.parts = parts  # per process: (code, tag) in send order

    def split(self, parts: int) -> list[Workload]:
        if parts != len(self.parts):
            raise ValueError(f"codes were planned for {len(self.parts)} processes, not {parts}")
        return [LoginWorkload([part]) for part in self.parts]

    def calls(self) -> Iterator[Call]:
        for code, tag in self.parts[0]:
            body = json.dumps({"code": code, "community": COMMUNITY}).encode()
            yield Call("POST", LOGIN_PATH, body, _JSON, tag)

    def check(self, call: Call, status: int | str, body: bytes) -> str | None:
        if b"session_key" in body:
            return f"{status} answer contains session_key"
        if status != 200:
            return None  # counted as an error by status already
        try:
            token = json.loads(body).get("token")
        except (ValueError, AttributeError):
            return "200 answer is not a JSON object"
        return None if isinstance(token, str) and token else "200 answer without a token"


def plan_sequence(
    openids: list[str], logins_each: int, gap: int, rng: random.Random
) -> list[tuple[str, str]]:
    """(openid, tag) in send order: every `logins_each`-th login is a first login.

    A returning login picks an openid whose first login is at least `gap` places earlier, so
    with `gap` well above the process's client count it is answered already. The first `gap`
    logins can only be first logins; the warm-up absorbs them.
    """
    fresh = iter(openids)
    born: list[int] = []  # positions of first logins, ascending
    names: list[str] = []
    order = []
    for position in range(len(openids) * logins_each):
        eligible = bisect.bisect_right(born, position - gap)
        want_new = eligible == 0 or position % logins_each == 0
        openid = next(fresh, None) if want_new else None
        if openid is not None:
            born.append(position)
            names.append(openid)
            order.append((openid, "new"))
        else:
            order.append((names[rng.randrange(max(eligible, 1))], "returning"))
    return order


def issue_codes(emulator_url: str, plan: list[list[tuple[str, str]]], parallel: int) -> list:
    """One fresh code per planned login, from the emulator's control API, in plan order."""
    host, port = emulator_url.removeprefix("http://").split(":")
    local = threading.local()
    clients: list[HttpClient] = []

    def issue(openid: str) -> str:
        if not hasattr(local, "client"):
            local.client = HttpClient(host, int(port), timeout=10)
            clients.append(local.client)
        status, answer = local.client.post_json("/__emulator__/login_codes", {"openid": openid})
        if status != 200:
            raise RuntimeError(f"emulator refused a login code: {status} {answer}")
        return answer["code"]

    try:
        with ThreadPoolExecutor(parallel) as pool:
            return [
                list(zip(pool.map(issue, [o for o, _ in part]), [t for _, t in part], strict=True))
                for part in plan
            ]
    finally:
        for client in clients:
            client.close()


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    add = parser.add_argument
    add("--clients", type=int, default=32, help="concurrent closed-loop clients (default 32)")
    add("--seconds", type=float, default=15, help="measured window per endpoint (default 15)")
    add("--warmup", type=float, default=3, help="unmeasured seconds first (default 3)")
    add("--requests", type=int, help="stop each window after this many measured requests")
    add(
        "--no-recycle",
        action="store_true",
        help="gunicorn --max-requests 0: at /healthz rates the shipped 20000 recycles workers"
        " every few seconds",
    )
    add("--users", type=int, default=2000, help="distinct openids (default 2000)")
    add("--logins-per-user", type=int, default=4, help="codes per openid (default 4)")
    add("--seed", type=int, default=1, help="random seed of the login order")
    add_stack_options(parser, database="linli_bench")
    return parser.parse_args(argv)


def _measure(args: argparse.Namespace, stack: Stack) -> tuple[LoadResult, LoadResult, dict]:
    procs = max(1, min(args.client_procs, args.clients))
    openids = [f"obench{i:06d}" for i in range(args.users)]
    # A returning login must not overlap its openid's first login (that is a race, not the
    # select path): 8× one process's clients is over a second of logins, above the p99.
    gap = 8 * -(-args.clients // procs)
    rng = random.Random(args.seed)
    plan = [plan_sequence(openids[p::procs], args.logins_per_user, gap, rng) for p in range(procs)]
    began = time.monotonic()
    parts = issue_codes(stack.emulator_url, plan, parallel=8)
    issued = {"codes": sum(map(len, parts)), "seconds": time.monotonic() - began}
    if issued["seconds"] + args.warmup + args.seconds > CODE_TTL_SECONDS - 30:
        raise SystemExit("codes would expire before the login window ends; shorten it")
    pids = stack.pids()
    groups = {
        "gunicorn": [pids["gunicorn"]],
        "emulator": [pids["emulator"]],
        "mariadbd": pids_named("mariadbd") or pids_named("mysqld"),
        "redis": pids_named("redis-server"),
    }
    load = {
        "clients": args.clients,
        "processes": procs,
        "warmup": args.warmup,
        "seconds": args.seconds,
        "requests": args.requests,
        "cpu_groups": groups,
    }
    login = run_load(LoginWorkload(parts), stack.base_url, **load)
    bare = run_load(Repeat(Call("GET", "/healthz")), stack.base_url, **load)
    return login, bare, issued


def _report(args, login: LoadResult, bare: LoadResult, issued: dict) -> None:
    cores = os.cpu_count()
    print(
        f"\nlinli login bench: {cores} cores; gunicorn {args.workers} workers × {args.threads}"
        f" threads (gthread); {args.clients} clients in {login.processes} processes"
        f" (closed loop, http.client keep-alive); warm-up {args.warmup:g} s; worker recycling"
        f" {'off' if args.no_recycle else 'as shipped (max_requests 20000)'}"
    )
    print(
        f"codes: {args.users} openids × {args.logins_per_user} logins = {issued['codes']}"
        f" issued in {issued['seconds']:.1f} s; first logins (insert user, identity,"
        f" membership) spread evenly, 1 in {args.logins_per_user}\n"
    )
    rows = [
        summary_row(login, "POST /auth/login"),
        summary_row(login, "  first login (new)", tag="new"),
        summary_row(login, "  returning", tag="returning"),
        summary_row(bare, "GET /healthz"),
    ]
    print(format_table(SUMMARY_HEADERS, rows))
    ratio = login.rps / bare.rps if bare.rps else float("nan")
    print(f"\nlogin_rps / bare_rps = {login.rps:.1f} / {bare.rps:.1f} = {ratio:.3f}")
    print(f"CPU, login window: {format_cpu(login)}")
    print(f"CPU, bare window:  {format_cpu(bare)}  (100% = one core)")
    for result in (login, bare):
        if foreign_load(result) > 0.2:
            print(
                f"warning: other work kept {foreign_load(result) * 100:.0f}% of a core busy"
                f" during {result.name}; its figures are low — rerun on a quiet machine"
            )
        if result.tally.exhausted:
            print(f"note: {result.name} ran out of calls; window shortened (raise codes)")
        unmeasured = result.errors(measured=False)
        if unmeasured:
            print(f"errors outside the window, {result.name}: {format_errors(unmeasured)}")
    answered = login.tally.statuses[200] + login.tally.unmeasured[200]
    if login.tally.problems:
        print(f"PROBLEMS in login answers: {login.tally.problems}, e.g. {login.tally.examples}")
    else:
        print(f"checked all {answered} login answers: each had a token, none held session_key")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # so SIGTERM also runs the teardown in `finally`


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    config = StackConfig(
        database=args.database,
        redis_db=args.redis_db,
        workers=args.workers,
        threads=args.threads,
        keep=args.keep,
        gunicorn_args=["--max-requests", "0"] if args.no_recycle else [],
    )
    try:
        with Stack(config) as stack:
            login, bare, issued = _measure(args, stack)
            if login.failed or bare.failed:
                stack.mark_failed()
    except KeyboardInterrupt:
        print("interrupted; stack stopped", file=sys.stderr)
        return 130
    except StackError as exc:
        print(f"could not start the stack: {exc}", file=sys.stderr)
        return 2
    _report(args, login, bare, issued)
    failed = login.failed or bare.failed
    if failed:
        print("FAILED: some requests were answered wrongly (see errors above)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
