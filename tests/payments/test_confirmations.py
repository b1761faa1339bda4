"""Irreversible actions ask first, without JavaScript: self-cancel, the organiser's cancel, refund and
cancel-and-refund act only with their confirmation box ticked; the refund amount is read in the page's
language, and a bad one comes back beside its field with nothing lost."""

from __future__ import annotations

import httpx

from events.audit.models import AuditEntry
from events.payments.fake_stripe import FakeStripe
from events.payments.models import Refund
from events.ticketing.models import Order
from tests.factories import csrf_from, login, make_order, make_ticket_type
from tests.payments.conftest import Shop, deliver, open_session, pending_order


async def _paid(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe) -> Order:
    order = await pending_order(shop, 1)
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    await order.refresh_from_db()
    assert order.status == "paid"
    return order


async def _organiser_page(client: httpx.AsyncClient, shop: Shop, order: Order) -> tuple[str, str]:
    await login(client, shop.owner.email)
    detail = f"/dashboard/events/{shop.event.slug}/orders/{order.code}"
    return detail, await csrf_from(client, detail)


async def test_organiser_cancel_without_the_box_ticked_changes_nothing(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    order = await make_order(shop.event, (await make_ticket_type(shop.event)).id)
    detail, token = await _organiser_page(client, shop, order)
    page = await client.get(detail)
    assert 'name="confirm"' in page.text.split(f"{detail}/cancel", 1)[1].split("</form>", 1)[0]
    answer = await client.post(f"{detail}/cancel", data={"csrf_token": token})
    assert answer.status_code == 422
    assert 'id="e-cancel-confirm"' in answer.text
    assert (await Order.get(id=order.id)).status == order.status
    assert not await AuditEntry.filter(action="order.cancelled").exists()
    done = await client.post(f"{detail}/cancel", data={"csrf_token": token, "confirm": "on"})
    assert done.status_code == 303
    assert (await Order.get(id=order.id)).status == "cancelled"


async def test_self_cancel_asks_for_confirmation_then_cancels(client: httpx.AsyncClient, shop: Shop) -> None:
    order = await make_order(shop.event, (await make_ticket_type(shop.event)).id)
    page_url = f"/orders/{order.code}/{order.secret}"
    token = await csrf_from(client, page_url)
    answer = await client.post(f"{page_url}/cancel", data={"csrf_token": token})
    assert answer.status_code == 422
    assert 'id="e-cancel-confirm"' in answer.text
    assert (await Order.get(id=order.id)).status == order.status
    forged = await client.post(f"{page_url}/cancel", data={"confirm": "on"})
    assert forged.status_code == 403
    done = await client.post(f"{page_url}/cancel", data={"csrf_token": token, "confirm": "on"})
    assert done.status_code == 303
    assert (await Order.get(id=order.id)).status == "cancelled"


async def test_refund_and_cancel_and_refund_need_the_box_ticked(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    detail, token = await _organiser_page(client, shop, order)
    form = {"csrf_token": token, "amount": "20.00", "reason": "Dîner annulé", "idempotency_key": "k1"}
    refused = await client.post(f"{detail}/refund", data=form)
    assert refused.status_code == 422
    assert 'id="e-refund-confirm"' in refused.text
    assert 'value="Dîner annulé"' in refused.text  # what was typed is still there
    both = await client.post(
        f"{detail}/cancel-and-refund", data={"csrf_token": token, "idempotency_key": "k2"}
    )
    assert both.status_code == 422
    assert 'id="e-cancel-refund-confirm"' in both.text
    assert 'id="e-refund-confirm"' not in both.text
    assert await Refund.filter(order_id=order.id).count() == 0
    assert (await Order.get(id=order.id)).status == "paid"


async def test_refund_amount_with_a_french_decimal_comma_is_refunded(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    client.headers["Accept-Language"] = "fr"
    detail, token = await _organiser_page(client, shop, order)
    form = {"csrf_token": token, "amount": "90,00", "idempotency_key": "fr-1", "confirm": "on"}
    answer = await client.post(f"{detail}/refund", data=form)
    assert answer.status_code == 303, answer.text
    assert [r.amount_cents for r in await Refund.filter(order_id=order.id)] == [9000]


async def test_refund_amount_with_a_decimal_point_is_refunded_on_an_english_page(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    client.headers["Accept-Language"] = "en"
    detail, token = await _organiser_page(client, shop, order)
    form = {"csrf_token": token, "amount": "12.50", "idempotency_key": "en-1", "confirm": "on"}
    assert (await client.post(f"{detail}/refund", data=form)).status_code == 303
    assert [r.amount_cents for r in await Refund.filter(order_id=order.id)] == [1250]


async def test_a_bad_refund_amount_comes_back_beside_its_field_with_nothing_lost(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    client.headers["Accept-Language"] = "fr"
    detail, token = await _organiser_page(client, shop, order)
    form = {"csrf_token": token, "amount": "90,00 €€", "reason": "Atelier annulé",
            "idempotency_key": "bad-1", "confirm": "on"}  # fmt: skip
    answer = await client.post(f"{detail}/refund", data=form)
    assert answer.status_code == 422
    assert 'id="e-refund-amount"' in answer.text
    assert 'value="90,00 €€"' in answer.text
    assert 'value="Atelier annulé"' in answer.text
    assert "checked" in answer.text.split('id="refund-amount"', 1)[1].split("</form>", 1)[0]
    assert await Refund.filter(order_id=order.id).count() == 0
