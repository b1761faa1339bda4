"""The buyer reads the organiser's texts in the language of the order: e-mail, tickets PDF, calendar."""

from __future__ import annotations

import io

import icalendar
import pytest
from pypdf import PdfReader

from events.catalogue.models import Event
from events.mail.services import send_pending
from events.ticketing.orders import place_order
from tests.factories import make_event, make_organiser, make_ticket_type, order_body
from tests.mail.conftest import Sink


@pytest.fixture
async def event(app: object) -> Event:
    return await make_event(
        await make_organiser(),
        published=True,
        title={"fr": "Forum Vieillissement", "en": "Ageing Forum"},
    )


async def _sent(sink: Sink, event: Event, locale: str) -> tuple[str, str, str, list[str]]:
    pass_ = await make_ticket_type(event, name={"fr": "Pass 2 jours", "en": "2-day pass"})
    await place_order(event.slug, order_body(pass_.id, locale=locale))
    assert await send_pending() == 1
    [message] = sink.messages
    names = {part.get_filename(): part for part in message.iter_attachments()}
    [pdf_name] = [name for name in names if name.endswith(".pdf")]
    pdf = names[pdf_name].get_payload(decode=True)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    calendar = icalendar.Calendar.from_ical(names[f"{event.slug}.ics"].get_payload(decode=True))
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    return message["Subject"], message.get_body(("plain",)).get_content(), text, summaries


async def test_an_english_buyer_reads_the_english_texts(smtp_to_sink: Sink, event: Event) -> None:
    subject, body, pdf, summaries = await _sent(smtp_to_sink, event, "en")
    assert "Ageing Forum" in subject
    assert "Forum Vieillissement" not in body
    assert "2-day pass" in pdf
    assert "Pass 2 jours" not in pdf
    assert summaries == ["Ageing Forum"]


async def test_a_french_buyer_reads_the_french_texts(smtp_to_sink: Sink, event: Event) -> None:
    subject, body, pdf, summaries = await _sent(smtp_to_sink, event, "fr")
    assert "Forum Vieillissement" in subject
    assert "Ageing Forum" not in body
    assert "Pass 2 jours" in pdf
    assert summaries == ["Forum Vieillissement"]
