"""How long do the iCal feeds take: built from the rows, served from the cache, and answered 304?

    .venv/bin/python bench/ical.py [--events 1000] [--sessions 300] [--repeat 30]

In one process, with no network: a temporary SQLite database, the app's own lifespan, and httpx's
ASGITransport as the client. Loads `events` published upcoming events (for /calendar.ics) and one
event with `sessions` sessions (for /events/{slug}.ics), then times each feed three ways:

- cold: the feed cache emptied before every request, so the bytes are built again from the rows;
- cached: nothing changed, so the fingerprint query matches and the kept bytes are sent;
- 304: the client sends back the ETag it was given.

Prints the median and 95th percentile per request, requests per second at the median, and the size
of the feed. The temporary folder is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-ical-not-secret")
os.environ.setdefault("BASE_URL", "https://events.example")
os.environ["RUN_WORKER_IN_PROCESS"] = "false"
os.environ["ORDER_THROTTLE"] = "0"  # the load comes from one address
os.environ["MAX_HELD_PLACES"] = "0"

import httpx  # noqa: E402

from events.accounts.services import create_organiser  # noqa: E402
from events.catalogue.models import Event, EventStatus, Session  # noqa: E402
from events.ical.routes import feed_cache  # noqa: E402
from main import create_app  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
ROOMS = ("Amphithéâtre", "Salle Pasteur", "Salle Curie", "Salle Monod", "Atelier 1", "Atelier 2")


@dataclass(frozen=True)
class Row:
    feed: str
    case: str
    median_ms: float
    p95_ms: float
    size: int

    @property
    def per_second(self) -> float:
        return 1000.0 / self.median_ms if self.median_ms else 0.0


async def load(events: int, sessions: int) -> str:
    user = await create_organiser("Pôle Bio-Santé (bench)", "bench@example.org", "bench password 2027")
    start = (datetime.now(UTC) + timedelta(days=30)).astimezone(PARIS).replace(hour=9, minute=0, second=0)
    await Event.bulk_create(
        [
            Event(
                organisation_id=user.organisation_id,
                slug=f"rencontre-{n}",
                title=f"Rencontre santé n°{n} — «innovation», recherche; industrie",
                description="Conférences, ateliers et rendez-vous B2B.\n\nOncologie, vieillissement.",
                venue="Centre de congrès",
                address="11 esplanade Compans Caffarelli",
                city="Toulouse",
                country="FR",
                timezone="America/Montreal" if n % 10 == 0 else "Europe/Paris",
                starts_at=start + timedelta(days=n % 365, hours=n % 5),
                ends_at=start + timedelta(days=n % 365, hours=9),
                status=EventStatus.PUBLISHED,
                latitude=43.6045,
                longitude=1.444,
            )
            for n in range(events)
        ],
        batch_size=500,
    )
    forum = await Event.create(
        organisation_id=user.organisation_id,
        slug="biomed-forum",
        title="BioMed Forum",
        description="Trois jours, six salles.",
        venue="Centre de congrès",
        city="Toulouse",
        starts_at=start,
        ends_at=start + timedelta(days=2, hours=9),
        status=EventStatus.PUBLISHED,
    )
    await Session.bulk_create(
        [
            Session(
                event_id=forum.id,
                title=f"Session {n}: données de santé, IA & imagerie",
                starts_at=start + timedelta(days=(n // 100) % 3, minutes=30 * (n % 18)),
                ends_at=start + timedelta(days=(n // 100) % 3, minutes=30 * (n % 18) + 45),
                room=ROOMS[n % len(ROOMS)],
                speakers="Dr Claire Martin, Pr Paul Durand",
                description="Retours d'expérience; cas pratiques, questions.",
                capacity=30 if n % 3 == 0 else None,
            )
            for n in range(sessions)
        ],
        batch_size=500,
    )
    return forum.slug


async def measure(client: httpx.AsyncClient, feed: str, path: str, repeat: int) -> list[Row]:
    first = await client.get(path)
    first.raise_for_status()
    etag, size = first.headers["etag"], len(first.content)

    async def timed(case: str, headers: dict[str, str], cold: bool, status: int) -> Row:
        samples = []
        for _ in range(repeat):
            if cold:
                feed_cache.clear()
            began = time.perf_counter()
            answer = await client.get(path, headers=headers)
            samples.append((time.perf_counter() - began) * 1000)
            if answer.status_code != status:
                raise SystemExit(f"{path} ({case}): expected {status}, got {answer.status_code}")
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        return Row(feed, case, statistics.median(samples), p95, size if status == 200 else 0)

    return [
        await timed("cold (built)", {}, cold=True, status=200),
        await timed("cached", {}, cold=False, status=200),
        await timed("304", {"If-None-Match": etag}, cold=False, status=304),
    ]


def report(rows: list[Row], events: int, sessions: int) -> None:
    print(f"\niCal feeds, in process (SQLite, httpx ASGITransport): {events} events, {sessions} sessions\n")
    print(f"{'feed':<34} {'case':<14} {'median ms':>10} {'p95 ms':>9} {'req/s':>8} {'bytes':>9}")
    print("-" * 89)
    for row in rows:
        size = f"{row.size:,}" if row.size else "-"
        print(
            f"{row.feed:<34} {row.case:<14} {row.median_ms:>10.2f} {row.p95_ms:>9.2f} "
            f"{row.per_second:>8.0f} {size:>9}"
        )
    print()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="colloque-bench-ical-") as folder:
        app = create_app(f"sqlite://{folder}/bench.sqlite3", generate_schemas=True)
        async with app.router.lifespan_context(app):
            slug = await load(args.events, args.sessions)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="https://events.example") as client:
                rows = await measure(
                    client, f"/calendar.ics ({args.events} events)", "/calendar.ics", args.repeat
                )
                rows += await measure(
                    client,
                    f"/events/{{slug}}.ics ({args.sessions} sess.)",
                    f"/events/{slug}.ics",
                    args.repeat,
                )
    report(rows, args.events, args.sessions)


if __name__ == "__main__":
    asyncio.run(main())
