"""Benchmark a sign-up rush: 3,000 logged-in residents try to take 300 seats within 10 s.

Every resident is a user bound to their own flat of the demo community, holding a session
token issued straight through the SessionStore (as a WeChat login would leave it). The activity
has 300 seats and a waiting list of 1,000; a share of residents tap twice (half of them at the
same instant, half a moment later). Afterwards every answer is checked against the database:
confirmed, waitlisted, refused, oversold, duplicates, lost (a 201/200 whose row is missing or
different), 5xx, p50/p99; then the same clients hit a one-Redis-INCR endpoint that only this
bench's server has (bench/rush_app.py) for the throughput ratio, and GET /api/v1/me as a
reference (the cheapest logged-in request). The 报名成功 messages are queued afterwards as the
beat would, and counted. Exit 1 on any FAIL.

    .venv/bin/python bench/signup_rush.py              # ~45 s; --help for the knobs
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from harness import (
    Call,
    LoadResult,
    Repeat,
    Stack,
    StackConfig,
    Workload,
    add_stack_options,
    foreign_load,
    format_cpu,
    format_errors,
    format_table,
    percentile,
    pids_named,
    run_load,
)

INCR_PATH = "/__bench__/incr"
NICK = "rush-bench-"
_WRITE_LOCK = threading.Lock()
_ANSWER_FILES: dict[int, object] = {}


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    add = parser.add_argument
    add("--residents", type=int, default=3000, help="distinct residents (default 3000)")
    add("--seats", type=int, default=300, help="capacity of the activity (default 300)")
    add("--waitlist", type=int, default=1000, help="waiting-list places (default 1000)")
    add("--retry-share", type=float, default=0.1, help="residents who tap twice (default 0.1)")
    add("--clients", type=int, default=100, help="concurrent closed-loop clients (default 100)")
    add("--seconds", type=float, default=10, help="the rush must be answered within (10)")
    add("--incr-seconds", type=float, default=5, help="measured INCR window (default 5)")
    add("--seed", type=int, default=6)
    add(
        "--cold",
        action="store_true",
        help="residents tap without having opened the page (their roles not yet cached)",
    )
    add_stack_options(parser, database="linli_bench_rush")
    return parser.parse_args(argv)


# -- the residents and the activity -------------------------------------------------------------


def _residents(args, community_id: int) -> list[int]:
    """Users bound to distinct occupied flats (as the roster's occupants), with the resident
    role; their ids in creation order."""
    from sqlalchemy import func, insert, select

    from app.accounts.models import (
        BindingMethod,
        HouseholdMember,
        Membership,
        MembershipRole,
        Role,
        User,
    )
    from app.community.models import Household, HouseholdStatus, Occupant
    from app.extensions import db

    flats = db.session.execute(
        select(Occupant.household_id, func.min(Occupant.id))
        .join(Household, Household.id == Occupant.household_id)
        .where(Household.community_id == community_id, Household.status == HouseholdStatus.OCCUPIED)
        .group_by(Occupant.household_id)
        .order_by(Occupant.household_id)
        .limit(args.residents)
    ).all()
    if len(flats) < args.residents:
        raise SystemExit(f"the demo community has only {len(flats)} occupied flats")
    db.session.execute(insert(User), [{"nickname": f"{NICK}{n}"} for n in range(args.residents)])
    users = list(
        db.session.scalars(select(User.id).where(User.nickname.like(f"{NICK}%")).order_by(User.id))
    )
    db.session.execute(
        insert(Membership), [{"community_id": community_id, "user_id": u} for u in users]
    )
    memberships = db.session.scalars(
        select(Membership.id).where(Membership.user_id.in_(users))
    ).all()
    db.session.execute(
        insert(MembershipRole), [{"membership_id": m, "role": Role.RESIDENT} for m in memberships]
    )
    db.session.execute(
        insert(HouseholdMember),
        [
            {"community_id": community_id, "household_id": household, "user_id": user,
             "occupant_id": occupant, "method": BindingMethod.PHONE_MATCH}
            for user, (household, occupant) in zip(users, flats, strict=True)
        ],
    )  # fmt: skip
    return users


def _activity(args, community_id: int) -> int:
    """The activity, organised by a new admin, and the community's 报名成功 template (the
    confirmations are queued after the rush, as the beat would)."""
    from app.accounts.models import Role, User
    from app.accounts.services.roles import grant_role
    from app.activities.models import ActivityKind
    from app.activities.services import create_activity
    from app.core.auth import Actor
    from app.core.clock import utcnow
    from app.extensions import db
    from app.subscriptions.models import SubscribeTemplate, TemplatePurpose
    from app.subscriptions.services import get_template

    organiser = User(nickname="rush-organiser")
    db.session.add(organiser)
    db.session.flush()
    grant_role(None, organiser.id, community_id, Role.ADMIN, reason="bench")
    if get_template(community_id, TemplatePurpose.ACTIVITY_SIGNUP) is None:  # seed-demo may
        db.session.add(
            SubscribeTemplate(
                community_id=community_id, purpose=TemplatePurpose.ACTIVITY_SIGNUP,
                template_id="tmpl_bench_signup", title="报名成功通知",
                fields={"thing1": "thing", "time2": "time", "thing3": "thing"},
                mapping={"thing1": "title", "time2": "starts_at", "thing3": "status"},
                page="pages/activities/detail",
            )
        )  # fmt: skip
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    activity = create_activity(
        Actor(organiser.id, community_id, frozenset({"admin"}), "bench"),
        kind=ActivityKind.COMMUNITY_EVENT, title="青年会客厅·中秋音乐会", place="社区广场",
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=args.seats,
        waitlist_capacity=args.waitlist, seats_per_household=1, audience={"kind": "everyone"},
    )  # fmt: skip
    return activity.id


def _prepare(args) -> dict:
    from sqlalchemy import select

    from app.community.models import Community
    from app.core.auth import sessions
    from app.extensions import db

    community_id = db.session.scalar(select(Community.id).where(Community.slug == "beijiao"))
    users = _residents(args, community_id)
    activity_id = _activity(args, community_id)
    db.session.commit()
    store = sessions()
    tokens = {user: store.issue(user, community_id).token for user in users}
    return {"community_id": community_id, "activity_id": activity_id, "tokens": tokens}


# -- the load -----------------------------------------------------------------------------------


def plan_sequence(people: list[tuple[int, str]], share: float, gap: int, rng: random.Random):
    """(user id, token, tag) in send order: everyone once; a `share` of them again, half right
    behind their first tap (another client takes it at once: a concurrent double submit), half
    `gap` places later (a retry after the answer)."""
    order = [(user, token, "first") for user, token in people]
    retried = rng.sample(range(len(people)), round(len(people) * share))
    for n, index in enumerate(sorted(retried, reverse=True)):
        user, token = people[index]
        at = index + 1 if n % 2 else min(len(order), index + gap)
        order.insert(at, (user, token, "retry"))
    return order


class RushWorkload(Workload):
    """Spends planned sign-ups in order; writes every answer to a file for the checks."""

    name = "POST /activities/<id>/signups"
    expected_status = 201

    def __init__(self, parts: list[list[tuple[int, str, str]]], path: str, answers_dir: str):
        self.parts, self.path, self.answers_dir = parts, path, answers_dir

    def split(self, parts: int) -> list[Workload]:
        if parts != len(self.parts):
            raise ValueError(f"sign-ups were planned for {len(self.parts)} processes, not {parts}")
        return [RushWorkload([part], self.path, self.answers_dir) for part in self.parts]

    def calls(self) -> Iterator[Call]:
        for user, token, tag in self.parts[0]:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}",
                       "X-Bench-User": str(user)}  # fmt: skip
            yield Call("POST", self.path, b"{}", headers, tag)

    def check(self, call: Call, status, body: bytes) -> str | None:
        try:
            answer = json.loads(body) if body else {}
        except ValueError:
            answer = {}
        state = answer.get("reason") or answer.get("status") or ""  # an error's, or the row's
        line = [call.headers["X-Bench-User"], call.tag, str(status), str(answer.get("id", "")),
                str(state)]  # fmt: skip
        with _WRITE_LOCK:
            out = _ANSWER_FILES.get(os.getpid())
            if out is None:
                out = _ANSWER_FILES[os.getpid()] = open(  # noqa: SIM115 — kept for the run
                    Path(self.answers_dir) / f"{os.getpid()}.tsv", "a", encoding="utf-8"
                )
            out.write("\t".join(line) + "\n")
            out.flush()
        return None


class ReadWorkload(Workload):
    """The same GET by many residents in turn: the warm-up (the activity page open before it
    opens) and the reference of the cheapest logged-in request (GET /api/v1/me)."""

    def __init__(self, path: str, tokens: list[str], name: str):
        self.path, self.tokens, self.name = path, tokens, name

    def calls(self) -> Iterator[Call]:
        while True:
            for token in self.tokens:
                yield Call("GET", self.path, None, {"Authorization": f"Bearer {token}"})


def _measure(args, stack: Stack, prepared: dict, answers_dir: str) -> dict:
    procs = max(1, min(args.client_procs, args.clients))
    people = list(prepared["tokens"].items())
    random.Random(args.seed).shuffle(people)
    gap = 4 * -(-args.clients // procs)
    rng = random.Random(args.seed + 1)
    parts = [plan_sequence(people[p::procs], args.retry_share, gap, rng) for p in range(procs)]
    pids = stack.pids()
    groups = {
        "gunicorn": [pids["gunicorn"]],
        "mariadbd": pids_named("mariadbd") or pids_named("mysqld"),
        "redis": pids_named("redis-server"),
    }
    common = {"clients": args.clients, "processes": procs, "cpu_groups": groups}
    activity = prepared["activity_id"]
    # Everyone who rushes has the activity's page open first (the sign-up button is on it):
    # one GET each, not measured, as the mini-program does before the sign-up window opens.
    # --cold: only the first clients' worth do, to warm the server and nothing else.
    every_token = [token for _, token in people]
    warm_tokens = every_token[: args.clients]
    openers = warm_tokens if args.cold else every_token
    warm = ReadWorkload(f"/api/v1/activities/{activity}", openers, "GET /activities/<id>")
    run_load(warm, stack.base_url, warmup=0, seconds=60, requests=len(openers), **common)
    rush = run_load(
        RushWorkload(parts, f"/api/v1/activities/{activity}/signups", answers_dir),
        stack.base_url, warmup=0, seconds=args.seconds, **common,
    )  # fmt: skip
    incr = run_load(Repeat(Call("POST", INCR_PATH)), stack.base_url, warmup=1,
                    seconds=args.incr_seconds, **common)  # fmt: skip
    me = run_load(ReadWorkload("/api/v1/me", warm_tokens, "GET /api/v1/me"), stack.base_url,
                  warmup=1, seconds=args.incr_seconds, **common)  # fmt: skip
    return {"rush": rush, "incr": incr, "me": me, "sent": sum(map(len, parts))}


# -- the checks ---------------------------------------------------------------------------------


def _answers(answers_dir: str) -> dict[int, list[tuple[str, str, str, str]]]:
    by_user: dict[int, list] = defaultdict(list)
    for path in Path(answers_dir).glob("*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            user, tag, status, signup_id, state = line.split("\t")
            by_user[int(user)].append((tag, status, signup_id, state))
    return by_user


def _analyse(args, prepared: dict, answers_dir: str) -> dict:
    from sqlalchemy import select

    from app.activities.models import Activity, Signup
    from app.extensions import db

    db.session.rollback()
    rows = {
        user: (signup_id, status.value, seats)
        for user, signup_id, status, seats in db.session.execute(
            select(Signup.user_id, Signup.id, Signup.status, Signup.seats).where(
                Signup.activity_id == prepared["activity_id"]
            )
        )
    }
    activity = db.session.get(Activity, prepared["activity_id"])
    answers = _answers(answers_dir)
    states = Counter(status for _, status, _ in rows.values())
    lost = duplicates = refused = 0
    for user, replies in answers.items():
        ok = [(sid, state) for _, status, sid, state in replies if status in ("200", "201")]
        if {sid for sid, _ in ok} and len({sid for sid, _ in ok}) > 1:
            duplicates += 1
        if sum(status == "201" for _, status, _, _ in replies) > 1:
            duplicates += 1
        lost += sum(rows.get(user, (None,))[:2] != (int(sid), state) for sid, state in ok)
        refused += all(status == "409" and state == "activity_full" for _, status, _, state in
                       replies)  # fmt: skip
    confirmed_seats = sum(seats for _, status, seats in rows.values() if status == "confirmed")
    return {
        **_confirmations(prepared),
        "confirmed": states["confirmed"],
        "waitlisted": states["waitlisted"],
        "refused": refused,
        "oversold": max(0, confirmed_seats - args.seats),
        "counter_drift": abs(activity.seats_taken - confirmed_seats),
        "duplicates": duplicates,
        "lost": lost,
        "unanswered": len(prepared["tokens"]) - len(answers),
    }


def _confirmations(prepared: dict) -> dict:
    """What the beat's queue_confirmations makes of the rush: outbox rows and batches."""
    from sqlalchemy import func, select

    from app.activities.services import queue_confirmations
    from app.delivery.models import Delivery, DeliveryBatch
    from app.extensions import db

    queued = queue_confirmations()
    db.session.commit()
    batches = select(DeliveryBatch.id).where(
        DeliveryBatch.source_type == "activity",
        DeliveryBatch.source_id == prepared["activity_id"],
    )
    return {
        "confirmations": queued,
        "confirmation_rows": db.session.scalar(
            select(func.count()).where(Delivery.batch_id.in_(batches))
        ),
        "confirmation_batches": db.session.scalar(
            select(func.count()).select_from(batches.subquery())
        ),
    }


# -- the report ---------------------------------------------------------------------------------


def _report(args, measured: dict, found: dict) -> bool:
    rush: LoadResult = measured["rush"]
    incr: LoadResult = measured["incr"]
    statuses = Counter({**rush.tally.statuses})
    statuses.update(rush.tally.unmeasured)
    server_errors = sum(n for s, n in statuses.items() if not isinstance(s, int) or s >= 500)
    latencies = rush.latencies()
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    ratio = rush.rps / incr.rps if incr.rps else float("nan")
    print(
        f"\nlinli sign-up rush: {os.cpu_count()} cores; gunicorn {args.workers} workers ×"
        f" {args.threads} threads; {args.clients} closed-loop clients in {rush.processes}"
        f" processes; {args.residents} residents for {args.seats} seats (waiting list"
        f" {args.waitlist}); {measured['sent'] - args.residents} second taps"
        f" ({args.retry_share:.0%}, half concurrent)"
    )
    figures = [
        ("confirmed", found["confirmed"], f"= {args.seats}", found["confirmed"] == args.seats),
        ("waitlisted", found["waitlisted"], f"= {args.waitlist}",
         found["waitlisted"] == args.waitlist),
        ("refused (409 activity_full)", found["refused"], "rest",
         found["refused"] == args.residents - args.seats - args.waitlist),
        ("oversold", found["oversold"], "0", found["oversold"] == 0),
        ("seat counter ≠ confirmed rows", found["counter_drift"], "0", found["counter_drift"] == 0),
        ("duplicates", found["duplicates"], "0", found["duplicates"] == 0),
        ("lost (200/201 without its row)", found["lost"], "0", found["lost"] == 0),
        ("报名成功 messages queued after the rush", f"{found['confirmation_rows']} in"
         f" {found['confirmation_batches']} batch(es)", f"= {args.seats}",
         found["confirmation_rows"] == found["confirmed"] == found["confirmations"]),
        ("5xx / transport errors", server_errors, "0", server_errors == 0),
        (f"residents unanswered within {args.seconds:g} s", found["unanswered"]
         + sum(rush.tally.unmeasured.values()), "0",
         found["unanswered"] + sum(rush.tally.unmeasured.values()) == 0),
        ("p50 ms", f"{p50:.0f}", "", True),
        ("p99 ms", f"{p99:.0f}", "≤ 1000", p99 <= 1000),
        ("sign-up req/s ÷ INCR req/s", f"{rush.rps:.0f} / {incr.rps:.0f} = {ratio:.3f}",
         "≥ 0.15", ratio >= 0.15),
    ]  # fmt: skip
    rows = [[name, value, target, "PASS" if ok else "FAIL"] for name, value, target, ok in figures]
    print()
    print(format_table(["figure", "value", "target", ""], rows))
    print(f"\nstatuses: {format_errors(statuses)}; rush took {rush.window:.2f} s")
    me: LoadResult = measured["me"]
    print(
        f"reference, no target: GET /api/v1/me (the log-in check from Redis, then the"
        f" profile from MySQL) {me.rps:.0f} req/s = {me.rps / incr.rps:.3f} × INCR;"
        f" a sign-up costs {me.rps / rush.rps:.2f} × that"
    )
    print(
        f"INCR yardstick: POST {INCR_PATH} does one Redis INCR, no login, no MySQL — the"
        " cheapest seat counter an endpoint can be, on the same gunicorn/Flask/Redis; it is"
        " mounted only in this bench's server (bench/rush_app.py), never in linli."
    )
    print(f"CPU, rush window: {format_cpu(rush)}")
    print(f"CPU, INCR window: {format_cpu(incr)}  (100% = one core)")
    for result in (rush, incr, me):
        if foreign_load(result) > 0.2:
            print(
                f"warning: other work kept {foreign_load(result) * 100:.0f}% of a core busy"
                f" during {result.name}; its figures are low — rerun on a quiet machine"
            )
    return all(ok for *_, ok in figures)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    config = StackConfig(
        database=args.database, redis_db=args.redis_db, workers=args.workers,
        threads=args.threads, keep=args.keep, app="bench.rush_app:app",
    )  # fmt: skip
    answers_dir = tempfile.mkdtemp(prefix="linli-rush-answers-")
    try:
        with Stack(config) as stack:
            print(f"stack up; preparing {args.residents} residents …", file=sys.stderr)
            os.environ.update(stack.settings)  # this process builds the app like the server
            from app import create_app

            with create_app().app_context():
                began = time.monotonic()
                prepared = _prepare(args)
                print(f"prepared in {time.monotonic() - began:.1f} s; rush …", file=sys.stderr)
                measured = _measure(args, stack, prepared, answers_dir)
                found = _analyse(args, prepared, answers_dir)
            passed = _report(args, measured, found)
            if not passed:
                stack.mark_failed()
    except KeyboardInterrupt:
        print("interrupted; stack stopped", file=sys.stderr)
        return 130
    finally:
        if not args.keep:
            shutil.rmtree(answers_dir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
