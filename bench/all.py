"""Every speed figure of issue 17 in one run, against the references measured in the same run.

    .venv/bin/python bench/all.py            (about 5 minutes)
    .venv/bin/python bench/all.py --quick    (about 1½ minutes, for development)

On PostgreSQL (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres): one scratch database,
migrated, with the demo (for the event page), an organiser with an event for the checkout, and an
event with enough paid badges that every valid scan is a first scan. Two app processes serve it on
two SO_REUSEPORT sockets, as the check-in bench does (the kernel spreads wrk's connections). Then:

- the bare reference: a bare Starlette app, also two processes, answering the event page's bytes;
- the limit: `GET /healthz` (one `SELECT 1`), the same request with the work replaced by one query;
- the event page, paid orders with thousands of places, 500 buyers racing for 300 places, and
  valid, repeated and forged scans at 32 scanners;
- the resident memory of every app process at the end.

It prints one table: each figure, its reference and ratio, its goal and whether it is met. The
machine's two cores are shared by PostgreSQL, the app and the load tools: read each figure against the
references of the same run. Exit status: 0, or 3 with `--strict` when a goal is not met.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import checkin
import checkout
import pages
from harness import PYTHON, ROOT, BenchError, free_port, get, scratch_database, stop, wait_ready

sys.path.insert(0, str(ROOT))

SCANNERS = 32
RSS_GOAL_MB = 150.0
ORGANISER = {"email": "checkout@example.org", "password": secrets.token_urlsafe(16)}


@dataclass(frozen=True)
class Row:
    name: str
    rate: float
    p50_ms: float
    p99_ms: float
    note: str = ""


@dataclass(frozen=True)
class Goal:
    text: str
    met: bool


def _listeners(port: int, count: int) -> list[socket.socket]:
    return checkin._listeners(port, count)


@contextmanager
def serve(
    target: str, app_dir: Path, env: dict[str, str], log: Path, ready: str
) -> Iterator[tuple[int, list[int]]]:
    """Two uvicorn processes of `target` on SO_REUSEPORT sockets; yields the port and their pids."""
    port = free_port()
    sockets = _listeners(port, 2)
    serve_code = (
        "import socket, sys, uvicorn; sys.path.insert(0, {dir!r}); listener = socket.socket(fileno={fd}); "
        "config = uvicorn.Config({target!r}, access_log=False, log_level='warning'); "
        "uvicorn.Server(config).run(sockets=[listener])"
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with log.open("wb") as output:
            for listener in sockets:
                code = serve_code.format(dir=str(app_dir), fd=listener.fileno(), target=target)
                processes.append(
                    subprocess.Popen(
                        [PYTHON, "-c", code], cwd=app_dir, env=env, stdout=output, stderr=subprocess.STDOUT,
                        start_new_session=True, pass_fds=(listener.fileno(),),
                    )
                )  # fmt: skip
        for listener in sockets:
            listener.close()
        wait_ready(port, processes, ready, log, 40.0)
        time.sleep(1.5)  # both processes up, not only the first to answer
        yield port, [p.pid for p in processes]
    finally:
        for process in processes:
            stop(process, grace=15)


def wrk_get(url: str, seconds: int, warmup: int) -> Row:
    base = ["wrk", "-t2", f"-c{SCANNERS}"]
    if warmup:
        subprocess.run([*base, f"-d{warmup}s", url], check=True, capture_output=True, timeout=warmup + 30)
    done = subprocess.run(
        [*base, f"-d{seconds}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    result = pages.parse_wrk(done.stdout)
    return Row(url, result.requests_per_s, result.p50_ms, result.p99_ms, result.errors)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _environment(database_url: str) -> dict[str, str]:
    env = checkin._environment(f"{database_url}?maxsize={os.environ.get('BENCH_POOL', '4')}")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def prepare(env: dict[str, str], badges: int) -> tuple[str, str, list[list[str]]]:
    """Migrate, the demo, the checkout organiser, the door's badges; the door's slug, token, badges."""
    pages.load_demo(env)
    organiser = ["create-organiser", "--organisation", "Checkout", "--email", ORGANISER["email"],
                 "--password", ORGANISER["password"]]  # fmt: skip
    subprocess.run([PYTHON, "main.py", *organiser], cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update(env)
    return asyncio.run(checkin._load(badges, warm_up=2000, levels=1))


@dataclass(frozen=True)
class Sale:
    paid: Row
    """Paid orders per second."""
    attempts: Row
    """Answers per second, whatever they were."""
    outcomes: dict[str, int]
    clean: bool
    """Sold exactly the capacity, and every other answer a 409 sold_out."""


def orders(port: int, capacity: int, attempts: int) -> Sale:
    slug, type_id = asyncio.run(checkout.setup(port, capacity, ORGANISER))
    outcomes, latencies, seconds = asyncio.run(checkout.load(port, slug, type_id, SCANNERS, attempts))
    p50, p99 = checkout.percentile(latencies, 0.5), checkout.percentile(latencies, 0.99)
    sold = outcomes["201 ok"]
    clean = sold == min(capacity, attempts) and set(outcomes) <= {"201 ok", "409 sold_out"}
    name = f"{attempts} orders for {capacity} places"
    return Sale(
        Row(name, sold / seconds, p50, p99),
        Row(name, len(latencies) / seconds, p50, p99),
        dict(outcomes),
        clean,
    )


def scans(port: int, token: str, slug: str, badges: list[str], seconds: int, work: Path) -> checkin.Result:
    url = f"http://127.0.0.1:{port}/api/v1/events/{slug}/checkin"
    return checkin.run_wrk(url, token, badges, SCANNERS, seconds, work)


def forged(count: int) -> list[str]:
    """Well-formed secrets that no key signed: refused on the signature, before any query."""
    return [secrets.token_urlsafe(64) for _ in range(count)]


def _valid_met(valid: checkin.Result) -> bool:
    return valid.rate >= 1500 and valid.p99_ms < 40 and valid.other == 0 and valid.non200 == 0


def run(args: argparse.Namespace, work: Path) -> tuple[list[tuple[str, Row, str, Goal | None]], list[float]]:
    seconds, warmup = (3, 1) if args.quick else (10, 2)
    capacity, attempts = (600, 700) if args.quick else (3000, 3600)
    badges = 10_000 if args.quick else 40_000  # more than a run scans: each valid scan is a first scan
    lines: list[tuple[str, Row, str, Goal | None]] = []
    with scratch_database(args.server) as url:
        env = _environment(url)
        started = time.monotonic()
        door_slug, token, groups = prepare(env, badges)
        print(f"prepared in {time.monotonic() - started:.0f} s", flush=True)
        with serve("main:app", ROOT, env, work / "app.log", "/healthz") as (port, pids):
            status, body = get(port, pages.DEMO_PATH)
            if status != 200:
                raise BenchError(f"GET {pages.DEMO_PATH} answered {status}")
            bare_dir = work / "bare"
            bare_dir.mkdir()
            (bare_dir / "bare_app.py").write_text(pages.BARE_APP, encoding="utf-8")
            (bare_dir / "body.html").write_bytes(body)
            with serve("bare_app:app", bare_dir, env, work / "bare.log", "/") as (bare_port, _bare):
                print("bare reference…", flush=True)
                bare = wrk_get(f"http://127.0.0.1:{bare_port}/", seconds, warmup)
            print("limit: /healthz…", flush=True)
            limit = wrk_get(f"http://127.0.0.1:{port}/healthz", seconds, warmup)
            print("event page…", flush=True)
            page = wrk_get(f"http://127.0.0.1:{port}{pages.DEMO_PATH}", seconds, warmup)
            print("orders…", flush=True)
            sale = orders(port, capacity, attempts)
            print("race…", flush=True)
            race = orders(port, 300, 500)
            print("scans…", flush=True)
            inside = groups[-1][
                :100
            ]  # warm-up on badges of its own, which the repeated scans then meet again
            scans(port, token, door_slug, inside, max(1, warmup), work)
            valid = scans(port, token, door_slug, groups[0], seconds, work)
            repeated = scans(port, token, door_slug, inside, seconds, work)
            fakes = scans(port, token, door_slug, forged(5000), seconds, work)
            memory = [rss_mb(pid) for pid in pids]
    ref = f"bare {bare.rate:.0f}/s p99 {bare.p99_ms:.1f} ms"
    lim = f"SELECT 1 {limit.rate:.0f}/s p99 {limit.p99_ms:.1f} ms"
    # The rule for a goal beyond the machine: at least 80 % of the same request with one
    # SELECT 1 in place of the work (/healthz), with a tail no longer than that request's.
    near_bare = page.rate >= 0.4 * bare.rate and page.p99_ms <= 3 * bare.p99_ms
    near_limit = page.rate >= 0.8 * limit.rate and page.p99_ms <= max(3 * bare.p99_ms, limit.p99_ms)
    page_goal = Goal("≥ 40 % of bare, p99 ≤ 3 × bare; or ≥ 80 % of SELECT 1", near_bare or near_limit)
    page_note = (
        f"{100 * page.rate / bare.rate:.1f} % of {ref}; {100 * page.rate / limit.rate:.0f} % of SELECT 1"
    )
    lines.append(("event page", page, page_note, page_goal))
    lines.append(("bare Starlette (reference)", bare, "", None))
    lines.append(("GET /healthz (limit)", limit, "", None))
    paid_goal = Goal("≥ 300 paid/s, sold == capacity, 0 errors", sale.paid.rate >= 300 and sale.clean)
    paid_note = f"{100 * sale.paid.rate / limit.rate:.1f} % of {lim}; {sale.outcomes}"
    lines.append(("paid orders/s", sale.paid, paid_note, paid_goal))
    race_met = race.attempts.rate >= 300 and race.attempts.p99_ms < 200 and race.clean
    race_goal = Goal("≥ 300 attempts/s, p99 < 200 ms, sold 300", race_met)
    lines.append(("500 buyers for 300 places", race.attempts, f"{race.outcomes}", race_goal))
    for name, result, goal in (
        ("valid scans", valid, Goal("≥ 1,500/s, p99 < 40 ms, all ok", _valid_met(valid))),
        ("repeated scans", repeated, None),
        ("forged scans", fakes, Goal("≥ 3,000/s", fakes.rate >= 3000)),
    ):  # fmt: skip
        row = Row(name, result.rate, result.p50_ms, result.p99_ms)
        share = 100 * result.rate / limit.rate
        note = f"ok {result.ok}, other {result.other}, non-200 {result.non200}; {share:.0f} % of SELECT 1"
        lines.append((name, row, note, goal))
    return lines, memory


def report(lines: list[tuple[str, Row, str, Goal | None]], memory: list[float]) -> bool:
    print(
        f"\nPostgreSQL, 2 app processes (SO_REUSEPORT), wrk/buyers at {SCANNERS} connections, "
        f"{os.cpu_count()} CPUs shared"
    )
    print(f"{'figure':<28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  {'goal':<56}{'met':<5} reference / answers")
    met_all = True
    for name, row, note, goal in lines:
        verdict = "" if goal is None else ("yes" if goal.met else "NO")
        met_all = met_all and (goal is None or goal.met)
        text = "" if goal is None else goal.text
        print(
            f"{name:<28}{row.rate:>9.0f}{row.p50_ms:>9.1f}{row.p99_ms:>9.1f}  {text:<56}{verdict:<5} {note}"
        )
    rss_met = all(mb < RSS_GOAL_MB for mb in memory)
    figures = ", ".join(f"{mb:.0f} MB" for mb in memory)
    print(
        f"{'app RSS after the run':<28}{figures:>27}  {'< 150 MB per process':<44}"
        f"{'yes' if rss_met else 'NO':<5}"
    )
    return met_all and rss_met


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    server = os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parser.add_argument("--server", default=server, help="a PostgreSQL server URL")
    parser.add_argument("--quick", action="store_true", help="short runs, for development")
    parser.add_argument("--strict", action="store_true", help="exit with status 3 when a goal is not met")
    return parser.parse_args()


def _stop_cleanly(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = _arguments()
    signal.signal(signal.SIGTERM, _stop_cleanly)
    if shutil.which("wrk") is None:
        print("wrk is needed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="colloque-bench-") as folder:
        lines, memory = run(args, Path(folder))
    met = report(lines, memory)
    print(f"total {time.monotonic() - started:.0f} s")
    return 0 if met or not args.strict else 3


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        sys.exit(2)
