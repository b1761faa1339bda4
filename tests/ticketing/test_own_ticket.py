"""The attendee's own ticket page: their badge and links, their own news consent, nothing of the order."""

from __future__ import annotations

import httpx

from events.ticketing.models import Order, Ticket
from tests.factories import csrf_from, make_event, make_order, make_organiser, make_ticket_type


async def _group_order(**attendee_extra: object) -> tuple[Order, list[Ticket]]:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    kind = await make_ticket_type(event, name="Pass")
    order = await make_order(
        event,
        kind.id,
        kind.id,
        buyer={"name": "Acheteuse", "email": "buyer@example.org", "vat_id": "FR40303265045", "country": "FR"},
        tickets=[
            {"ticket_type": kind.id, "attendee": {"name": "Amélie Poulain", "email": "amelie@example.org",
                                                   **attendee_extra}},
            {"ticket_type": kind.id, "attendee": {"name": "Colleague Other", "email": "other@example.org"}},
        ],
    )  # fmt: skip
    return order, list(await Ticket.filter(order_id=order.id).order_by("id"))


async def test_ticket_page_shows_the_badge_and_nothing_of_the_order(client: httpx.AsyncClient) -> None:
    order, (mine, other) = await _group_order()
    page = await client.get(f"/tickets/{mine.agenda_token}")
    assert page.status_code == 200
    assert "Amélie Poulain" in page.text
    assert f"/tickets/{mine.agenda_token}/badge.png" in page.text
    assert f"/agenda/{mine.agenda_token}.ics" in page.text
    for private in (
        "Colleague Other",
        "buyer@example.org",
        "FR40303265045",
        order.secret,
        other.agenda_token,
    ):
        assert private not in page.text
    badge = await client.get(f"/tickets/{mine.agenda_token}/badge.png")
    assert badge.status_code == 200 and badge.headers["content-type"] == "image/png"
    pdf = await client.get(f"/tickets/{mine.agenda_token}/ticket.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_unknown_or_malformed_token_is_not_found(client: httpx.AsyncClient) -> None:
    for token in ("x" * 32, "a" * 500, "short", "bad%20token%20with%20spaces%20in%20it"):
        assert (await client.get(f"/tickets/{token}")).status_code == 404


async def test_cancelled_ticket_has_no_badge(client: httpx.AsyncClient) -> None:
    _order, (mine, _other) = await _group_order()
    await Ticket.filter(id=mine.id).update(status="cancelled")
    page = await client.get(f"/tickets/{mine.agenda_token}")
    assert page.status_code == 200 and "badge.png" not in page.text
    badge = await client.get(f"/tickets/{mine.agenda_token}/badge.png")
    assert badge.status_code == 409


async def test_attendee_gives_and_withdraws_their_own_news_consent(client: httpx.AsyncClient) -> None:
    _order, (mine, other) = await _group_order()
    token = await csrf_from(client, f"/tickets/{mine.agenda_token}")
    given = await client.post(f"/tickets/{mine.agenda_token}/news", data={"news": "yes", "csrf_token": token})
    assert given.status_code == 303
    assert (await Ticket.get(id=mine.id)).news_consent is True
    assert (await Ticket.get(id=other.id)).news_consent is False
    await client.post(f"/tickets/{mine.agenda_token}/news", data={"news": "no", "csrf_token": token})
    assert (await Ticket.get(id=mine.id)).news_consent is False


async def test_news_consent_form_needs_its_csrf_token(client: httpx.AsyncClient) -> None:
    _order, (mine, _other) = await _group_order()
    answer = await client.post(f"/tickets/{mine.agenda_token}/news", data={"news": "yes"})
    assert answer.status_code == 403
    assert (await Ticket.get(id=mine.id)).news_consent is False


async def test_attendee_consent_at_registration_is_their_own(client: httpx.AsyncClient) -> None:
    order, (mine, other) = await _group_order(consents={"marketing": True})
    assert mine.news_consent is True and other.news_consent is False
    answer = await client.get(f"/api/v1/orders/{order.code}/{order.secret}")
    tickets = answer.json()["tickets"]
    assert [t["attendee"]["consents"] for t in tickets] == [
        {"marketing": True, "door": False},  # no door questions here: nothing shown at the door
        {"marketing": False, "door": False},
    ]
    assert tickets[0]["ticket_url"] == f"http://testserver/tickets/{mine.agenda_token}"
