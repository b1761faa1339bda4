"""Serving the .ics feeds: built only when something changed, answered 304 when the client is up to date.

Calendar applications poll their subscriptions, most of them for nothing new. So each feed starts with
a cheap fingerprint query (row counts and the latest `updated_at`); the bytes are rebuilt only when the
fingerprint moved (in a worker thread, so that a big feed does not hold up the other requests, and by
one request while the others wait for its bytes), and a client that sends back the ETag or the
Last-Modified it was given gets a 304.
The bytes depend only on the rows (see `feeds`), so every app process gives the same ETag.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from hashlib import sha256

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.functions import Count, Max

from events import clock
from events.audit.models import AuditEntry
from events.cache import track
from events.catalogue import services as catalogue
from events.catalogue.models import Event, EventStatus, Session
from events.catalogue.sessions import event_sessions, ticket_sessions
from events.errors import NotFound
from events.i18n import get_locale, use_locale
from events.ical import feeds
from events.ical.links import calendar_links
from events.partnering import meetings as partnering_meetings
from events.ticketing.availability import live_ticket_filter
from events.ticketing.models import Ticket
from events.web.templating import environment
from settings import settings

MEDIA_TYPE = "text/calendar; charset=utf-8"
CALENDAR_NAME = "Colloque"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

environment.globals["calendar_links"] = calendar_links


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    last_modified: datetime

    @classmethod
    def of(cls, body: bytes, last_modified: datetime) -> Feed:
        moment = last_modified.astimezone(UTC).replace(microsecond=0)
        return cls(body, f'"{sha256(body).hexdigest()[:32]}"', moment)


class FeedCache:
    """The latest bytes of each feed with the fingerprint they were built from (least recently used out).

    When many calendars ask for a feed that just changed, one request builds it and the others wait
    for its bytes instead of building it again.
    """

    def __init__(self, max_entries: int = 2000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[Hashable, Feed]] = OrderedDict()
        self._building: dict[Hashable, asyncio.Lock] = {}

    def _fresh(self, key: Hashable, fingerprint: Hashable) -> Feed | None:
        cached = self._entries.get(key)
        if cached is None or cached[0] != fingerprint:
            return None
        self._entries.move_to_end(key)
        return cached[1]

    async def get(self, key: Hashable, fingerprint: Hashable, build: Callable[[], Awaitable[Feed]]) -> Feed:
        feed = self._fresh(key, fingerprint)
        if feed is not None:
            return feed
        lock = self._building.setdefault(key, asyncio.Lock())
        async with lock:
            feed = self._fresh(key, fingerprint)
            if feed is None:
                feed = await build()
                self._entries[key] = (fingerprint, feed)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        if not lock.locked():
            self._building.pop(key, None)
        return feed

    def clear(self) -> None:
        self._entries.clear()


feed_cache = track(FeedCache())


def _latest(*moments: datetime | None) -> datetime:
    return max((moment for moment in moments if moment is not None), default=_EPOCH)


def _not_modified(request: Request, feed: Feed) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return feed.last_modified <= since
    return False


def _answer(request: Request, feed: Feed, filename: str, *, private: bool = False) -> Response:
    headers = {
        "ETag": feed.etag,
        "Last-Modified": format_datetime(feed.last_modified, usegmt=True),
        "Cache-Control": "private, no-cache" if private else "public, no-cache",
    }
    if private:
        headers["X-Robots-Tag"] = "noindex"
    if _not_modified(request, feed):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(feed.body, media_type=MEDIA_TYPE, headers=headers)


# ------------------------------------------------------------------ /events/{slug}.ics


async def event_feed(request: Request) -> Response:
    event = await catalogue.public_event(request.path_params["slug"])
    summary = (
        await Session.filter(event_id=event.id)
        .annotate(n=Count("id"), last=Max("updated_at"))
        .values("n", "last")
    )
    fingerprint = (event.updated_at, event.sequence, str(summary[0]["n"]), str(summary[0]["last"]))

    async def build() -> Feed:
        sessions = await event_sessions(event)
        body = await asyncio.to_thread(feeds.event_feed, event, sessions, base_url=settings.base_url)
        return Feed.of(body, _latest(event.updated_at, *(s.updated_at for s in sessions)))

    feed = await feed_cache.get(("event", event.id, get_locale()), fingerprint, build)
    return _answer(request, feed, f"{event.slug}.ics")


# ------------------------------------------------------------------ /calendar.ics


async def _once_published(events: list[Event]) -> list[Event]:
    """Cancelled events stay listed (marked cancelled) only if the public has ever seen them."""
    cancelled = [str(e.id) for e in events if e.status == EventStatus.CANCELLED]
    if not cancelled:
        return events
    published = await AuditEntry.filter(
        action="event.published", object_type="event", object_id__in=cancelled
    ).only("id", "object_id")
    shown = {entry.object_id for entry in published}
    return [e for e in events if e.status != EventStatus.CANCELLED or str(e.id) in shown]


async def calendar_feed(request: Request) -> Response:
    now = clock.now()
    query = Event.filter(status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED), ends_at__gt=now)
    summary = await query.annotate(n=Count("id"), last=Max("updated_at")).values("n", "last")
    fingerprint = (str(summary[0]["n"]), str(summary[0]["last"]))

    async def build() -> Feed:
        events = await _once_published(await query.order_by("starts_at", "id"))
        ended = (
            await Event.filter(status=EventStatus.PUBLISHED, ends_at__lte=now).order_by("-ends_at").first()
        )
        body = await asyncio.to_thread(
            feeds.calendar_feed, events, base_url=settings.base_url, name=CALENDAR_NAME
        )
        return Feed.of(body, _latest(*(e.updated_at for e in events), ended.ends_at if ended else None))

    feed = await feed_cache.get(("calendar", get_locale()), fingerprint, build)
    return _answer(request, feed, "calendar.ics")


# ------------------------------------------------------------------ /agenda/{token}.ics


async def _agenda_ticket(token: str) -> Ticket:
    """The ticket behind an agenda token while it holds its place (the rule of `availability`); a
    cancelled ticket or a closed order has no agenda.
    """
    ticket = (
        await Ticket.filter(live_ticket_filter(clock.now()), agenda_token=token)
        .select_related("order", "event")
        .first()
    )
    if ticket is None or ticket.event.status == EventStatus.DRAFT:
        raise NotFound()
    return ticket


async def agenda_feed(request: Request) -> Response:
    ticket = await _agenda_ticket(request.path_params["token"])
    event, locale = ticket.event, ticket.order.locale
    sessions = await ticket_sessions(ticket)
    with use_locale(locale):
        meetings = await partnering_meetings.calendar_entries(ticket)
    fingerprint = (
        ticket.updated_at,
        ticket.order.updated_at,
        event.updated_at,
        tuple((s.id, s.updated_at) for s in sessions),
        tuple((m.id, m.updated_at, m.title) for m in meetings),
    )

    async def build() -> Feed:
        with use_locale(locale):
            body = feeds.agenda_feed(
                event, sessions, ticket_id=ticket.id, base_url=settings.base_url, meetings=meetings
            )
        moments = (ticket.updated_at, event.updated_at, *(s.updated_at for s in sessions))
        moments += tuple(m.updated_at for m in meetings)
        return Feed.of(body, _latest(*moments))

    feed = await feed_cache.get(("agenda", ticket.id), fingerprint, build)
    return _answer(request, feed, f"{event.slug}-agenda.ics", private=True)


routes = [
    Route("/events/{slug:slug}.ics", event_feed, methods=["GET"], name="ical_event"),
    Route("/calendar.ics", calendar_feed, methods=["GET"], name="ical_calendar"),
    Route("/agenda/{token:token}.ics", agenda_feed, methods=["GET"], name="ical_agenda"),
]
