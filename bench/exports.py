"""How fast are the attendee exports, and does the server's memory stay flat while it streams them?

    .venv/bin/python bench/exports.py              (10,000 and 100,000 attendees)
    .venv/bin/python bench/exports.py --sizes 2000 (a quick run while developing)
    .venv/bin/python bench/exports.py --sizes 10000 --search-only --postgres postgres://host:5432/postgres

Builds a temporary SQLite database (or a scratch PostgreSQL one) with one event per size (ten
attendees per order, one answer per attendee), serves the app with uvicorn (one process), and
downloads the attendee export as CSV and as XLSX through HTTP. For each download it prints rows/s and
the server process's peak RSS growth above its level before the download (sampled from /proc every
20 ms). Then it times the attendee search at the first size (200 searches, p50/p99, and the server's
CPU time per search, which load on the machine does not swell). Targets: 100,000 rows CSV < 10 s,
XLSX < 60 s, RSS growth < 50 MB, search p99 < 50 ms. Every process started here is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from harness import PYTHON, ROOT, free_port, scratch_database, stop, wait_ready

sys.path.insert(0, str(ROOT))

PASSWORD = secrets.token_urlsafe(16)
EMAIL = "bench-exports@example.org"
PER_ORDER = 10
SEARCHES = 200
TARGETS = {"csv": 10.0, "xlsx": 60.0}
RSS_TARGET_MB = 50.0
SEARCH_P99_MS = 50.0
FIRST = ["Élodie", "Ahmed", "李", "Søren", "Maria", "Jean-Baptiste", "Zoé", "Yūki"]
LAST = ["Durand", "Benali", "小龙", "Ærø", "Иванова", "Lefèvre", "Martin", "Tanaka"]


def _environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "STRIPE_"))}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        RUN_WORKER_IN_PROCESS="false",
        BASE_URL="http://127.0.0.1",
        ORDER_THROTTLE="0",
    )
    return env


async def _load(sizes: list[int]) -> list[str]:
    """One event per size, its attendees written in bulk; the events' slugs."""
    from tortoise import Tortoise

    from events.accounts.services import create_organiser
    from events.catalogue import offers
    from events.catalogue import services as catalogue
    from settings import tortoise_config

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    slugs: list[str] = []
    try:
        user = await create_organiser("Pôle Bench", EMAIL, PASSWORD)
        for size in sizes:
            event = await catalogue.create_event(
                user,
                {"title": f"Bench exports {size}", "starts_at": "2031-09-15T09:00:00+02:00",
                 "ends_at": "2031-09-15T18:00:00+02:00"},
            )  # fmt: skip
            kind = await offers.create_ticket_type(user, event, {"name": "Pass", "price": "0.00"})
            question = await offers.create_question(user, event, {"label": "Régime", "kind": "text"})
            for start in range(0, size, 2000):
                await _batch(event.id, kind.id, str(question.id), start, min(2000, size - start))
            slugs.append(event.slug)
    finally:
        await Tortoise.close_connections()
    return slugs


async def _batch(event_id: int, type_id: int, question: str, start: int, count: int) -> None:
    from events.ticketing.models import Order, OrderStatus, Ticket

    orders = [
        Order(
            event_id=event_id, code=secrets.token_hex(6).upper(), secret=secrets.token_urlsafe(32),
            status=OrderStatus.PAID, buyer_name="Acheteur", buyer_email="buyer@example.org",
        )
        for _ in range(count // PER_ORDER + 1)
    ]  # fmt: skip
    await Order.bulk_create(orders)
    made = await Order.filter(code__in=[o.code for o in orders]).order_by("id").values_list("id", flat=True)
    tickets = [
        Ticket(
            order_id=made[(n - start) // PER_ORDER], event_id=event_id, ticket_type_id=type_id,
            secret=secrets.token_urlsafe(32),
            attendee_name=f"{FIRST[n % len(FIRST)]} {LAST[(n // 8) % len(LAST)]} {n}",
            attendee_email=f"p{n}@example.org", attendee_organisation=f"Labo {n % 97}",
            answers={question: "végétarien"}, agenda_token=secrets.token_urlsafe(24),
        )
        for n in range(start, start + count)
    ]  # fmt: skip
    await Ticket.bulk_create(tickets)


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@contextmanager
def _peak_rss(pid: int) -> Iterator[dict[str, int]]:
    """The process's RSS before, and its peak while the block runs (kB)."""
    figures = {"before": _rss_kb(pid), "peak": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            figures["peak"] = max(figures["peak"], _rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield figures
    finally:
        done.set()
        sampler.join()


def _request(port: int, method: str, path: str, token: str = "", body: bytes | None = None) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return data
    finally:
        connection.close()


def _token(port: int) -> str:
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    return str(json.loads(_request(port, "POST", "/api/v1/auth/token", body=body))["token"])


def _export(port: int, pid: int, token: str, slug: str, size: int, fmt: str) -> bool:
    with _peak_rss(pid) as rss:
        started = time.perf_counter()
        data = _request(port, "GET", f"/api/v1/events/{slug}/exports/attendees.{fmt}", token)
        elapsed = time.perf_counter() - started
    growth = max(0, rss["peak"] - rss["before"]) / 1024
    ok = (size < 100_000 or elapsed < TARGETS[fmt]) and growth < RSS_TARGET_MB
    print(
        f"{fmt:4} {size:>7,} rows  {elapsed:6.2f} s  {size / elapsed:>9,.0f} rows/s  "
        f"{len(data) / 1e6:6.1f} MB  RSS +{growth:5.1f} MB  {'ok' if ok else 'MISSED'}"
    )
    return ok


def _cpu_ms(pid: int) -> float:
    """CPU time the process used so far (user + system), in ms: unlike wall time, not swollen by load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _search(port: int, pid: int, token: str, slug: str, size: int) -> bool:
    terms = ["dur", "p42@example.org", "Labo 5", "zoé", "elodie", "ivanova", "absent-name"]
    timings = []
    cpu_before = _cpu_ms(pid)
    for n in range(SEARCHES):
        path = f"/api/v1/events/{slug}/attendees?q={terms[n % len(terms)]}&limit=50"
        if n % 3 == 0:
            path = f"/api/v1/events/{slug}/attendees?sort=name&limit=50"
        started = time.perf_counter()
        _request(port, "GET", path.replace(" ", "%20").replace("é", "%C3%A9"), token)
        timings.append((time.perf_counter() - started) * 1000)
    cpu = (_cpu_ms(pid) - cpu_before) / SEARCHES
    timings.sort()
    p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99) - 1]
    ok = p99 < SEARCH_P99_MS
    print(
        f"search at {size:,} attendees: p50 {p50:.1f} ms  p99 {p99:.1f} ms  "
        f"server CPU {cpu:.1f} ms/search  {'ok' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--search-only", action="store_true", help="time the search, skip the exports")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server to make a scratch database on")
    args = parser.parse_args()
    with ExitStack() as stack:
        work = stack.enter_context(tempfile.TemporaryDirectory(prefix="colloque-bench-exports-"))
        database = stack.enter_context(scratch_database(args.postgres)) if args.postgres else None
        env = _environment(database or f"sqlite://{work}/bench.sqlite3")
        os.environ.update(env)
        subprocess.run([PYTHON, "main.py", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        started = time.perf_counter()
        slugs = asyncio.run(_load(args.sizes))
        print(f"loaded {sum(args.sizes):,} attendees in {time.perf_counter() - started:.1f} s")
        port = free_port()
        log = Path(work) / "server.log"
        command = [
            PYTHON,
            "-m",
            "uvicorn",
            "main:app",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        with log.open("wb") as output:
            server = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            wait_ready(port, [server], "/healthz", log)
            token = _token(port)
            ok = _search(port, server.pid, token, slugs[0], args.sizes[0])
            for slug, size in zip(slugs, args.sizes, strict=True) if not args.search_only else ():
                for fmt in ("csv", "xlsx"):
                    ok = _export(port, server.pid, token, slug, size, fmt) and ok
        finally:
            stop(server)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
