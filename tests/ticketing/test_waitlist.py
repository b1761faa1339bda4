"""The waiting list: joining a sold-out type, offers of freed places in turn, lapsed offers passed on."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx
import pytest
from aiosmtpd.controller import Controller

from events import clock, worker
from events.accounts.models import User
from events.catalogue.models import Event, TicketType
from events.errors import AlreadyWaiting, DomainError, PlacesAvailable, Throttled
from events.mail import smtp
from events.mail.models import OutboxMessage
from events.ticketing import waitlist
from events.ticketing.availability import availability
from events.ticketing.lifecycle import cancel_by_organiser
from events.ticketing.models import Order, Ticket, WaitingListEntry
from events.ticketing.orders import place_order
from tests.factories import (
    csrf_from,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    order_body,
)
from tests.mail.conftest import Sink, free_port


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sink]:
    """A real SMTP server (as in tests/mail) that the outbox sends to."""
    sink = Sink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    monkeypatch.setattr(smtp, "smtp_config", sink.config)
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True, capacity=None)


@pytest.fixture
async def full(event: Event) -> tuple[TicketType, Order]:
    """A one-place ticket type, and the order that took the place."""
    one = await make_ticket_type(event, name="Atelier CRISPR", capacity=1)
    return one, await make_order(event, one.id)


async def _worker_cycle() -> int:
    """The worker's two jobs that matter here, as registered: offers first, then the outbox.

    Only these two run, so that other areas' jobs (payment reconciliation…) stay out of these tests.
    """
    worker.load_jobs()
    offered = await worker._jobs["offer waiting-list places"].job()
    await worker._jobs["send outbox"].job()
    return int(offered or 0)


def _join_data(token: str, name: str = "Alice Martin", email: str = "alice@labo.fr") -> dict[str, str]:
    return {"csrf_token": token, "name": name, "email": email}


async def _join(client: httpx.AsyncClient, event: Event, type_id: int, **person: str) -> httpx.Response:
    path = f"/events/{event.slug}/waiting-list/{type_id}"
    return await client.post(path, data=_join_data(await csrf_from(client, path), **person))


def _offers_to(sink: Sink, address: str) -> list[EmailMessage]:
    return [m for m in sink.messages if m["To"] == address and "offer=" in _text(m)]


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _link(message: EmailMessage) -> str:
    found = re.search(r"http://testserver/events/\S+offer=\S+", _text(message))
    assert found, _text(message)
    parts = urlsplit(found.group(0))
    return f"{parts.path}?{parts.query}"


def _register_form(token: str, type_id: int, offer: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "count": "1",
        "offer": offer,
        "ticket-0-type": str(type_id),
        "ticket-0-name": "Alice Martin",
        "buyer-name": "Alice Martin",
        "buyer-email": "alice@labo.fr",
        "privacy": "on",
    }


async def test_sold_out_type_links_to_its_waiting_list(
    client: httpx.AsyncClient, event: Event, full: tuple[TicketType, Order]
) -> None:
    one, _order = full
    open_type = await make_ticket_type(event, name="Plénière")
    page = (await client.get(f"/events/{event.slug}")).text
    assert f"/events/{event.slug}/waiting-list/{one.id}" in page
    assert f"/waiting-list/{open_type.id}" not in page


async def test_visitor_joins_the_waiting_list_of_a_sold_out_type(
    client: httpx.AsyncClient, event: Event, full: tuple[TicketType, Order]
) -> None:
    one, _order = full
    answer = await _join(client, event, one.id, email=" Alice@Labo.FR ")
    assert answer.status_code == 303
    confirmation = await client.get(answer.headers["location"])
    assert "You are on the waiting list" in confirmation.text
    entry = await WaitingListEntry.get()
    assert (entry.ticket_type_id, entry.email, entry.status, entry.locale) == (
        one.id,
        "alice@labo.fr",
        "waiting",
        "en",
    )


async def test_one_active_entry_per_email_and_type(event: Event, full: tuple[TicketType, Order]) -> None:
    one, _order = full
    data = {"name": "Alice", "email": "alice@labo.fr"}
    await waitlist.join(event, one, data, locale="fr", client="10.0.0.1")
    with pytest.raises(AlreadyWaiting) as refused:
        await waitlist.join(event, one, {**data, "email": "ALICE@labo.fr"}, locale="fr", client="10.0.0.1")
    assert refused.value.code == "already_waiting"
    assert await WaitingListEntry.all().count() == 1


async def test_no_waiting_list_while_places_are_left(event: Event) -> None:
    roomy = await make_ticket_type(event, capacity=5)
    with pytest.raises(PlacesAvailable) as refused:
        await waitlist.join(event, roomy, {"name": "A", "email": "a@b.fr"}, locale="fr", client="x")
    assert refused.value.code == "places_available"
    assert await WaitingListEntry.all().count() == 0


async def test_joining_while_places_are_left_explains_on_the_page(
    client: httpx.AsyncClient, event: Event
) -> None:
    roomy = await make_ticket_type(event, capacity=5)
    answer = await _join(client, event, roomy.id)
    assert answer.status_code == 409
    assert "you can register now" in answer.text
    assert await WaitingListEntry.all().count() == 0


async def test_invalid_email_shows_the_form_again_and_stores_nothing(
    client: httpx.AsyncClient, event: Event, full: tuple[TicketType, Order]
) -> None:
    one, _order = full
    answer = await _join(client, event, one.id, name="", email="not-an-address")
    assert answer.status_code == 422
    assert 'id="e-email"' in answer.text and 'id="e-name"' in answer.text
    assert 'value="not-an-address"' in answer.text
    assert await WaitingListEntry.all().count() == 0


async def test_hidden_and_foreign_types_have_no_waiting_list(client: httpx.AsyncClient, event: Event) -> None:
    hidden = await make_ticket_type(event, hidden=True, capacity=0)
    other = await make_event(await make_organiser(), published=True)
    theirs = await make_ticket_type(other, capacity=0)
    assert (await client.get(f"/events/{event.slug}/waiting-list/{hidden.id}")).status_code == 404
    assert (await client.get(f"/events/{event.slug}/waiting-list/{theirs.id}")).status_code == 404


async def test_joining_is_throttled_per_client(event: Event, full: tuple[TicketType, Order]) -> None:
    one, _order = full
    for n in range(waitlist.JOIN_LIMIT):
        await waitlist.join(event, one, {"name": "X", "email": f"x{n}@b.fr"}, locale="fr", client="1.2.3.4")
    with pytest.raises(Throttled) as refused:
        await waitlist.join(event, one, {"name": "X", "email": "late@b.fr"}, locale="fr", client="1.2.3.4")
    assert refused.value.code == "throttled"


async def test_nothing_is_offered_while_the_type_stays_full(
    event: Event, full: tuple[TicketType, Order]
) -> None:
    one, _order = full
    await waitlist.join(event, one, {"name": "A", "email": "a@b.fr"}, locale="fr", client="x")
    assert await waitlist.offer_places() == 0
    assert (await WaitingListEntry.get()).status == "waiting"


async def test_freed_place_is_offered_by_email_and_taken_through_the_offer(
    client: httpx.AsyncClient,
    owner: User,
    event: Event,
    full: tuple[TicketType, Order],
    mailbox: Sink,
) -> None:
    one, first_order = full
    assert (await _join(client, event, one.id)).status_code == 303
    await cancel_by_organiser(owner, first_order)

    assert await _worker_cycle() == 1
    await _worker_cycle()  # the offer e-mail was enqueued by the job: this cycle sends it
    offers = _offers_to(mailbox, "alice@labo.fr")
    assert len(offers) == 1
    link = _link(offers[0])
    entry = await WaitingListEntry.get()
    assert entry.status == "offered" and entry.offer_token in link
    assert entry.offer_expires_at == entry.offered_at + timedelta(hours=24)

    stranger = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(one.id))
    assert stranger.status_code == 409
    assert stranger.json()["error"]["code"] == "sold_out"
    assert (await availability(event, [one]))[one.id] == 0

    page = await client.get(link)
    assert "A place is kept for you" in page.text
    token = await csrf_from(client, link)
    registered = await client.post(
        f"/events/{event.slug}/register", data=_register_form(token, one.id, entry.offer_token or "")
    )
    assert registered.status_code == 303, registered.text
    await entry.refresh_from_db()
    assert entry.status == "converted"
    order = await Order.get(id=entry.order_id)  # type: ignore[attr-defined]
    assert (order.status, order.buyer_email) == ("paid", "alice@labo.fr")
    assert await waitlist.offer_places() == 0


async def test_unused_offer_lapses_and_passes_to_the_next_person(
    client: httpx.AsyncClient,
    owner: User,
    event: Event,
    full: tuple[TicketType, Order],
    mailbox: Sink,
) -> None:
    one, first_order = full
    with clock.frozen(clock.now()) as advance:
        await waitlist.join(event, one, {"name": "Alice", "email": "alice@labo.fr"}, locale="fr", client="a")
        advance(timedelta(minutes=1))
        await waitlist.join(event, one, {"name": "Bruno", "email": "bruno@labo.fr"}, locale="en", client="b")
        await cancel_by_organiser(owner, first_order)
        await _worker_cycle()
        await _worker_cycle()
        alice_link = _link(_offers_to(mailbox, "alice@labo.fr")[0])
        assert _offers_to(mailbox, "bruno@labo.fr") == []

        advance(timedelta(hours=23))
        await _worker_cycle()
        assert _offers_to(mailbox, "bruno@labo.fr") == []

        advance(timedelta(hours=1, seconds=1))
        await _worker_cycle()
        await _worker_cycle()
        statuses = dict(await WaitingListEntry.all().values_list("email", "status"))
        assert statuses == {"alice@labo.fr": "lapsed", "bruno@labo.fr": "offered"}
        assert len(_offers_to(mailbox, "bruno@labo.fr")) == 1

        token = await csrf_from(client, alice_link)
        offer = dict(p.split("=", 1) for p in alice_link.split("?", 1)[1].split("&"))["offer"]
        late = await client.post(f"/events/{event.slug}/register", data=_register_form(token, one.id, offer))
        assert late.status_code in (409, 422)
        assert await Order.filter(buyer_email="alice@labo.fr").count() == 0


async def test_offers_go_out_in_order_for_each_free_place_only(
    owner: User, event: Event, full: tuple[TicketType, Order]
) -> None:
    one, first_order = full
    one.capacity = 2
    await one.save()
    await make_order(event, one.id)
    with clock.frozen(clock.now()) as advance:
        for name in ("ana", "ben", "chloé"):
            await waitlist.join(event, one, {"name": name, "email": f"{name}@b.fr"}, locale="fr", client=name)
            advance(timedelta(seconds=1))
        await cancel_by_organiser(owner, first_order)
        assert await waitlist.offer_places() == 1
        assert await waitlist.offer_places() == 0
    offered = await WaitingListEntry.filter(status="offered").values_list("name", flat=True)
    assert offered == ["ana"]
    assert await OutboxMessage.filter(kind="waitlist_offer").count() == 1


async def test_offer_email_is_in_the_waiting_person_language(
    owner: User, event: Event, full: tuple[TicketType, Order]
) -> None:
    one, first_order = full
    await waitlist.join(event, one, {"name": "Zoé", "email": "zoe@b.fr"}, locale="fr", client="z")
    await cancel_by_organiser(owner, first_order)
    await waitlist.offer_places()
    message = await OutboxMessage.get(kind="waitlist_offer")
    assert message.locale == "fr"
    assert "Zoé" in message.text_body
    assert f"type-{one.id}=1" in message.text_body


async def test_concurrent_offer_jobs_hand_each_freed_place_out_once(
    owner: User, event: Event, full: tuple[TicketType, Order]
) -> None:
    """Several workers (real connections on PostgreSQL) run the job at once: one place, one offer."""
    one, first_order = full
    for n in range(6):
        await waitlist.join(event, one, {"name": f"P{n}", "email": f"p{n}@b.fr"}, locale="fr", client=str(n))
    await cancel_by_organiser(owner, first_order)
    made = await asyncio.gather(*(waitlist.offer_places() for _ in range(8)))
    assert sum(made) == 1
    assert await WaitingListEntry.filter(status="offered").count() == 1
    assert await OutboxMessage.filter(kind="waitlist_offer").count() == 1


async def test_buyers_racing_the_offer_job_never_oversell(
    owner: User, event: Event, full: tuple[TicketType, Order]
) -> None:
    """A freed place is taken either by a buyer or by an offer, never by both."""
    one, first_order = full
    await waitlist.join(event, one, {"name": "W", "email": "w@b.fr"}, locale="fr", client="w")
    await cancel_by_organiser(owner, first_order)

    async def buy() -> str:
        try:
            await place_order(event.slug, order_body(one.id))
        except DomainError as error:
            return error.code
        return "ok"

    outcomes = await asyncio.gather(waitlist.offer_places(), *(buy() for _ in range(10)))
    offers, sales = outcomes[0], Counter(outcomes[1:])
    assert offers + sales["ok"] == 1
    assert sales["sold_out"] == 10 - sales["ok"]
    live = await Ticket.filter(ticket_type_id=one.id, status="valid").count()
    assert live + await WaitingListEntry.filter(status="offered").count() == 1


async def test_a_place_freed_while_people_wait_goes_to_the_queue_not_to_the_public(
    owner: User, event: Event, full: tuple[TicketType, Order]
) -> None:
    ticket_type, order = full
    await waitlist.join(
        event,
        ticket_type,
        {"name": "Alice Martin", "email": "alice@labo.fr"},
        locale="fr",
        client="127.0.0.9",
    )
    await cancel_by_organiser(owner, order)
    assert (await availability(event, [ticket_type]))[ticket_type.id] == 0
    with pytest.raises(DomainError) as refused:
        await place_order(event.slug, order_body(ticket_type.id))
    assert refused.value.code == "sold_out"
    assert await waitlist.offer_places() == 1


async def test_the_offer_page_shows_the_held_ticket_as_reserved_for_this_person(
    client: httpx.AsyncClient,
    owner: User,
    event: Event,
    full: tuple[TicketType, Order],
    mailbox: Sink,
) -> None:
    one, first_order = full
    assert (await _join(client, event, one.id)).status_code == 303
    await cancel_by_organiser(owner, first_order)
    await _worker_cycle()
    await _worker_cycle()
    link = _link(_offers_to(mailbox, "alice@labo.fr")[0])
    page = (await client.get(link)).text
    chooser = page.split('class="chooser"', 1)[1].split("</form>", 1)[0]
    assert "Reserved for you until" in chooser
    assert "Sold out" not in chooser
    assert "Join the waiting list" not in chooser
    assert f'name="type-{one.id}"' in chooser
    entry = await WaitingListEntry.get()
    assert f'name="offer" value="{entry.offer_token}"' in chooser  # "Continue" keeps the offer
    public = (await client.get(f"/events/{event.slug}/register")).text
    assert "Sold out" in public.split('class="chooser"', 1)[1].split("</form>", 1)[0]
