"""The .ics feeds, as pure functions from events and sessions to the bytes of an iCalendar document.

What keeps every calendar application right:

- each VEVENT has a UID that never changes (`event-{id}@{host}`, `session-{id}@{host}`; a personal
  agenda uses its own, so that it never collides with the public feed in the same application) and a
  SEQUENCE that rises with every change, so a moved session replaces the copy a calendar holds;
- cancelled events and sessions stay in the feed with STATUS:CANCELLED (and say so in their title,
  for the applications that ignore STATUS), so that subscribers see them cancelled, not just gone;
- every time zone used gets an RRULE-based VTIMEZONE (see `timezones`), placed before the events;
- DTSTAMP and LAST-MODIFIED come from the rows, never from the clock, so the same data always gives
  the same bytes, in every process (the routes' ETags rely on it);
- text is cleaned of control characters and escaped by icalendar, so no title can add a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from events.catalogue.models import Event, EventStatus, Session, SessionStatus
from events.errors import N_
from events.i18n import gettext
from events.ical.timezones import is_utc, vtimezone

PRODID = "-//Colloque//Colloque events//EN"
REFRESH = timedelta(hours=1)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Site:
    """Where the feed is served from: absolute links and the host part of every UID."""

    base_url: str

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    def event_url(self, event: Event) -> str:
        return f"{self.base_url}/events/{event.slug}"

    def session_url(self, event: Event, session: Session) -> str:
        return f"{self.base_url}/events/{event.slug}/programme#session-{session.id}"


def clean(text: str) -> str:
    """One kind of line break and no control characters: icalendar escapes the rest."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(text: str) -> str:
    """A title: cleaned, and on one line."""
    return " ".join(clean(text).split())


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _local(value: datetime, zone_key: str) -> datetime:
    """The time in the event's zone, or in UTC when that wall time happens twice.

    In the hour the clocks go back, RFC 5545 reads a wall time as its first occurrence, but ical.js
    reads the second: only UTC means the same instant to every application.
    """
    if is_utc(zone_key):
        return value.astimezone(UTC)
    local = value.astimezone(ZoneInfo(zone_key))
    twin = local.replace(fold=1 - local.fold)
    return value.astimezone(UTC) if twin.utcoffset() != local.utcoffset() else local


def event_location(event: Event) -> str:
    return ", ".join(clean(part) for part in (event.i18n.venue, event.address, event.city) if part.strip())


def _status(cancelled: bool) -> str:
    return "CANCELLED" if cancelled else "CONFIRMED"


def _summary(title: str, cancelled: bool) -> str:
    title = clean_line(title)
    return gettext(N_("Cancelled: {title}"), title=title) if cancelled else title


def _stamp(component: VEvent, created: datetime, modified: datetime) -> None:
    component.add("dtstamp", _utc(modified))
    component.add("created", _utc(created))
    component.add("last-modified", _utc(modified))


def _geo(component: VEvent, event: Event) -> None:
    if event.latitude is not None and event.longitude is not None:
        component.add("geo", (round(event.latitude, 6), round(event.longitude, 6)))


def event_component(event: Event, site: Site, uid: str | None = None) -> VEvent:
    cancelled = event.status == EventStatus.CANCELLED
    component = VEvent()
    component.add("uid", uid or f"event-{event.id}@{site.host}")
    _stamp(component, event.created_at, event.updated_at)
    component.add("sequence", event.sequence)
    component.add("status", _status(cancelled))
    component.add("summary", _summary(event.i18n.title, cancelled))
    component.add("dtstart", _local(event.starts_at, event.timezone))
    component.add("dtend", _local(event.ends_at, event.timezone))
    location = event_location(event)
    if location:
        component.add("location", location)
    _geo(component, event)
    component.add("url", site.event_url(event))
    description = "\n\n".join(part for part in (clean(event.i18n.description), site.event_url(event)) if part)
    component.add("description", description)
    return component


def _session_description(event: Event, session: Session, site: Site) -> str:
    parts = []
    if session.speakers.strip():
        parts.append(gettext(N_("Speakers: {speakers}"), speakers=clean(session.speakers)))
    if session.i18n.description.strip():
        parts.append(clean(session.i18n.description))
    parts.append(clean(event.i18n.title))
    parts.append(site.session_url(event, session))
    return "\n\n".join(parts)


def session_component(event: Event, session: Session, site: Site, uid: str | None = None) -> VEvent:
    cancelled = session.status == SessionStatus.CANCELLED or event.status == EventStatus.CANCELLED
    component = VEvent()
    component.add("uid", uid or f"session-{session.id}@{site.host}")
    _stamp(component, session.created_at, max(session.updated_at, event.updated_at))
    component.add("sequence", session.sequence + event.sequence)
    component.add("status", _status(cancelled))
    component.add("summary", _summary(session.i18n.title, cancelled))
    component.add("dtstart", _local(session.starts_at, event.timezone))
    component.add("dtend", _local(session.ends_at, event.timezone))
    location = ", ".join(part for part in (clean(session.room), event_location(event)) if part)
    if location:
        component.add("location", location)
    _geo(component, event)
    component.add("url", site.session_url(event, session))
    component.add("description", _session_description(event, session, site))
    component.add("related-to", f"event-{event.id}@{site.host}")
    return component


def _calendar(name: str, zones: dict[str, list[datetime]], components: Iterable[VEvent]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", clean_line(name))
    calendar.add("x-wr-calname", clean_line(name))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for key in sorted(zones):
        if not is_utc(key):
            calendar.add_component(vtimezone(key, zones[key]))
    for component in components:
        calendar.add_component(component)
    return bytes(calendar.to_ical())


def _zones(events: Iterable[Event], sessions: Iterable[Session] = ()) -> dict[str, list[datetime]]:
    zones: dict[str, list[datetime]] = {}
    by_id: dict[int, str] = {}
    for event in events:
        zones.setdefault(event.timezone, []).extend((event.starts_at, event.ends_at))
        by_id[event.id] = event.timezone
    for session in sessions:
        zones.setdefault(by_id[session.event_id], []).extend((session.starts_at, session.ends_at))
    return zones


def event_feed(event: Event, sessions: Sequence[Session], *, base_url: str) -> bytes:
    """`/events/{slug}.ics`: the event and its whole programme."""
    site = Site(base_url)
    components = [event_component(event, site)]
    components += [session_component(event, session, site) for session in sessions]
    return _calendar(event.i18n.title, _zones([event], sessions), components)


def calendar_feed(events: Sequence[Event], *, base_url: str, name: str) -> bytes:
    """`/calendar.ics`: every public upcoming event, without programmes."""
    site = Site(base_url)
    return _calendar(name, _zones(events), [event_component(event, site) for event in events])


@dataclass(frozen=True)
class MeetingEntry:
    """A B2B meeting in a personal agenda: who with, when, at which table, and its change count."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    table: str
    sequence: int
    cancelled: bool
    created_at: datetime
    updated_at: datetime
    url: str


def meeting_component(event: Event, meeting: MeetingEntry, site: Site, uid: str) -> VEvent:
    cancelled = meeting.cancelled or event.status == EventStatus.CANCELLED
    component = VEvent()
    component.add("uid", uid)
    _stamp(component, meeting.created_at, max(meeting.updated_at, event.updated_at))
    component.add("sequence", meeting.sequence + event.sequence)
    component.add("status", _status(cancelled))
    component.add("summary", _summary(meeting.title, cancelled))
    component.add("dtstart", _local(meeting.starts_at, event.timezone))
    component.add("dtend", _local(meeting.ends_at, event.timezone))
    table = gettext(N_("Table {table}"), table=clean_line(meeting.table))
    component.add("location", ", ".join(part for part in (table, event_location(event)) if part))
    component.add("url", meeting.url)
    component.add("description", "\n\n".join((clean(event.i18n.title), meeting.url)))
    component.add("related-to", f"event-{event.id}@{site.host}")
    return component


def agenda_feed(
    event: Event,
    sessions: Sequence[Session],
    *,
    ticket_id: int,
    base_url: str,
    meetings: Sequence[MeetingEntry] = (),
) -> bytes:
    """`/agenda/{token}.ics`: one attendee's event, the sessions they booked and their B2B meetings.

    Its UIDs are its own: a calendar that also subscribes to the public feed keeps both apart. A
    meeting keeps its UID when it moves (SEQUENCE rises) and stays, cancelled, when it is called off.
    """
    site = Site(base_url)
    prefix = f"agenda-{ticket_id}"
    components = [event_component(event, site, uid=f"{prefix}-event-{event.id}@{site.host}")]
    components += [
        session_component(event, session, site, uid=f"{prefix}-session-{session.id}@{site.host}")
        for session in sessions
    ]
    components += [
        meeting_component(event, meeting, site, uid=f"{prefix}-meeting-{meeting.id}@{site.host}")
        for meeting in meetings
    ]
    zones = _zones([event], sessions)
    zones.setdefault(event.timezone, []).extend(t for m in meetings for t in (m.starts_at, m.ends_at))
    return _calendar(event.i18n.title, zones, components)
