"""The "add to calendar" links: right instants for Google and Outlook, webcal for subscribing."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from events.catalogue.models import Event
from events.ical.links import agenda_links, calendar_links, event_links, webcal


def _event() -> Event:
    return Event(
        id=7,
        slug="forum-sante",
        title="Forum Santé\nOccitanie",
        description="Deux jours & des ateliers.",
        venue="Centre de congrès",
        city="Toulouse",
        timezone="Europe/Paris",
        starts_at=datetime(2031, 7, 15, 7, 0, tzinfo=UTC),
        ends_at=datetime(2031, 7, 16, 16, 0, tzinfo=UTC),
    )


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_event_links_carry_the_event_times_in_utc() -> None:
    links = event_links(_event(), "https://events.example")
    assert links.download == "https://events.example/events/forum-sante.ics"
    assert links.subscribe == "webcal://events.example/events/forum-sante.ics"
    google = _query(links.google)
    assert links.google.startswith("https://calendar.google.com/calendar/render?")
    assert google["action"] == "TEMPLATE"
    assert google["dates"] == "20310715T070000Z/20310716T160000Z"
    assert (google["text"], google["ctz"]) == ("Forum Santé Occitanie", "Europe/Paris")
    assert google["location"] == "Centre de congrès, Toulouse"
    assert google["details"].endswith("https://events.example/events/forum-sante")
    outlook = _query(links.outlook)
    assert (outlook["startdt"], outlook["enddt"]) == ("2031-07-15T07:00:00Z", "2031-07-16T16:00:00Z")
    assert outlook["subject"] == "Forum Santé Occitanie"
    assert not links.personal


def test_agenda_links_subscribe_to_the_personal_feed() -> None:
    links = agenda_links(_event(), "tok_123", "https://events.example")
    feed = "https://events.example/agenda/tok_123.ics"
    assert (links.download, links.subscribe) == (feed, "webcal://events.example/agenda/tok_123.ics")
    assert _query(links.google) == {"cid": "webcal://events.example/agenda/tok_123.ics"}
    assert _query(links.outlook) == {"url": feed, "name": "Forum Santé Occitanie"}
    assert links.personal


def test_calendar_links_picks_the_agenda_when_given_a_token() -> None:
    assert calendar_links(_event(), agenda_token="abc").personal
    assert not calendar_links(_event()).personal
    assert webcal("http://127.0.0.1:8000/calendar.ics") == "webcal://127.0.0.1:8000/calendar.ics"
