"""Benchmark one notice fanned out to every occupant of the demo community through the emulator.

8,000 residents (users with openids, members, bound to the occupants' flats), 90 % of them with
one credit (here and at the emulator); the emulator fails 2 % of sends with HTTP 503, lets 1 %
run past the WeChat timeout and answers 1 % with errcode -1. One `enqueue_batch` + commit, then
Celery workers send under the global rate limit. Prints the issue's figures with their targets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from harness import HttpClient, Stack, StackConfig, format_table

PATH = "cgi-bin/message/subscribe/send"
TEMPLATE_ID = "tmpl_bench_notice"
FIELDS = {"thing1": "thing", "time2": "time", "thing3": "thing"}
MAPPING = {"thing1": "title", "time2": "published_at", "thing3": "=北焦社区居委会"}
NICK = "fanout-bench-"


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    add = parser.add_argument
    add("--people", type=int, default=8000, help="recipients (default 8000)")
    add("--rate", type=float, default=200, help="DELIVERY_RATE_LIMIT_PER_SECOND (default 200)")
    add("--threads", type=int, default=16, help="sending threads per worker process")
    add("--credit-share", type=float, default=0.9, help="share with a credit (default 0.9)")
    add("--timeout", type=float, default=5, help="WECHAT_TIMEOUT_SECONDS (default 5)")
    add("--database", default="linli_bench_fanout")
    add("--redis-db", type=int, default=13, help="flushed at the start (default 13)")
    add("--seed", type=int, default=4)
    add("--keep", action="store_true", help="keep the database and the logs")
    return parser.parse_args(argv)


# -- preparing the people -----------------------------------------------------------------------


def _prepare(args, stack: Stack) -> dict:
    """Users, openids, memberships and bindings for the occupants; credits for most of them."""
    from sqlalchemy import delete, insert, select

    from app.accounts.models import (
        BindingMethod,
        HouseholdMember,
        Membership,
        User,
        WeChatIdentity,
    )
    from app.community.models import Community, Occupant
    from app.extensions import db
    from app.subscriptions.models import SubscribeCredit, SubscribeTemplate, TemplatePurpose

    community = db.session.scalar(select(Community).where(Community.slug == "beijiao"))
    occupants = db.session.execute(
        select(Occupant.id, Occupant.household_id)
        .where(Occupant.community_id == community.id)
        .order_by(Occupant.id)
        .limit(args.people)
    ).all()
    if len(occupants) < args.people:
        raise SystemExit(f"the demo community has only {len(occupants)} occupants")
    db.session.execute(insert(User), [{"nickname": f"{NICK}{n}"} for n in range(args.people)])
    user_ids = list(
        db.session.scalars(select(User.id).where(User.nickname.like(f"{NICK}%")).order_by(User.id))
    )
    appid = stack.settings["WECHAT_APP_ID"]
    openids = {uid: f"o_fanout_{uid}" for uid in user_ids}
    db.session.execute(
        insert(WeChatIdentity),
        [{"user_id": u, "appid": appid, "openid": openids[u]} for u in user_ids],
    )
    db.session.execute(
        insert(Membership), [{"community_id": community.id, "user_id": u} for u in user_ids]
    )
    pairs = list(zip(user_ids, occupants, strict=True))
    db.session.execute(
        insert(HouseholdMember),
        [
            {
                "community_id": community.id,
                "household_id": occ.household_id,
                "user_id": u,
                "occupant_id": occ.id,
                "method": BindingMethod.PHONE_MATCH,
            }
            for u, occ in pairs
        ],
    )
    credited = set(
        random.Random(args.seed).sample(user_ids, round(args.people * args.credit_share))
    )
    db.session.execute(
        insert(SubscribeCredit),
        [
            {"community_id": community.id, "user_id": u, "template_id": TEMPLATE_ID, "count": 1}
            for u in sorted(credited)
        ],
    )
    # The demo seeds a notice template of its own; the bench's replaces it (same purpose).
    db.session.execute(
        delete(SubscribeTemplate).where(
            SubscribeTemplate.community_id == community.id,
            SubscribeTemplate.purpose == TemplatePurpose.NOTICE,
        )
    )
    db.session.add(
        SubscribeTemplate(
            community_id=community.id,
            purpose=TemplatePurpose.NOTICE,
            template_id=TEMPLATE_ID,
            title="社区通知",
            fields=FIELDS,
            mapping=MAPPING,
            page="pages/notice/detail",
        )
    )
    db.session.commit()
    return {
        "community_id": community.id,
        "recipients": [(u, occ.household_id) for u, occ in pairs],
        "credited_openids": [openids[u] for u in sorted(credited)],
    }


def _emulator(stack: Stack) -> HttpClient:
    host, port = stack.emulator_url.removeprefix("http://").split(":")
    return HttpClient(host, int(port), timeout=60)


def _grant_at_emulator(stack: Stack, openids: list[str]) -> None:
    """The emulator's side of the credits, over 8 keep-alive connections."""
    _post(stack, "/__emulator__/templates", {"template_id": TEMPLATE_ID, "fields": FIELDS})

    def grant(part: list[str]) -> None:
        client = _emulator(stack)
        for openid in part:
            body = {"openid": openid, "template_id": TEMPLATE_ID, "count": 1}
            status, _ = client.post_json("/__emulator__/credits", body)
            if status != 200:
                raise RuntimeError(f"emulator refused a credit: {status}")
        client.close()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(grant, [openids[i::8] for i in range(8)]))


def _post(stack: Stack, path: str, body: dict) -> dict:
    client = _emulator(stack)
    status, answer = client.post_json(path, body)
    client.close()
    if status != 200:
        raise RuntimeError(f"emulator {path}: {status} {answer}")
    return answer


def _faults(args, stack: Stack) -> None:
    """2 % HTTP 503, 1 % slower than the WeChat timeout, 1 % errcode -1 (of all sends).

    The emulator checks rules in order and the first that fires wins, so each later
    probability is conditional on the earlier ones not firing.
    """
    slow = args.timeout + 1.0
    rules = [
        {"kind": "http", "status": 503, "probability": 0.02},
        {"kind": "slow", "delay": slow, "probability": 0.01 / 0.98},
        {"kind": "errcode", "errcode": -1, "probability": 0.01 / 0.97},
    ]
    for n, rule in enumerate(rules):
        _post(stack, "/__emulator__/faults", {"path": PATH, "seed": args.seed + n, **rule})


def _send_records(stack: Stack) -> list[dict]:
    client = _emulator(stack)
    status, answer = client.send("GET", f"/__emulator__/requests?path={PATH}")
    client.close()
    if status != 200:
        raise RuntimeError(f"emulator records: {status}")
    return json.loads(answer)["items"]


# -- the run --------------------------------------------------------------------------------------


def _fan_out(args, prepared: dict) -> dict:
    from app.delivery.services import Recipient, batch_progress, enqueue_batch
    from app.extensions import db
    from app.subscriptions.models import TemplatePurpose

    recipients = [Recipient(u, h) for u, h in prepared["recipients"]]
    started = time.perf_counter()
    batch = enqueue_batch(
        community_id=prepared["community_id"],
        purpose=TemplatePurpose.NOTICE,
        source_type="notice",
        source_id=1,
        recipients=recipients,
        values={"title": "3号楼二次供水设施清洗停水通知", "published_at": datetime.now(UTC)},
    )
    db.session.commit()
    queued = time.perf_counter() - started
    deadline = started + max(180.0, 3 * args.people / args.rate)
    progress = batch_progress(batch.id)
    while time.perf_counter() < deadline:
        db.session.rollback()  # a fresh snapshot
        progress = batch_progress(batch.id)
        if progress["queued"] + progress["sending"] == 0:
            break
        time.sleep(0.1)
    finished = time.perf_counter() - started
    return {"batch_id": batch.id, "queue_s": queued, "finish_s": finished, "progress": progress}


def max_in_window(times: list[float], window: float = 1.0) -> int:
    times, best, start = sorted(times), 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def _analyse(args, run: dict, records: list[dict]) -> dict:
    from sqlalchemy import func, select

    from app.delivery.models import FINAL_STATUSES, Delivery
    from app.extensions import db

    rows = Counter(
        dict(
            db.session.execute(
                select(Delivery.status, func.count())
                .where(Delivery.batch_id == run["batch_id"])
                .group_by(Delivery.status)
            ).all()
        )
    )
    attempts = Counter(
        dict(
            db.session.execute(
                select(Delivery.attempts, func.count())
                .where(Delivery.batch_id == run["batch_id"])
                .group_by(Delivery.attempts)
            ).all()
        )
    )
    not_final = sum(n for s, n in rows.items() if s not in FINAL_STATUSES)
    missing = args.people - sum(rows.values())
    delivered = Counter(r["body"]["touser"] for r in records if r["errcode"] == 0)
    faults = Counter(r["fault"]["kind"] for r in records if r["fault"])
    return {
        "rows": rows,
        "attempts": attempts,
        "without_one_final": not_final + missing,
        "max_window": max_in_window([r["at"] for r in records]),
        "duplicates": sum(n - 1 for n in delivered.values()),
        "ambiguous": faults["slow"],
        "faults": faults,
        "calls": len(records),
    }


def _report(args, run: dict, found: dict) -> bool:
    print(
        f"\nlinli fan-out bench: {os.cpu_count()} cores; 1 Celery worker, 2 processes ×"
        f" {args.threads} sending threads; rate limit {args.rate:g}/s; WeChat timeout"
        f" {args.timeout:g} s; {args.people} recipients, {args.credit_share:.0%} with a credit;"
        " faults: 2 % HTTP 503, 1 % slow past the timeout, 1 % errcode -1"
    )
    ideal = args.people / args.rate
    ratio = run["finish_s"] / ideal
    figures = [
        (
            "time to queue (enqueue + commit)",
            f"{run['queue_s']:.2f} s",
            "≤ 3 s",
            run["queue_s"] <= 3,
        ),
        (
            f"time to finish ÷ ({args.people} ÷ {args.rate:g}/s = {ideal:.0f} s)",
            f"{run['finish_s']:.1f} s → {ratio:.3f}",
            "≤ 1.25",
            ratio <= 1.25,
        ),
        (
            "most sends in any 1-s window at the emulator",
            str(found["max_window"]),
            f"≤ {args.rate:g}",
            found["max_window"] <= args.rate,
        ),
        (
            "recipients without exactly one final state",
            str(found["without_one_final"]),
            "0",
            found["without_one_final"] == 0,
        ),
        (
            "duplicates (one openid sent twice, errcode 0)",
            str(found["duplicates"]),
            f"≤ ambiguous timeouts ({found['ambiguous']})",
            found["duplicates"] <= found["ambiguous"],
        ),
    ]
    rows = [[name, value, target, "PASS" if ok else "FAIL"] for name, value, target, ok in figures]
    print()
    print(format_table(["figure", "value", "target", ""], rows))
    statuses = ", ".join(f"{s.value} {n}" for s, n in sorted(found["rows"].items()))
    print(f"\nrows: {statuses}")
    print(f"attempts per row: {dict(sorted(found['attempts'].items()))}")
    faults = ", ".join(f"{k} {n}" for k, n in sorted(found["faults"].items()))
    print(f"calls to {PATH}: {found['calls']}; faults injected: {faults}")
    return all(ok for *_, ok in figures)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    env = {
        "DELIVERY_RATE_LIMIT_PER_SECOND": str(args.rate),
        "DELIVERY_SEND_THREADS": str(args.threads),
        "WECHAT_TIMEOUT_SECONDS": str(args.timeout),
        "DB_POOL_SIZE": str(args.threads + 4),
    }
    config = StackConfig(
        database=args.database,
        redis_db=args.redis_db,
        workers=1,  # the API is idle in this bench
        threads=2,
        keep=args.keep,
        celery_worker=True,
        env=env,
    )
    try:
        with Stack(config) as stack:
            print(f"stack up; preparing {args.people} residents …", file=sys.stderr)
            os.environ.update(stack.settings)  # this process builds the app like the workers
            from app import create_app

            flask_app = create_app()
            with flask_app.app_context():
                prepared = _prepare(args, stack)
                _grant_at_emulator(stack, prepared["credited_openids"])
                _faults(args, stack)
                print("fanning out …", file=sys.stderr)
                run = _fan_out(args, prepared)
                found = _analyse(args, run, _send_records(stack))
            passed = _report(args, run, found)
            if not passed:
                stack.mark_failed()  # keep the logs
    except KeyboardInterrupt:
        print("interrupted; stack stopped", file=sys.stderr)
        return 130
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
