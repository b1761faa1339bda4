"""The Checkout Session: amounts from the server, the buyer's e-mail and language, the order in the
metadata, return URLs to the order page, and an idempotency key on every Stripe write."""

from __future__ import annotations

from datetime import timedelta

import httpx

from events import clock
from events.payments import jobs
from events.payments.fake_stripe import FakeStripe
from events.ticketing.models import Order
from tests.factories import api_token, bearer, make_order, make_ticket_type, order_body
from tests.payments.conftest import Shop, deliver, open_session, pending_order


async def test_session_is_built_from_the_servers_figures(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    dinner = await make_ticket_type(shop.event, name="Dîner de gala", price="85.50", vat_rate="20.00")
    order = await make_order(shop.event, shop.pass_type.id, shop.pass_type.id, dinner.id, locale="en")
    session = fake_stripe.sessions[await open_session(client, order)]
    created = next(r for r in fake_stripe.requests if r.path == "/v1/checkout/sessions")
    lines = sorted(
        (
            line["price_data"]["product_data"]["name"],
            int(line["price_data"]["unit_amount"]),
            int(line["quantity"]),
        )
        for line in created.params["line_items"]
    )
    assert lines == [("Dîner de gala", 8550, 1), ("Pass conférence", 12000, 2)]
    assert session["amount_total"] == order.total_cents == 32550
    assert session["currency"] == "eur"
    assert session["customer_email"] == order.buyer_email
    assert session["locale"] == "en"
    assert session["metadata"] == {"order_code": order.code}
    order_url = f"http://testserver/orders/{order.code}/{order.secret}"
    assert session["success_url"] == order_url + "?session_id={CHECKOUT_SESSION_ID}"
    assert session["cancel_url"] == order_url


async def test_promo_discount_is_in_the_amount_stripe_charges(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from events.catalogue.offers import create_promo_code

    await create_promo_code(shop.owner, shop.event, {"code": "MEMBRE", "percent_off": 25})
    order = await make_order(shop.event, shop.pass_type.id, promo_code="membre")
    session = fake_stripe.sessions[await open_session(client, order)]
    assert session["amount_total"] == order.total_cents == 9000


async def test_every_stripe_write_carries_an_idempotency_key(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from tests.factories import api_token, bearer

    order = await pending_order(shop)
    await deliver(client, fake_stripe, fake_stripe.complete(await open_session(client, order)))
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/refund"
    assert (await client.post(path, json={"amount": "20.00"}, headers=bearer(token))).status_code == 200
    with clock.frozen(clock.now()) as advance:
        other = await pending_order(shop)
        await open_session(client, other)
        advance(timedelta(minutes=16))
        await jobs.expire_checkout_sessions()
    writes = [r for r in fake_stripe.requests if r.method == "POST"]
    assert {r.path.split("/")[-1] for r in writes} == {"sessions", "refunds", "expire"}
    assert all(r.idempotency_key and len(r.idempotency_key) <= 255 for r in writes)


async def test_following_the_payment_link_twice_reuses_one_session(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    first = await open_session(client, order)
    second = await open_session(client, order)
    assert first == second
    assert len(fake_stripe.sessions) == 1


async def test_a_lost_answer_retried_by_the_library_makes_one_session(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    fake_stripe.fail_next = 1  # Stripe made the session, its answer was lost
    session_id = await open_session(client, order)
    assert len(fake_stripe.sessions) == 1
    creations = [r for r in fake_stripe.requests if r.path == "/v1/checkout/sessions" and r.method == "POST"]
    assert len(creations) == 2
    assert creations[0].idempotency_key == creations[1].idempotency_key
    await order.refresh_from_db()
    assert order.stripe_session_id == session_id


async def test_pending_order_json_carries_a_payment_url_and_a_free_one_none(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    free = await make_ticket_type(shop.event, name="Étudiant", price="0.00")
    paid = await client.post(f"/api/v1/events/{shop.event.slug}/orders", json=order_body(shop.pass_type.id))
    assert paid.json()["payment_url"] == paid.json()["order_url"] + "/pay"
    following = await client.get(paid.json()["payment_url"])
    assert following.status_code == 303
    assert following.headers["location"].startswith(fake_stripe.public_url + "/pay/cs_test_")
    gratis = await client.post(f"/api/v1/events/{shop.event.slug}/orders", json=order_body(free.id))
    assert gratis.json()["payment_url"] is None
    assert gratis.json()["invoice_url"] is None


async def test_order_whose_hold_lapsed_cannot_be_paid(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    with clock.frozen(clock.now()) as advance:
        order = await pending_order(shop)
        advance(timedelta(minutes=16))
        answer = await client.get(f"/orders/{order.code}/{order.secret}/pay")
    assert answer.status_code == 409
    assert "no longer be paid" in answer.text
    assert fake_stripe.sessions == {}


async def test_paid_order_payment_link_leads_back_to_the_order(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    await deliver(client, fake_stripe, fake_stripe.complete(await open_session(client, order)))
    again = await client.get(f"/orders/{order.code}/{order.secret}/pay")
    assert again.status_code == 303
    assert again.headers["location"] == f"http://testserver/orders/{order.code}/{order.secret}"


async def test_stripe_unreachable_gives_a_clear_error_not_a_500(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    fake_stripe.fail_next = 10
    answer = await client.get(f"/orders/{order.code}/{order.secret}/pay")
    fake_stripe.fail_next = 0
    assert answer.status_code == 503
    assert "payment service cannot be reached" in answer.text
    await order.refresh_from_db()
    assert order.stripe_session_id is None


async def test_order_page_shows_the_pay_button_while_places_are_held(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order: Order = await pending_order(shop)
    page = await client.get(f"/orders/{order.code}/{order.secret}")
    assert f'href="http://testserver/orders/{order.code}/{order.secret}/pay"' in page.text


async def test_delayed_payment_shows_as_being_confirmed(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    fake_stripe.complete(await open_session(client, order), delayed=True)
    page = await client.get(f"/orders/{order.code}/{order.secret}")
    assert "being confirmed by your bank" in page.text
    assert f"/orders/{order.code}/{order.secret}/pay" not in page.text
    await order.refresh_from_db()
    assert order.status == "pending"


async def test_a_payment_being_confirmed_no_longer_asks_to_complete_it(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    fake_stripe.complete(await open_session(client, order), delayed=True)
    page = await client.get(f"/orders/{order.code}/{order.secret}")
    assert "being confirmed by your bank" in page.text
    assert "Complete the payment to confirm them" not in page.text


async def test_an_unpaid_orders_tickets_are_not_shown_as_valid(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    page = await client.get(f"/orders/{order.code}/{order.secret}")
    tickets = page.text.split('class="table-scroll"', 1)[1].split("</table>", 1)[0]
    assert "Not paid yet" in tickets
    assert "badge-ok" not in tickets


async def test_a_promo_code_is_taken_off_once_on_the_order_page(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    auth = bearer(await api_token(client, shop.owner.email))
    promo = await client.post(
        f"/api/v1/events/{shop.event.slug}/promo-codes",
        json={"code": "LAB10", "percent_off": 10},
        headers=auth,
    )
    assert promo.status_code == 201, promo.text
    order = await pending_order(shop, 2, promo_code="LAB10")
    assert order.total_cents == 21600
    page = (await client.get(f"/orders/{order.code}/{order.secret}")).text
    tickets = page.split('class="table-scroll"', 1)[1].split("</table>", 1)[0]
    assert tickets.count("120.00") == 2
    assert "108.00" not in tickets
    assert "−€24.00" in page
    assert "€216.00" in page
