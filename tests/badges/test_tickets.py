"""The buyer's tickets: QR images, ticket PDFs (one ticket, the whole order), the e-mail attachment."""

from __future__ import annotations

import httpx
import pytest

from events.badges.attachments import order_tickets
from events.mail import attachments
from events.mail.models import OutboxMessage
from events.ticketing import lifecycle
from events.ticketing.models import Order, Ticket
from tests.badges.conftest import decode_png, image_sizes_mm, pdf_pages, qr_texts
from tests.factories import make_event, make_order, make_organiser, make_ticket_type


@pytest.fixture
async def order(app: object) -> Order:
    user = await make_organiser()
    event = await make_event(user, published=True, title="Forum Biotech Occitanie")
    pass_type = await make_ticket_type(event, name="Pass chercheur")
    return await make_order(event, pass_type.id, pass_type.id)


def _base(order: Order) -> str:
    return f"/orders/{order.code}/{order.secret}"


async def test_qr_png_decodes_to_the_exact_secret(client: httpx.AsyncClient, order: Order) -> None:
    for ticket in await Ticket.filter(order_id=order.id):
        answer = await client.get(f"{_base(order)}/tickets/{ticket.id}.png")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "image/png"
        assert decode_png(answer.content) == [ticket.secret]


async def test_qr_url_of_the_api_is_the_served_png(client: httpx.AsyncClient, order: Order) -> None:
    body = (await client.get(f"/api/v1/orders/{order.code}/{order.secret}")).json()
    for ticket in body["tickets"]:
        png = await client.get(ticket["qr_url"].removeprefix("http://testserver"))
        assert decode_png(png.content) == [ticket["secret"]]
        pdf = await client.get(ticket["pdf_url"].removeprefix("http://testserver"))
        assert qr_texts(pdf.content) == [[ticket["secret"]]]


async def test_qr_svg_is_served_for_printing(client: httpx.AsyncClient, order: Order) -> None:
    ticket = await Ticket.filter(order_id=order.id).first()
    assert ticket is not None
    answer = await client.get(f"{_base(order)}/tickets/{ticket.id}.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.content.lstrip().startswith(b"<?xml") and b"<svg" in answer.content
    assert b"<script" not in answer.content


async def test_ticket_pdf_shows_event_attendee_and_a_large_qr(
    client: httpx.AsyncClient, order: Order
) -> None:
    ticket = await Ticket.filter(order_id=order.id).select_related("event").first()
    assert ticket is not None
    answer = await client.get(f"{_base(order)}/tickets/{ticket.id}.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert qr_texts(answer.content) == [[ticket.secret]]
    assert min(image_sizes_mm(answer.content)) >= 60
    text = pdf_pages(answer.content).pages[0].extract_text()
    for expected in (
        "Forum Biotech Occitanie",
        ticket.attendee_name,
        "Pass chercheur",
        "Centre de congrès",
        "9:00",
    ):
        assert expected in text


async def test_ticket_pdf_gives_the_time_in_the_events_zone(client: httpx.AsyncClient, app: object) -> None:
    user = await make_organiser()
    event = await make_event(
        user, published=True, timezone="America/Montreal",
        starts_at="2031-06-10T09:30:00-04:00", ends_at="2031-06-10T17:00:00-04:00",
    )  # fmt: skip
    order = await make_order(event, (await make_ticket_type(event)).id)
    answer = await client.get(f"{_base(order)}/tickets.pdf")
    text = pdf_pages(answer.content).pages[0].extract_text()
    assert "9:30" in text and "5:00" in text
    assert "1:30" not in text  # 13:30 UTC


async def test_order_pdf_has_one_page_per_ticket(client: httpx.AsyncClient, order: Order) -> None:
    answer = await client.get(f"{_base(order)}/tickets.pdf")
    assert answer.status_code == 200
    secrets = [t.secret for t in await Ticket.filter(order_id=order.id).order_by("id")]
    assert qr_texts(answer.content) == [[s] for s in secrets]


async def test_pending_order_has_no_ticket_yet(client: httpx.AsyncClient, order: Order) -> None:
    event = await order.event
    paid = await make_ticket_type(event, price="120.00")
    pending = await make_order(event, paid.id)
    ticket = await Ticket.get(order_id=pending.id)
    for path in (f"tickets/{ticket.id}.png", f"tickets/{ticket.id}.pdf", "tickets.pdf"):
        answer = await client.get(f"{_base(pending)}/{path}")
        assert answer.status_code == 409, path
    page = await client.get(_base(pending))
    assert "tickets.pdf" not in page.text


async def test_cancelled_order_has_no_ticket_any_more(client: httpx.AsyncClient, order: Order) -> None:
    await lifecycle.cancel_by_attendee(order)
    ticket = await Ticket.filter(order_id=order.id).first()
    assert ticket is not None
    answer = await client.get(f"{_base(order)}/tickets/{ticket.id}.png")
    assert answer.status_code == 409
    assert answer.text.count("ticket_not_issued") == 0  # an HTML page, in words


async def test_tickets_need_the_order_secret(client: httpx.AsyncClient, order: Order) -> None:
    ticket = await Ticket.filter(order_id=order.id).first()
    assert ticket is not None
    assert (await client.get(f"/orders/{order.code}/wrong/tickets/{ticket.id}.png")).status_code == 404
    assert (await client.get(f"/orders/{order.code}/wrong/tickets.pdf")).status_code == 404


async def test_another_orders_ticket_is_not_found(client: httpx.AsyncClient, order: Order) -> None:
    event = await order.event
    other = await make_order(event, (await make_ticket_type(event)).id)
    theirs = await Ticket.get(order_id=other.id)
    assert (await client.get(f"{_base(order)}/tickets/{theirs.id}.png")).status_code == 404
    assert (await client.get(f"{_base(order)}/tickets/99999999999.png")).status_code == 404


async def test_order_page_links_each_ticket_and_the_whole_order(
    client: httpx.AsyncClient, order: Order
) -> None:
    page = await client.get(_base(order))
    assert page.status_code == 200
    for ticket in await Ticket.filter(order_id=order.id):
        assert f"{_base(order)}/tickets/{ticket.id}.png" in page.text
        assert f"{_base(order)}/tickets/{ticket.id}.pdf" in page.text
    assert f"{_base(order)}/tickets.pdf" in page.text


async def test_confirmation_email_attaches_the_tickets_pdf(order: Order) -> None:
    message = await OutboxMessage.get(kind="order_confirmation")
    ours = [spec for spec in message.attachments if spec["kind"] == "order_tickets"]
    [(name, mime, content)] = await attachments.resolve(ours)
    assert mime == "application/pdf"
    assert order.code in name
    secrets = [t.secret for t in await Ticket.filter(order_id=order.id).order_by("id")]
    assert qr_texts(content) == [[s] for s in secrets]


async def test_attachment_of_an_order_cancelled_meanwhile_is_a_notice(order: Order) -> None:
    await lifecycle.cancel_by_attendee(order)
    _name, _mime, content = await order_tickets({"kind": "order_tickets", "order_id": order.id})
    assert qr_texts(content) == [[]]
    assert pdf_pages(content).pages[0].extract_text().strip() != ""
