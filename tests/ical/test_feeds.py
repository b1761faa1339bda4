"""The three feeds over HTTP: what they hold, how changes show, who sees what, and answering 304."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from events.accounts.models import User
from events.catalogue.models import Event, Session
from events.catalogue.schemas import EventPatch
from events.catalogue.services import cancel_event, update_event
from events.catalogue.session_schemas import SessionPatch
from events.catalogue.sessions import book_later, cancel_session, update_session
from events.ical import routes as ical_routes
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus
from tests.conftest import BACKEND
from tests.factories import make_event, make_organiser
from tests.ical.attendees import make_attendee, make_session
from tests.ical.conftest import Parser

CALENDAR = "text/calendar; charset=utf-8"


def _events(body: bytes) -> dict[str, Any]:
    return {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}


@pytest.fixture
async def organiser(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(organiser: User) -> Event:
    event = await make_event(organiser, published=True, title="BioMed Forum", description="Deux jours.")
    await Event.filter(id=event.id).update(latitude=43.6045, longitude=1.444, address="11 esplanade Compans")
    await event.refresh_from_db()
    return event


# ------------------------------------------------------------------ /events/{slug}.ics


async def test_event_feed_holds_the_event_and_its_programme(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    talk = await make_session(organiser, event, hour=10, speakers="Dr Claire Martin", description="Keynote.")
    workshop = await make_session(organiser, event, hour=14, capacity=20, room="Salle Pasteur")
    answer = await client.get(f"/events/{event.slug}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == CALENDAR
    found = _events(answer.content)
    assert set(found) == {
        f"event-{event.id}@testserver",
        f"session-{talk.id}@testserver",
        f"session-{workshop.id}@testserver",
    }
    main = found[f"event-{event.id}@testserver"]
    assert (str(main["SUMMARY"]), str(main["STATUS"])) == ("BioMed Forum", "CONFIRMED")
    assert main["SEQUENCE"] == event.sequence
    assert str(main["URL"]) == f"http://testserver/events/{event.slug}"
    assert str(main["LOCATION"]) == "Centre de congrès, 11 esplanade Compans, Toulouse"
    assert (main["GEO"].latitude, main["GEO"].longitude) == (43.6045, 1.444)
    assert "Deux jours." in str(main["DESCRIPTION"])
    assert {"DTSTAMP", "LAST-MODIFIED", "CREATED", "DTEND"} <= set(main)
    session = found[f"session-{workshop.id}@testserver"]
    assert str(session["LOCATION"]).startswith("Salle Pasteur, Centre de congrès")
    assert str(session["URL"]).endswith(f"/events/{event.slug}/programme#session-{workshop.id}")
    assert "Dr Claire Martin" in str(found[f"session-{talk.id}@testserver"]["DESCRIPTION"])
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in answer.content
    assert b"RRULE:FREQ=YEARLY" in answer.content


async def test_drafts_and_unknown_events_have_no_feed(client: httpx.AsyncClient, organiser: User) -> None:
    draft = await make_event(organiser)
    assert (await client.get(f"/events/{draft.slug}.ics")).status_code == 404
    assert (await client.get("/events/no-such-event.ics")).status_code == 404


async def test_a_moved_session_keeps_its_uid_and_raises_its_sequence(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    session = await make_session(organiser, event, hour=10)
    uid = f"session-{session.id}@testserver"
    before = _events((await client.get(f"/events/{event.slug}.ics")).content)[uid]
    later = session.starts_at + timedelta(hours=3)
    await update_session(
        organiser, event, session, SessionPatch(starts_at=later, ends_at=later + timedelta(hours=1))
    )
    after = _events((await client.get(f"/events/{event.slug}.ics")).content)[uid]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(hours=3)


async def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(
    client: httpx.AsyncClient, organiser: User, event: Event, icaljs: Parser
) -> None:
    session = await make_session(organiser, event, title="Atelier CRISPR")
    await cancel_session(organiser, event, session)
    body = (await client.get(f"/events/{event.slug}.ics")).content
    cancelled = _events(body)[f"session-{session.id}@testserver"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]) == "Cancelled: Atelier CRISPR"
    assert cancelled["SEQUENCE"] == event.sequence + 1
    assert [e["status"] for e in icaljs(body)] == ["CONFIRMED", "CANCELLED"]


async def test_a_title_cannot_add_an_event_to_the_feed(
    client: httpx.AsyncClient, organiser: User, event: Event, icaljs: Parser
) -> None:
    hostile = "Atelier\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@attacker\r\nSUMMARY:Free money\nX"
    await Session.create(
        event_id=event.id,
        title=hostile,
        description="Fin\r\nEND:VCALENDAR\rBEGIN:VCALENDAR;\\,\x1b\x07",
        room="A; B, C",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
    )
    body = (await client.get(f"/events/{event.slug}.ics")).content
    lines = body.decode().split("\r\n")
    assert lines.count("BEGIN:VEVENT") == 2
    assert lines.count("END:VCALENDAR") == 1
    assert not any(line.startswith("UID:evil") for line in lines)
    assert b"\x1b" not in body and b"\x07" not in body
    parsed = icaljs(body)
    assert len(parsed) == 2
    assert "evil@attacker" not in {e["uid"] for e in parsed}
    assert parsed[1]["summary"].startswith("Atelier END:VEVENT BEGIN:VEVENT")
    assert parsed[1]["location"].startswith("A; B, C")


# ------------------------------------------------------------------ /calendar.ics


async def test_site_calendar_lists_published_upcoming_events_and_cancelled_ones_marked(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    draft = await make_event(organiser, title="Brouillon")
    past = await make_event(
        organiser, published=True, starts_at="2020-05-01T09:00", ends_at="2020-05-01T18:00"
    )
    called_off = await make_event(organiser, published=True, title="Annulé")
    await cancel_event(organiser, called_off)
    never_shown = await make_event(organiser, title="Jamais publié")
    await cancel_event(organiser, never_shown)
    body = (await client.get("/calendar.ics")).content
    found = _events(body)
    assert set(found) == {f"event-{event.id}@testserver", f"event-{called_off.id}@testserver"}
    assert str(found[f"event-{called_off.id}@testserver"]["STATUS"]) == "CANCELLED"
    assert all(f"event-{e.id}@" not in body.decode() for e in (draft, past, never_shown))
    calendar = Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Colloque"


async def test_site_calendar_follows_an_edited_event(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    first = await client.get("/calendar.ics")
    await update_event(organiser, event, EventPatch(title="BioMed Forum 2031"))
    second = await client.get("/calendar.ics")
    assert second.headers["etag"] != first.headers["etag"]
    assert "BioMed Forum 2031" in second.text


# ------------------------------------------------------------------ /agenda/{token}.ics


async def test_a_personal_agenda_lists_exactly_that_attendee_sessions(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    morning = await make_session(organiser, event, hour=9, title="Plénière", capacity=None)
    workshop = await make_session(organiser, event, hour=14, title="Atelier IA", capacity=10)
    other = await make_session(organiser, event, hour=16, title="Rendez-vous B2B", capacity=10)
    alice, bob = await make_attendee(event, name="Alice"), await make_attendee(event, name="Bob")
    await book_later(alice, [morning.id, workshop.id])
    await book_later(bob, [other.id])
    answer = await client.get(f"/agenda/{alice.agenda_token}.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == CALENDAR
    assert answer.headers["cache-control"].startswith("private")
    mine = _events(answer.content)
    assert set(mine) == {
        f"agenda-{alice.id}-event-{event.id}@testserver",
        f"agenda-{alice.id}-session-{morning.id}@testserver",
        f"agenda-{alice.id}-session-{workshop.id}@testserver",
    }
    theirs = (await client.get(f"/agenda/{bob.agenda_token}.ics")).text
    assert "Rendez-vous B2B" in theirs
    assert "Atelier IA" not in theirs and "Plénière" not in theirs
    assert f"agenda-{alice.id}" not in theirs


async def test_a_cancelled_session_stays_in_the_agenda_marked_cancelled(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    workshop = await make_session(organiser, event, capacity=10)
    ticket = await make_attendee(event)
    await book_later(ticket, [workshop.id])
    await cancel_session(organiser, event, workshop)
    found = _events((await client.get(f"/agenda/{ticket.agenda_token}.ics")).content)
    assert str(found[f"agenda-{ticket.id}-session-{workshop.id}@testserver"]["STATUS"]) == "CANCELLED"


async def test_unknown_or_revoked_agenda_tokens_are_404(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    assert (await client.get("/agenda/not-a-token.ics")).status_code == 404
    cancelled_ticket = await make_attendee(event)
    await Ticket.filter(id=cancelled_ticket.id).update(status=TicketStatus.CANCELLED)
    refunded = await make_attendee(event)
    await Order.filter(id=refunded.order_id).update(status=OrderStatus.REFUNDED)
    for ticket in (cancelled_ticket, refunded):
        assert (await client.get(f"/agenda/{ticket.agenda_token}.ics")).status_code == 404


# ------------------------------------------------------------------ caching and 304


async def test_if_none_match_and_if_modified_since_answer_304(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    await make_session(organiser, event)
    ticket = await make_attendee(event)
    for path in (f"/events/{event.slug}.ics", "/calendar.ics", f"/agenda/{ticket.agenda_token}.ics"):
        first = await client.get(path)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        again = await client.get(path, headers={"If-None-Match": f'W/"nope", {etag}'})
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag), path
        since = await client.get(path, headers={"If-Modified-Since": modified})
        assert since.status_code == 304, path
        stale = await client.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified})
        assert stale.status_code == 200, path


async def test_a_change_gives_a_new_etag_and_a_full_answer(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    session = await make_session(organiser, event)
    first = await client.get(f"/events/{event.slug}.ics")
    await update_session(organiser, event, session, SessionPatch(room="Amphithéâtre"))
    changed = await client.get(f"/events/{event.slug}.ics", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert changed.headers["etag"] != first.headers["etag"]
    assert "Amphithéâtre" in changed.text


async def test_feeds_are_built_again_only_when_something_changed(
    client: httpx.AsyncClient, organiser: User, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = await make_session(organiser, event)
    builds: list[str] = []
    original: Callable[..., bytes] = ical_routes.feeds.event_feed

    def counting(*args: Any, **kwargs: Any) -> bytes:
        builds.append("built")
        return original(*args, **kwargs)

    monkeypatch.setattr(ical_routes.feeds, "event_feed", counting)
    for _ in range(3):
        await client.get(f"/events/{event.slug}.ics")
    assert len(builds) == 1
    await update_session(organiser, event, session, SessionPatch(title="Nouveau titre"))
    await client.get(f"/events/{event.slug}.ics")
    assert len(builds) == 2


async def test_callers_of_a_changed_feed_at_once_share_one_build(
    client: httpx.AsyncClient, organiser: User, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_session(organiser, event)
    builds: list[str] = []
    original: Callable[..., bytes] = ical_routes.feeds.event_feed

    def counting(*args: Any, **kwargs: Any) -> bytes:
        builds.append("built")
        return original(*args, **kwargs)

    monkeypatch.setattr(ical_routes.feeds, "event_feed", counting)
    answers = await asyncio.gather(*(client.get(f"/events/{event.slug}.ics") for _ in range(10)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.headers["etag"] for a in answers}) == 1
    assert len(builds) == 1


async def test_the_same_rows_give_the_same_bytes_and_etag_in_any_process(
    client: httpx.AsyncClient, organiser: User, event: Event
) -> None:
    await make_session(organiser, event)
    first = await client.get(f"/events/{event.slug}.ics")
    ical_routes.feed_cache.clear()
    second = await client.get(f"/events/{event.slug}.ics")
    assert (second.content, second.headers["etag"]) == (first.content, first.headers["etag"])


@pytest.mark.skipif(BACKEND != "sqlite", reason="one run is enough for a page check")
async def test_event_page_offers_the_programme_and_calendar_links(
    client: httpx.AsyncClient, event: Event
) -> None:
    page = (await client.get(f"/events/{event.slug}")).text
    assert f'href="http://testserver/events/{event.slug}/programme"' in page
    assert f'href="http://testserver/events/{event.slug}.ics"' in page
    assert f'href="webcal://testserver/events/{event.slug}.ics"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "https://outlook.live.com/calendar/0/deeplink/compose?" in page
