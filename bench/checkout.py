"""How many registrations a second, and does anyone get a place that does not exist?

    .venv/bin/python bench/checkout.py [--buyers 32] [--capacity 3000] [--attempts 3600]

On PostgreSQL (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres): creates a scratch
database, migrates it, serves the app with two uvicorn processes on 127.0.0.1, creates an organiser, an
event and a ticket type of `capacity` places through the API, then `buyers` concurrent clients post
`attempts` orders as fast as they can (keep-alive HTTP/1.1, a minimal client so that the load
generator costs little CPU on this small machine). Prints orders/s, p50/p99 latency, and the oversell
check: places sold must equal the capacity, every other answer must be 409 sold_out. Everything is
stopped and the scratch database dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter

from harness import ROOT, free_port, scratch_database, stop, wait_ready

TARGET = 300.0


class Connection:
    """A keep-alive HTTP/1.1 connection that posts JSON and reads the answer."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: object | None = None,
                      headers: dict[str, str] | None = None) -> tuple[int, bytes]:  # fmt: skip
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(payload)}",
                 "Content-Type: application/json"]  # fmt: skip
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


ORGANISER = {"email": "bench@example.org", "password": "bench password 2027"}


async def setup(port: int, capacity: int, organiser: dict[str, str] = ORGANISER) -> tuple[str, int]:
    http = Connection(port)
    status, body = await http.request("POST", "/api/v1/auth/token", organiser)
    assert status == 201, body
    auth = {"Authorization": f"Bearer {json.loads(body)['token']}"}
    event = {"title": "Bench Forum", "starts_at": "2030-06-01T09:00", "ends_at": "2030-06-01T18:00"}
    status, body = await http.request("POST", "/api/v1/events", event, auth)
    assert status == 201, body
    slug = json.loads(body)["slug"]
    status, body = await http.request(
        "POST", f"/api/v1/events/{slug}/ticket-types", {"name": "Pass", "capacity": capacity}, auth
    )
    assert status == 201, body
    type_id = json.loads(body)["id"]
    status, body = await http.request("POST", f"/api/v1/events/{slug}/publish", None, auth)
    assert status == 200, body
    http.close()
    return slug, type_id


def order(type_id: int, n: int) -> dict[str, object]:
    return {
        "buyer": {"name": f"Buyer {n}", "email": f"buyer{n}@bench.example.org"},
        "tickets": [{"ticket_type": type_id, "attendee": {"name": f"Attendee {n}"}}],
        "locale": "en",
    }


async def load(
    port: int, slug: str, type_id: int, buyers: int, attempts: int
) -> tuple[Counter[str], list[float], float]:
    counter = iter(range(attempts))
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []

    async def buyer() -> None:
        http = Connection(port)
        for n in counter:
            started = time.perf_counter()
            status, body = await http.request("POST", f"/api/v1/events/{slug}/orders", order(type_id, n))
            latencies.append((time.perf_counter() - started) * 1000)
            code = json.loads(body)["error"]["code"] if status >= 400 else "ok"
            outcomes[f"{status} {code}"] += 1
        http.close()

    started = time.perf_counter()
    await asyncio.gather(*(buyer() for _ in range(buyers)))
    return outcomes, latencies, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(args: argparse.Namespace) -> int:
    server = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with scratch_database(server) as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": f"{database_url}?maxsize=10",
            "SECRET_KEY": "bench",
            "RUN_WORKER_IN_PROCESS": "false",
            "ORDER_THROTTLE": "0",  # every buyer comes from this one address
            "MAX_HELD_PLACES": "0",
        }
        port = free_port()
        for command in (["migrate"], ["create-organiser", "--organisation", "Bench", "--email",
                                      "bench@example.org", "--password", "bench password 2027"]):  # fmt: skip
            subprocess.run([sys.executable, "main.py", *command], cwd=ROOT, env=env, check=True,
                           capture_output=True)  # fmt: skip
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "main:app", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "2", "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            wait_ready(port, [process])
            slug, type_id = asyncio.run(setup(port, args.capacity))
            outcomes, latencies, seconds = asyncio.run(load(port, slug, type_id, args.buyers, args.attempts))
        finally:
            stop(process, grace=30)
    sold = outcomes["201 ok"]
    print(f"PostgreSQL, two app processes, {args.buyers} concurrent buyers, {args.attempts} attempts "
          f"for {args.capacity} places (2 CPUs shared by database, app and load)")  # fmt: skip
    print(f"  orders/s (all answers)   {len(latencies) / seconds:8.1f}")
    print(f"  orders/s (paid orders)   {sold / seconds:8.1f}")
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    print(f"  latency p50 / p99        {p50:.1f} / {p99:.1f} ms")
    print(f"  answers                  {dict(outcomes)}")
    unexpected = {k: v for k, v in outcomes.items() if k not in ("201 ok", "409 sold_out")}
    oversell_ok = sold == min(args.capacity, args.attempts) and not unexpected
    verdict = "OK" if oversell_ok else "FAILED"
    print(f"  oversell check           sold {sold} == capacity {args.capacity}: {verdict}")
    rate = sold / seconds
    print(f"  target ≥ {TARGET:.0f} orders/s: {'met' if rate >= TARGET else 'NOT met'}")
    return 0 if oversell_ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--capacity", type=int, default=3000)
    parser.add_argument("--attempts", type=int, default=3600)
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
