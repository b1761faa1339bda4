"""Every reader agrees on the instants: icalendar, ical.js (Thunderbird, many web calendars) and vobject.

icalendar's own VTIMEZONE was read at +01:00 in a Paris summer by the other two; these tests would catch
that again, for the feeds served over HTTP and for many zones around each of their clock changes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar

from events.catalogue.models import Event
from events.ical.feeds import calendar_feed
from tests.factories import make_event, make_organiser
from tests.ical.attendees import make_session
from tests.ical.conftest import Parser
from tests.ical.test_timezones import ZONES

vobject = pytest.importorskip(
    "vobject", reason="vobject is an optional second reader (pip install vobject==0.9.9)"
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _icalendar_starts(body: bytes) -> dict[str, str]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): _iso(e.decoded("DTSTART")) for e in calendar.walk("VEVENT")}


def _vobject_starts(body: bytes) -> dict[str, str]:
    calendar = vobject.readOne(body.decode())
    return {str(e.uid.value): _iso(e.dtstart.value) for e in calendar.vevent_list}


def _icaljs_starts(icaljs: Parser, body: bytes) -> dict[str, str]:
    return {e["uid"]: e["start"] for e in icaljs(body)}


def _every_reader(icaljs: Parser, body: bytes) -> list[dict[str, str]]:
    return [_icalendar_starts(body), _icaljs_starts(icaljs, body), _vobject_starts(body)]


# ------------------------------------------------------------------ served feeds


@pytest.fixture
async def programme(app: object) -> dict[str, Any]:
    user = await make_organiser()
    summer = await make_event(
        user, published=True, starts_at="2031-07-15T09:00", ends_at="2031-07-16T18:00", title="Été"
    )
    winter = await make_event(
        user, published=True, starts_at="2031-12-09T09:00", ends_at="2031-12-09T18:00", title="Hiver"
    )
    montreal = await make_event(
        user,
        published=True,
        timezone="America/Montreal",
        starts_at="2031-10-14T08:30",
        ends_at="2031-10-14T17:00",
        title="Montréal",
    )
    return {
        "events": (summer, winter, montreal),
        "july": await make_session(user, summer, hour=14),
        "december": await make_session(user, winter, hour=14),
        "montreal": await make_session(user, montreal, hour=9),
    }


async def test_served_feeds_give_the_same_instants_in_every_reader(
    client: httpx.AsyncClient, programme: dict[str, Any], icaljs: Parser
) -> None:
    expected = {
        f"session-{programme['july'].id}@testserver": "2031-07-15T12:00:00.000Z",
        f"session-{programme['december'].id}@testserver": "2031-12-09T13:00:00.000Z",
        f"session-{programme['montreal'].id}@testserver": "2031-10-14T13:00:00.000Z",
    }
    seen: dict[str, list[str]] = {}
    for event in programme["events"]:
        body = (await client.get(f"/events/{event.slug}.ics")).content
        for reader in _every_reader(icaljs, body):
            for uid, start in reader.items():
                seen.setdefault(uid, []).append(start)
    for uid, start in expected.items():
        assert seen[uid] == [start] * 3, uid


async def test_the_site_calendar_gives_the_same_instants_in_every_reader(
    client: httpx.AsyncClient, programme: dict[str, Any], icaljs: Parser
) -> None:
    body = (await client.get("/calendar.ics")).content
    expected = {f"event-{e.id}@testserver": _iso(e.starts_at) for e in programme["events"]}
    assert expected["event-{}@testserver".format(programme["events"][0].id)] == "2031-07-15T07:00:00.000Z"
    for reader in _every_reader(icaljs, body):
        assert reader == expected


async def test_ical_js_reads_titles_places_and_statuses_as_written(
    client: httpx.AsyncClient, programme: dict[str, Any], icaljs: Parser
) -> None:
    summer = programme["events"][0]
    place = "Centre; «Compans», 2e"
    await Event.filter(id=summer.id).update(latitude=43.6045, longitude=1.4440, venue=place, venue_en=place)
    body = (await client.get(f"/events/{summer.slug}.ics")).content
    [event, session] = icaljs(body)
    assert (event["summary"], event["status"], event["geo"]) == ("Été", "CONFIRMED", [43.6045, 1.444])
    assert event["location"].startswith("Centre; «Compans», 2e")
    assert event["url"] == f"http://testserver/events/{summer.slug}"
    assert session["location"].startswith("Salle A, Centre; «Compans», 2e")
    assert session["tzid"] == "Europe/Paris"


# ------------------------------------------------------------------ many zones, around every change


def _zone_events() -> list[Event]:
    events: list[Event] = []
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    for key in ZONES:
        zone = ZoneInfo(key)
        moments = [datetime(2027, month, 15, 10, tzinfo=zone) for month in (1, 4, 7, 10)]
        moment = datetime(2027, 1, 1, tzinfo=UTC)
        while moment.year < 2028:
            following = moment + timedelta(hours=6)
            if following.astimezone(zone).utcoffset() != moment.astimezone(zone).utcoffset():
                step = moment
                while step.astimezone(zone).utcoffset() == moment.astimezone(zone).utcoffset():
                    step += timedelta(minutes=30)
                moments += [step - timedelta(minutes=30), step, step + timedelta(minutes=30)]
            moment = following
        for moment in moments:
            event = Event(
                id=len(events) + 1,
                slug=f"e{len(events) + 1}",
                title=key,
                timezone=key,
                starts_at=moment,
                ends_at=moment + timedelta(hours=1),
                status="published",
                sequence=0,
            )
            event.created_at = event.updated_at = stamp
            events.append(event)
    return events


def test_every_reader_agrees_with_zoneinfo_around_every_clock_change(icaljs: Parser) -> None:
    events = _zone_events()
    body = calendar_feed(events, base_url="https://events.example", name="Zones")
    expected = {f"event-{e.id}@events.example": _iso(e.starts_at) for e in events}
    for name, reader in zip(("icalendar", "ical.js", "vobject"), _every_reader(icaljs, body), strict=True):
        wrong = {uid: (start, reader.get(uid)) for uid, start in expected.items() if reader.get(uid) != start}
        assert wrong == {}, name
