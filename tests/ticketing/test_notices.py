"""The buyer hears of a cancellation (with the refund, if any) and the visitor of joining the waiting
list: each once, through the outbox, in the recipient's language, sent to a real SMTP server."""

from __future__ import annotations

from email.message import EmailMessage

import httpx
import pytest

from events.catalogue.models import Event, TicketType
from events.mail.models import OutboxMessage
from events.mail.services import send_pending
from events.payments.fake_stripe import FakeStripe
from events.ticketing.models import Order
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
)
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import Sink
from tests.payments import conftest as payment_fixtures
from tests.payments.conftest import Shop, deliver, open_session, pending_order

# The real SMTP server of the mail tests and the shop of the payment tests.
sink = mail_fixtures.sink
smtp_to_sink = mail_fixtures.smtp_to_sink
shop = payment_fixtures.shop


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


async def _paid(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe, locale: str) -> Order:
    order = await pending_order(shop, 2, locale=locale)
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    await order.refresh_from_db()
    assert order.status == "paid"
    return order


async def _cancel_mails(sink: Sink, order: Order) -> list[EmailMessage]:
    await send_pending()
    return [m for m in sink.messages if m["To"] == order.buyer_email and order.code in m["Subject"]
            and ("cancel" in m["Subject"] or "annul" in m["Subject"])]  # fmt: skip


async def test_organiser_cancel_with_refund_mails_the_buyer_once_in_their_language(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, smtp_to_sink: Sink
) -> None:
    order = await _paid(client, shop, fake_stripe, "fr")
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/cancel"
    assert (await client.post(path, json={"refund": True}, headers=bearer(token))).status_code == 200
    assert (await client.post(path, json={"refund": True}, headers=bearer(token))).status_code == 409
    [mail] = await _cancel_mails(smtp_to_sink, order)
    assert mail["Subject"].startswith(f"Votre commande {order.code} est annulée")
    text = _text(mail)
    assert "Les organisateurs ont annulé votre commande." in text
    assert "240,00" in text  # the refund, written the French way
    assert await OutboxMessage.filter(kind="order_cancelled").count() == 1


async def test_organiser_cancel_without_refund_says_nothing_of_money(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, smtp_to_sink: Sink
) -> None:
    order = await _paid(client, shop, fake_stripe, "en")
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/cancel"
    assert (await client.post(path, json={"refund": False}, headers=bearer(token))).status_code == 200
    [mail] = await _cancel_mails(smtp_to_sink, order)
    text = _text(mail)
    assert "The organisers have cancelled your order." in text
    assert "refunding" not in text


async def test_attendee_self_cancel_of_a_paid_order_mails_the_refund(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, smtp_to_sink: Sink
) -> None:
    order = await _paid(client, shop, fake_stripe, "en")
    answer = await client.post(f"/api/v1/orders/{order.code}/{order.secret}/cancel")
    assert answer.status_code == 200, answer.text
    [mail] = await _cancel_mails(smtp_to_sink, order)
    text = _text(mail)
    assert "You have cancelled your order, as you asked." in text
    assert "We are refunding €240.00 to you." in text


async def test_attendee_self_cancel_of_a_free_order_mails_once(
    client: httpx.AsyncClient, smtp_to_sink: Sink
) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    free = await make_ticket_type(event)
    order = await make_order(event, free.id, locale="en")
    path = f"/api/v1/orders/{order.code}/{order.secret}/cancel"
    assert (await client.post(path)).status_code == 200
    assert (await client.post(path)).status_code == 409
    [mail] = await _cancel_mails(smtp_to_sink, order)
    assert "You have cancelled your order" in _text(mail)
    assert "refunding" not in _text(mail)


@pytest.fixture
async def sold_out(app: object) -> tuple[Event, TicketType]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=None)
    one = await make_ticket_type(event, name="Atelier CRISPR", capacity=1)
    await make_order(event, one.id)
    return event, one


async def test_joining_the_waiting_list_mails_the_visitor_once_in_their_language(
    client: httpx.AsyncClient, sold_out: tuple[Event, TicketType], smtp_to_sink: Sink
) -> None:
    event, one = sold_out
    path = f"/events/{event.slug}/waiting-list/{one.id}"
    client.headers["Accept-Language"] = "fr"
    for _attempt in range(2):  # the second is refused: already waiting
        token = await csrf_from(client, path)
        await client.post(path, data={"csrf_token": token, "name": "Alice Martin", "email": "alice@labo.fr"})
    await send_pending()
    [mail] = [m for m in smtp_to_sink.messages if m["To"] == "alice@labo.fr"]
    assert mail["Subject"].startswith("Vous êtes sur la liste d'attente")
    text = _text(mail)
    assert "Atelier CRISPR" in text
    assert "24 heures" in text
