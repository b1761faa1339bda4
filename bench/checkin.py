"""How many badges a second can the door API check in, and how long does one scan take?

    .venv/bin/python bench/checkin.py                       (PostgreSQL at 127.0.0.1:5432, user postgres)
    .venv/bin/python bench/checkin.py --duration 10 --strict --server postgres://postgres@127.0.0.1:5432/postgres

Creates a PostgreSQL database, migrates it, loads one event with enough paid badges that every scan of
the run is a first scan (a distinct badge, as at a real door), serves the app with `uvicorn --workers 2`,
then drives `POST /api/v1/events/{slug}/checkin` with wrk and a Lua script, at 4, 16 and 32 concurrent
scanners. Each scan carries a door token and a nonce, like the scanner page. It prints scans per second,
p50 and p99, and how many answers were `ok`; the database is dropped and every process stopped at the end.

Then the offline door's figure: `--offline` (5,000) queued scans of distinct badges, made "offline" over the
last hour, sent in one `POST …/checkin/batch`, then sent again as a door does when it lost the answer;
it prints scans/s of the first sync and checks that the server holds exactly one entry per badge.

Target (reference/reliability.md §3, ours): at least 1,000 scans/s and p99 under 50 ms at 32 scanners.
wrk and the app share the machine's cores, so compare runs made on the same machine.
"""

from __future__ import annotations

import argparse
import asyncio
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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import PYTHON, ROOT, BenchError, free_port, scratch_database, stop, wait_ready, wrk_figures

sys.path.insert(0, str(ROOT))

LEVELS = (4, 16, 32)
TARGET_RATE = 1000.0
TARGET_P99_MS = 50.0
STARTUP_TIMEOUT = 40.0

LUA = r"""
-- Each wrk thread walks its own slice of the badges: every scan is a first scan of a distinct badge.
-- Nonces start with this run's own prefix: a nonce seen before gets its first answer back (API.md), so
-- a run that reused an earlier run's nonces would measure remembered answers, not scans.
local secrets = {}
for line in io.lines("SECRETS_FILE") do secrets[#secrets + 1] = line end
local threads, count = {}, 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  table.insert(threads, thread)
end

function init(args)
  step = NTHREADS
  index = id - 1
  ok, other, codes = 0, 0, 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer DOOR_TOKEN"
end

function request()
  index = index + step
  local secret = secrets[(index % #secrets) + 1]
  local body = '{"secret":"' .. secret .. '","nonce":"RUN_PREFIX-' .. id .. '-' .. index .. '"}'
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status ~= 200 then codes = codes + 1
  elseif string.find(body, '"status":"ok"', 1, true) then ok = ok + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_other, total_codes = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_other = total_other + thread:get("other")
    total_codes = total_codes + thread:get("codes")
  end
  io.write(string.format("ANSWERS ok=%d other=%d non200=%d\n", total_ok, total_other, total_codes))
end
"""


@dataclass(frozen=True)
class Result:
    scanners: int
    rate: float
    p50_ms: float
    p99_ms: float
    ok: int
    other: int
    non200: int
    socket_errors: str


def _environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "STRIPE_"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        RUN_WORKER_IN_PROCESS="false",
        BASE_URL="http://127.0.0.1",
        ORDER_THROTTLE="0",  # the load comes from one address
        MAX_HELD_PLACES="0",
    )
    return env


async def _load(per_level: int, warm_up: int, levels: int = len(LEVELS)) -> tuple[str, str, list[list[str]]]:
    """One event, one paid order holding every badge, a door token; the secrets, one list per level
    and the warm-up's last."""
    from tortoise import Tortoise

    import main  # noqa: F401  (the route table, for the links in the orders' e-mails)
    from events.accounts.services import create_organiser
    from events.catalogue import offers
    from events.catalogue import services as catalogue
    from events.checkin.tokens import create_door_token
    from events.ticketing import secrets as ticket_secrets
    from events.ticketing.models import Ticket
    from events.ticketing.orders import place_order
    from settings import tortoise_config

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        user = await create_organiser("Pôle Bench", "bench@example.org", secrets.token_urlsafe(16))
        event = await catalogue.create_event(
            user,
            {"title": "Bench check-in", "starts_at": "2031-09-15T09:00:00+02:00",
             "ends_at": "2031-09-15T18:00:00+02:00"},
        )  # fmt: skip
        event = await catalogue.publish_event(user, event)
        pass_type = await offers.create_ticket_type(user, event, {"name": "Pass", "price": "0.00"})
        body = {
            "buyer": {"name": "Bench", "email": "bench@example.org"},
            "tickets": [{"ticket_type": pass_type.id, "attendee": {"name": "Badge 0"}}],
        }
        order = await place_order(event.slug, body)
        key = await ticket_secrets.event_key(event)
        total = per_level * levels + warm_up
        made: list[str] = []
        while len(made) < total:
            batch = [ticket_secrets.issue(key) for _ in range(min(2000, total - len(made)))]
            await Ticket.bulk_create(
                [
                    Ticket(
                        order_id=order.id, event_id=event.id, ticket_type_id=pass_type.id, secret=secret,
                        attendee_name=f"Badge {len(made) + n + 1}", attendee_organisation="Bench",
                        agenda_token=secrets.token_urlsafe(24),
                    )
                    for n, secret in enumerate(batch)
                ]
            )  # fmt: skip
            made += batch
        _created, token = await create_door_token(user, event, {"name": "Bench door"})
    finally:
        await Tortoise.close_connections()
    groups = [made[i * per_level : (i + 1) * per_level] for i in range(levels)]
    return event.slug, token, [*groups, made[-warm_up:]]


def _listeners(port: int, count: int) -> list[socket.socket]:
    """`count` sockets on one port with SO_REUSEPORT: the kernel spreads new connections over them."""
    sockets = []
    for _ in range(count):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(1024)
        listener.set_inheritable(True)
        sockets.append(listener)
    return sockets


@contextmanager
def app_server(env: dict[str, str], workers: int, log: Path, reuse_port: bool) -> Iterator[int]:
    """`uvicorn --workers N` (one shared socket), or N uvicorn processes on SO_REUSEPORT sockets."""
    port = free_port()
    base = [PYTHON, "-m", "uvicorn", "main:app", "--no-access-log", "--log-level", "warning"]
    sockets = _listeners(port, workers) if reuse_port else []
    if sockets:
        # Not `uvicorn --fd`: it takes the descriptor for a UNIX socket, so TCP_NODELAY is never set.
        serve = (
            "import socket, uvicorn; listener = socket.socket(fileno={fd}); "
            "config = uvicorn.Config('main:app', access_log=False, log_level='warning'); "
            "uvicorn.Server(config).run(sockets=[listener])"
        )
        commands = [([PYTHON, "-c", serve.format(fd=s.fileno())], (s.fileno(),)) for s in sockets]
    else:
        shared = ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        commands = [([*base, *shared], ())]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with log.open("wb") as output:
            for command, fds in commands:
                processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                        pass_fds=fds,
                    )
                )
        for listener in sockets:
            listener.close()  # the children hold their own copies
        wait_ready(port, processes, "/healthz", log, STARTUP_TIMEOUT)
        time.sleep(2.0)  # every process up, not only the first to answer
        yield port
    finally:
        for process in processes:
            stop(process, grace=15)


def parse(output: str, scanners: int) -> Result:
    rate, p50, p99 = wrk_figures(output)
    answers = re.search(r"ANSWERS ok=(\d+) other=(\d+) non200=(\d+)", output)
    errors = re.search(r"Socket errors: (.+)", output)
    if not answers:
        raise BenchError(f"unexpected wrk output:\n{output}")
    return Result(
        scanners=scanners,
        rate=rate,
        p50_ms=p50,
        p99_ms=p99,
        ok=int(answers.group(1)),
        other=int(answers.group(2)),
        non200=int(answers.group(3)),
        socket_errors=errors.group(1).strip() if errors else "",
    )


def run_wrk(url: str, token: str, badges: list[str], scanners: int, duration: float, work: Path) -> Result:
    threads = min(2, scanners)
    secrets_file = work / f"secrets-{scanners}.txt"
    secrets_file.write_text("\n".join(badges) + "\n")
    script = work / f"scan-{scanners}.lua"
    lua = LUA.replace("SECRETS_FILE", str(secrets_file)).replace("DOOR_TOKEN", token)
    lua = lua.replace("RUN_PREFIX", secrets.token_hex(6))
    script.write_text(lua.replace("NTHREADS", str(threads)))
    seconds = f"-d{max(1, round(duration))}s"
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{scanners}",
        seconds,
        "--latency",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr}{done.stdout}")
    return parse(done.stdout, scanners)


def baseline(url: str, duration: float) -> tuple[float, float]:
    """The machine's ceiling at this moment: GET /healthz (one SELECT 1) at 32 connections."""
    command = ["wrk", "-t2", "-c32", f"-d{max(1, round(duration))}s", "--latency", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=False)
    rate, _p50, p99 = wrk_figures(done.stdout + done.stderr)
    return rate, p99


def report(results: list[Result], reference: tuple[float, float], args: argparse.Namespace) -> bool:
    serving = (
        f"uvicorn --workers {args.workers}"
        if args.serve == "workers"
        else f"{args.workers} x uvicorn, SO_REUSEPORT"
    )
    print(f"\nCheck-in API, PostgreSQL, {serving}, pool {args.pool}, wrk, {args.duration:g} s per level")
    print(f"{'scanners':>9} {'scans/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ok':>8} {'other':>7} {'non-200':>8}")
    for r in results:
        errors = f"   socket errors: {r.socket_errors}" if r.socket_errors else ""
        figures = f"{r.rate:>9.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.ok:>8} {r.other:>7} {r.non200:>8}"
        print(f"{r.scanners:>9} {figures}{errors}")
    print(f"reference, GET /healthz (one SELECT 1) at 32 connections: {reference[0]:.0f} req/s, "
          f"p99 {reference[1]:.1f} ms")  # fmt: skip
    top = results[-1]
    met = top.rate >= TARGET_RATE and top.p99_ms < TARGET_P99_MS and top.non200 == 0
    verdict = "met" if met else "NOT met"
    target = f">= {TARGET_RATE:.0f} scans/s and p99 < {TARGET_P99_MS:.0f} ms"
    print(f"target at {top.scanners} scanners: {target}: {verdict}")
    return met


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    server = os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    parser.add_argument("--server", default=server, help="a PostgreSQL server URL")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of measurement per level")
    parser.add_argument("--badges", type=int, default=20_000, help="distinct badges per level")
    parser.add_argument("--workers", type=int, default=2, help="app processes")
    parser.add_argument("--pool", type=int, default=4, help="database connections per app process")
    parser.add_argument(
        "--serve",
        choices=["workers", "reuseport"],
        default="workers",
        help="uvicorn --workers (one shared socket) or one uvicorn per SO_REUSEPORT socket",
    )
    parser.add_argument(
        "--offline", type=int, default=5000, help="queued offline scans in the batch (0: none)"
    )
    parser.add_argument("--strict", action="store_true", help="exit with status 3 when the target is not met")
    return parser.parse_args()


def _stop_cleanly(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = _arguments()
    signal.signal(signal.SIGTERM, _stop_cleanly)
    if shutil.which("wrk") is None:
        print("wrk is needed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="colloque-bench-") as folder,
        scratch_database(args.server) as url,
    ):
        work = Path(folder)
        env = _environment(f"{url}?maxsize={args.pool}")
        os.environ.update(env)
        subprocess.run([PYTHON, "main.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.monotonic()
        slug, token, groups = asyncio.run(_load(args.badges, warm_up=3000))
        print(f"loaded {sum(len(g) for g in groups)} badges in {time.monotonic() - started:.1f} s")
        with app_server(env, args.workers, work / "app.log", args.serve == "reuseport") as port:
            endpoint = f"http://127.0.0.1:{port}/api/v1/events/{slug}/checkin"
            run_wrk(endpoint, token, groups[-1], 16, 2.0, work)  # warm-up on badges of its own
            results = [
                run_wrk(endpoint, token, badges, level, args.duration, work)
                for level, badges in zip(LEVELS, groups, strict=False)
            ]
            reference = baseline(f"http://127.0.0.1:{port}/healthz", args.duration)
            offline = offline_sync(port, slug, token, args.offline) if args.offline else None
    met = report(results, reference, args)
    if offline is not None:
        met = report_offline(offline) and met
    print(json.dumps([r.__dict__ for r in results]))
    return 0 if met or not args.strict else 3


# ---------------------------------------------------------------- offline batch


@dataclass(frozen=True)
class OfflineResult:
    scans: int
    seconds: float
    ok_first: int
    same_again: bool
    entries: int


async def _offline_badges(slug: str, count: int) -> list[str]:
    """`count` more paid badges of the event, never scanned: the queue of a door offline all morning."""
    from tortoise import Tortoise

    from events.catalogue.models import Event
    from events.ticketing import secrets as ticket_secrets
    from events.ticketing.models import Ticket
    from settings import tortoise_config

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        event = await Event.get(slug=slug)
        model = await Ticket.filter(event_id=event.id).first()
        assert model is not None
        key = await ticket_secrets.event_key(event)
        made = [ticket_secrets.issue(key) for _ in range(count)]
        await Ticket.bulk_create(
            [
                Ticket(
                    order_id=model.order_id, event_id=event.id, ticket_type_id=model.ticket_type_id,
                    secret=secret, attendee_name=f"Offline {n}", agenda_token=secrets.token_urlsafe(24),
                )
                for n, secret in enumerate(made)
            ],
            batch_size=1000,
        )  # fmt: skip
    finally:
        await Tortoise.close_connections()
    return made


async def _entries(secrets_made: list[str]) -> int:
    from tortoise import Tortoise

    from events.checkin.models import Checkin
    from settings import tortoise_config

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        total = 0
        for start in range(0, len(secrets_made), 500):
            chunk = secrets_made[start : start + 500]
            total += await Checkin.filter(ticket__secret__in=chunk, type="entry").count()
        return total
    finally:
        await Tortoise.close_connections()


def offline_sync(port: int, slug: str, token: str, count: int) -> OfflineResult:
    """One door's queue synced once, then again (the retry must change nothing)."""
    import datetime as dt

    import httpx

    made = asyncio.run(_offline_badges(slug, count))
    start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    step = dt.timedelta(hours=1) / count
    scans = [
        {"secret": secret, "nonce": f"offline-{n}", "scanned_at": (start + n * step).isoformat()}
        for n, secret in enumerate(made)
    ]
    url = f"http://127.0.0.1:{port}/api/v1/events/{slug}/checkin/batch"
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(timeout=600) as client:
        began = time.monotonic()
        first = client.post(url, json={"scans": scans}, headers=headers)
        seconds = time.monotonic() - began
        again = client.post(url, json={"scans": scans}, headers=headers)
    if first.status_code != 200 or again.status_code != 200:
        raise BenchError(f"batch answered {first.status_code} then {again.status_code}: {first.text[:300]}")
    results = first.json()["results"]
    return OfflineResult(
        scans=count,
        seconds=seconds,
        ok_first=sum(1 for r in results if r["status"] == "ok"),
        same_again=again.json()["results"] == results,
        entries=asyncio.run(_entries(made)),
    )


def report_offline(result: OfflineResult) -> bool:
    print(f"\nOffline batch: {result.scans} queued scans synced in {result.seconds:.2f} s, "
          f"{result.scans / result.seconds:.0f} scans/s; ok {result.ok_first}; "
          f"sent again: {'same answers' if result.same_again else 'DIFFERENT answers'}; "
          f"entries held {result.entries} (one per badge: {result.entries == result.scans})")  # fmt: skip
    return result.ok_first == result.scans and result.same_again and result.entries == result.scans


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        sys.exit(2)
