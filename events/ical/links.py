"""The "add to calendar" links: download the .ics, subscribe with webcal://, Google Calendar, Outlook.

For an event, Google and Outlook get a pre-filled new event (they cannot import a programme from a
link); for a personal agenda they subscribe to the feed, so that later changes reach the calendar.
The template `ical/_add_to_calendar.html` shows them; templates call `calendar_links(event)` or
`calendar_links(event, agenda_token=ticket.agenda_token)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from events.catalogue.models import Event
from events.ical.feeds import clean, clean_line, event_location
from settings import settings

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK_COMPOSE = "https://outlook.live.com/calendar/0/deeplink/compose"
OUTLOOK_SUBSCRIBE = "https://outlook.live.com/calendar/0/addfromweb"
_DETAILS_LENGTH = 1000


@dataclass(frozen=True)
class CalendarLinks:
    download: str
    subscribe: str
    google: str
    outlook: str
    personal: bool = False


def webcal(url: str) -> str:
    """The same address with the webcal scheme, which calendar applications open as a subscription."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))


def _google_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _outlook_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _details(event: Event, url: str) -> str:
    description = clean(event.i18n.description)
    if len(description) > _DETAILS_LENGTH:
        description = description[: _DETAILS_LENGTH - 1] + "…"
    return "\n\n".join(part for part in (description, url) if part)


def event_links(event: Event, base_url: str | None = None) -> CalendarLinks:
    base = base_url or settings.base_url
    feed = f"{base}/events/{event.slug}.ics"
    page = f"{base}/events/{event.slug}"
    title, location = clean_line(event.i18n.title), event_location(event)
    google = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_google_time(event.starts_at)}/{_google_time(event.ends_at)}",
        "details": _details(event, page),
        "location": location,
        "ctz": event.timezone,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": _outlook_time(event.starts_at),
        "enddt": _outlook_time(event.ends_at),
        "body": _details(event, page),
        "location": location,
    }
    return CalendarLinks(
        download=feed,
        subscribe=webcal(feed),
        google=f"{GOOGLE}?{urlencode(google, safe='/')}",
        outlook=f"{OUTLOOK_COMPOSE}?{urlencode(outlook, safe='/')}",
    )


def agenda_links(event: Event, agenda_token: str, base_url: str | None = None) -> CalendarLinks:
    """Links to one attendee's agenda feed: their event and the sessions they booked."""
    base = base_url or settings.base_url
    feed = f"{base}/agenda/{agenda_token}.ics"
    return CalendarLinks(
        download=feed,
        subscribe=webcal(feed),
        google=f"{GOOGLE}?{urlencode({'cid': webcal(feed)})}",
        outlook=f"{OUTLOOK_SUBSCRIBE}?{urlencode({'url': feed, 'name': clean_line(event.i18n.title)})}",
        personal=True,
    )


def calendar_links(event: Event, agenda_token: str | None = None) -> CalendarLinks:
    """What `ical/_add_to_calendar.html` shows: the event's links, or an attendee's agenda links."""
    return agenda_links(event, agenda_token) if agenda_token else event_links(event)
