"""The organiser's texts in e-mails reach each recipient in their language, or in the one written."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from events.accounts.models import User
from events.catalogue import sessions
from events.catalogue.models import Event
from events.mail.models import OutboxMessage
from events.mail.services import send_pending
from events.ticketing.orders import place_order
from tests.factories import (
    api_token,
    bearer,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    order_body,
)
from tests.mail.conftest import Sink


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True)


async def test_each_attendee_reads_the_cancelled_workshop_in_their_language(
    smtp_to_sink: Sink, owner: User, event: Event
) -> None:
    start = event.starts_at + timedelta(hours=2)
    workshop = await sessions.create_session(
        owner,
        event,
        {
            "title": {"fr": "Atelier marquage CE", "en": "CE marking workshop"},
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "capacity": 10,
        },
    )
    pass_ = await make_ticket_type(event)
    for locale, email in (("en", "ada@example.org"), ("fr", "lea@example.org")):
        body = order_body(pass_.id, locale=locale)
        body["buyer"]["email"] = email
        body["tickets"][0]["attendee"]["email"] = email
        body["tickets"][0]["sessions"] = [workshop.id]
        await place_order(event.slug, body)
    await send_pending()
    smtp_to_sink.received.clear()
    await sessions.cancel_session(owner, event, workshop)
    assert await send_pending() == 2
    subjects = {to[0]: message["Subject"] for _sender, to, message in smtp_to_sink.received}
    assert "CE marking workshop" in subjects["ada@example.org"]
    assert "Atelier marquage CE" in subjects["lea@example.org"]
    assert "Atelier marquage CE" not in subjects["ada@example.org"]


async def test_a_mailing_written_in_french_only_reaches_an_english_reader_in_french(
    client: httpx.AsyncClient, owner: User, event: Event
) -> None:
    pass_ = await make_ticket_type(event)
    await make_order(event, pass_.id, locale="en")
    auth = bearer(await api_token(client, owner.email))
    created = await client.post(
        f"/api/v1/events/{event.slug}/mailings",
        json={
            "subject": {"fr": "Plan d'accès"},
            "body": {"fr": "Bonjour {name}, le plan est joint.", "en": ""},
        },
        headers=auth,
    )
    assert created.status_code == 201, created.text
    sent = await client.post(
        f"/api/v1/events/{event.slug}/mailings/{created.json()['id']}/send", headers=auth
    )
    assert sent.status_code == 200, sent.text
    [message] = await OutboxMessage.filter(mailing_id=created.json()["id"])
    assert message.locale == "en"
    assert message.subject == "Plan d'accès"
    assert "le plan est joint" in message.text_body
