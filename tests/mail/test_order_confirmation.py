"""The buyer's confirmation, end to end: written with the order, sent once to a real SMTP server."""

from __future__ import annotations

import icalendar
import pytest

from events.catalogue.models import Event
from events.mail.services import send_pending
from events.ticketing.orders import place_order
from tests.factories import make_event, make_organiser, make_ticket_type, order_body
from tests.mail.conftest import Sink


@pytest.fixture
async def event(app: object) -> Event:
    return await make_event(await make_organiser(), published=True, title="Forum Vieillissement")


async def test_one_confirmation_in_the_buyer_language_with_tickets_and_calendar(
    smtp_to_sink: Sink, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    order = await place_order(event.slug, order_body(pass_.id, locale="en"))
    assert await send_pending() == 1
    [message] = smtp_to_sink.messages
    assert message["To"] == order.buyer_email
    assert "Your registration for Forum Vieillissement" in message["Subject"]
    assert order.code in message.get_body(("plain",)).get_content()
    names = {part.get_filename(): part for part in message.iter_attachments()}
    assert f"tickets-{order.code}.pdf" in names
    calendar = icalendar.Calendar.from_ical(names[f"{event.slug}.ics"].get_payload(decode=True))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Forum Vieillissement"]


async def test_french_buyer_gets_french(smtp_to_sink: Sink, event: Event) -> None:
    pass_ = await make_ticket_type(event)
    await place_order(event.slug, order_body(pass_.id, locale="fr"))
    await send_pending()
    assert "Votre inscription" in smtp_to_sink.messages[0]["Subject"]


async def test_interruption_between_commit_and_sending_still_delivers_exactly_one(
    smtp_to_sink: Sink, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    await place_order(event.slug, order_body(pass_.id))
    # The process "dies" here: the order and its message are committed, nothing was sent.
    assert smtp_to_sink.messages == []
    assert await send_pending() == 1
    assert await send_pending() == 0
    assert len(smtp_to_sink.messages) == 1
