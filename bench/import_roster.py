"""Benchmark the lease-roster import with the demo community's roster (4,646 flats, ~8,000 people).

Runs in this process against its own database (dropped at the end), no web server:

1. first import into the demo's places (4,646 vacant flats): time, ru_maxrss growth, rows/s;
2. the same first import into a second community with tracemalloc on: Python's peak heap;
3. the same file again (sha256 short-cut), the same rows as csv (full comparison, no write)
   and a "next month" roster (5% of flats gone, 2% new phones);
4. a first import into bare buildings (households and units created, not updated).

    .venv/bin/python bench/import_roster.py [--keep]
"""

from __future__ import annotations

import argparse
import base64
import csv
import dataclasses
import io
import os
import resource
import secrets
import sys
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pymysql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "linli_bench_roster"
REDIS_URL = "redis://127.0.0.1:6379/12"  # progress keys only; 0 is the demo's, 15 the tests'
TARGET_SECONDS, TARGET_MB = 60.0, 300.0


def _sql(statement: str) -> None:
    conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", connect_timeout=5)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _settings() -> dict[str, str]:
    return {
        "DATABASE_URL": f"mysql+pymysql://root:@127.0.0.1:3306/{DATABASE}?charset=utf8mb4",
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "WECHAT_APP_ID": "wx_bench_app",
        "WECHAT_APP_SECRET": secrets.token_hex(16),
        "WECHAT_API_BASE_URL": "http://127.0.0.1:9/",
        "WECHAT_PUSH_TOKEN": secrets.token_hex(16),
        "WECHAT_PUSH_AES_KEY": _key()[:43],
        "DATA_ENCRYPTION_KEY": f"k1:{_key()}",
        "DATA_HASH_KEY": _key(),
        "LOG_LEVEL": "WARNING",
    }


# -- roster files (made in a child process, so their memory is not counted as the import's) ---


def _roster_files() -> dict[str, bytes]:
    from app.demo.residents import generate_roster
    from app.demo.roster_file import demo_roster_bytes, roster_xlsx

    rows = generate_roster()
    flats = list(dict.fromkeys(row.address.flat for row in rows))
    gone = set(flats[::20])  # 5% of flats leave
    next_month = []
    for index, row in enumerate(rows):
        if row.address.flat in gone:
            continue
        if row.phone and index % 50 == 0:  # 2% change phone
            row = dataclasses.replace(row, phone="199" + row.phone[3:])
        next_month.append(row)
    return {"xlsx": demo_roster_bytes(), "csv": _csv(rows), "next": roster_xlsx(next_month)}


def _csv(rows) -> bytes:
    from app.demo.roster_file import ROSTER_HEADER

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ROSTER_HEADER)
    for r in rows:
        a = r.address
        writer.writerow(
            [a.building, a.unit, a.room, r.lease_number, r.lease_start.isoformat(),
             r.lease_end.isoformat(), r.name, r.phone or "", r.relation]
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


# -- steps --------------------------------------------------------------------------------------


def _community(slug: str, with_flats: bool) -> int:
    from app.community.models import Building
    from app.community.services import create_community
    from app.demo.places import RESIDENTIAL_LAYOUT, create_places
    from app.extensions import db

    community = create_community(slug, f"{slug}社区", "北京市")
    if with_flats:
        create_places(community.id)
    else:
        for number in range(1, len(RESIDENTIAL_LAYOUT) + 1):
            db.session.add(
                Building(community_id=community.id, code=str(number), name=f"{number}号楼")
            )
    db.session.commit()
    return community.id


def _timed_import(community_id: int, name: str, content: bytes):
    from app.extensions import db
    from app.roster.services import import_roster_file

    started = time.perf_counter()
    record = import_roster_file(community_id, name, content)
    db.session.commit()
    elapsed = time.perf_counter() - started
    if record.status.value != "done":
        raise SystemExit(f"{name}: {record.status.value} {(record.errors or [])[:5]}")
    return record, elapsed


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _line(label: str, seconds: float, record, extra: str = "") -> None:
    unchanged = record.summary == {"unchanged": True}  # nothing was read: no rate
    rate = "" if unchanged else f"{record.total_rows / seconds:8.0f} rows/s"
    print(f"{label:<44} {seconds:7.2f} s  {rate:>15}  {extra}")
    print(f"{'':<44} summary {record.summary}")


def run(files: dict[str, bytes]) -> bool:
    from app.extensions import db

    demo = _community("beijiao", with_flats=True)
    traced = _community("traced", with_flats=True)
    bare = _community("bare", with_flats=False)
    db.session.remove()
    size_kb = len(files["xlsx"]) / 1024
    print(f"roster: {size_kb:.0f} KiB xlsx; max RSS before the first import {_max_rss_mb():.0f} MB")

    rss_before = _max_rss_mb()
    first, first_s = _timed_import(demo, "demo.xlsx", files["xlsx"])
    rss_growth = _max_rss_mb() - rss_before
    _line("1. first import (4,646 vacant flats)", first_s, first, f"ru_maxrss +{rss_growth:.0f} MB")

    tracemalloc.start()
    traced_record, traced_s = _timed_import(traced, "demo.xlsx", files["xlsx"])
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    _line(
        "2. same, under tracemalloc", traced_s, traced_record, f"tracemalloc peak {peak_mb:.0f} MB"
    )

    same, same_s = _timed_import(demo, "demo-again.xlsx", files["xlsx"])
    _line("3a. same file again (sha256 short-cut)", same_s, same)
    as_csv, csv_s = _timed_import(demo, "demo.csv", files["csv"])
    _line("3b. same rows as csv (compare, no write)", csv_s, as_csv)
    changed, changed_s = _timed_import(demo, "next-month.xlsx", files["next"])
    _line("3c. next month (5% flats gone, 2% phones)", changed_s, changed)
    fresh, fresh_s = _timed_import(bare, "demo.xlsx", files["xlsx"])
    _line("4. first import into bare buildings", fresh_s, fresh)

    ok = first_s < TARGET_SECONDS and max(peak_mb, rss_growth) < TARGET_MB
    verdict = "within" if ok else "OUTSIDE"
    print(
        f"\nfirst import: {first_s:.1f} s (target < {TARGET_SECONDS:.0f} s); tracemalloc peak "
        f"{peak_mb:.0f} MB and ru_maxrss growth {rss_growth:.0f} MB (target < {TARGET_MB:.0f} MB)"
        f": {verdict} target"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    print("generating the demo roster …", flush=True)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        files = pool.submit(_roster_files).result()

    from flask_migrate import upgrade

    from app import create_app

    _sql(f"DROP DATABASE IF EXISTS `{DATABASE}`")
    _sql(f"CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        app = create_app("demo", overrides=_settings())
        with app.app_context():
            upgrade()
            ok = run(files)
    finally:
        if not args.keep:
            _sql(f"DROP DATABASE IF EXISTS `{DATABASE}`")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
