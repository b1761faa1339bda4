"""A promo code is shown one way wherever an order's lines are: each line at its full price, then one
discount line, then the total (as the invoice does: unit price and discount). The register page says
when a typed code is applied, and an unusable one is an error beside the code field."""

from __future__ import annotations

import io
import re

import httpx
from pypdf import PdfReader

from events.catalogue.offers import create_promo_code
from events.mail.services import send_pending
from events.payments.fake_stripe import FakeStripe
from events.ticketing.models import Order
from tests.factories import login, make_order
from tests.mail.conftest import Sink, sink, smtp_to_sink
from tests.payments.conftest import Shop, deliver, open_session, shop

__all__ = ["shop", "sink", "smtp_to_sink"]


def _text(html: str) -> str:
    """The page as a reader sees it: tags dropped, spaces (non-breaking ones too) collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("\u202f", " ").replace("\xa0", " "))


async def _paid_with_code(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe, locale: str) -> Order:
    await create_promo_code(shop.owner, shop.event, {"code": "MEMBRE", "percent_off": 25})
    order = await make_order(
        shop.event, shop.pass_type.id, shop.pass_type.id, promo_code="membre", locale=locale
    )
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    await order.refresh_from_db()
    assert (order.status, order.total_cents, order.discount_cents) == ("paid", 18000, 6000)
    return order


async def test_valid_code_in_the_link_says_it_is_applied_with_its_percentage(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    await create_promo_code(shop.owner, shop.event, {"code": "LABO10", "percent_off": 10})
    english = await client.get(f"/events/{shop.event.slug}/register?code=labo10&lang=en")
    assert english.status_code == 200
    assert "Code LABO10 applied: −10%" in _text(english.text)
    assert 'id="e-code"' not in english.text
    french = await client.get(f"/events/{shop.event.slug}/register?code=LABO10&lang=fr")
    assert re.search(r"Code LABO10 appliqué : −10 ?%", _text(french.text))


async def test_valid_amount_code_says_the_amount_taken_off(client: httpx.AsyncClient, shop: Shop) -> None:
    await create_promo_code(shop.owner, shop.event, {"code": "SPEAKER", "amount_off": "30.00"})
    page = await client.get(f"/events/{shop.event.slug}/register", params={"code": "SPEAKER", "lang": "en"})
    assert "Code SPEAKER applied: −€30.00" in _text(page.text)


async def test_unknown_code_is_an_error_beside_the_code_field(client: httpx.AsyncClient, shop: Shop) -> None:
    page = await client.get(f"/events/{shop.event.slug}/register", params={"code": "NOPE", "lang": "en"})
    assert page.status_code == 200
    field = page.text.split('id="f-code"', 1)[1].split("</div>", 1)[0]
    assert 'aria-describedby="e-code"' in field
    assert 'id="e-code"' in field and "This promo code is not valid." in field
    assert "applied" not in _text(page.text)


async def test_used_up_code_is_an_error_beside_the_code_field(client: httpx.AsyncClient, shop: Shop) -> None:
    await create_promo_code(shop.owner, shop.event, {"code": "ONCE", "percent_off": 50, "max_uses": 1})
    await make_order(shop.event, shop.pass_type.id, promo_code="ONCE")
    page = await client.get(f"/events/{shop.event.slug}/register", params={"code": "ONCE", "lang": "en"})
    field = page.text.split('id="f-code"', 1)[1].split("</div>", 1)[0]
    assert "This promo code has already been used as many times as allowed." in field


async def test_order_page_shows_full_prices_then_one_discount(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid_with_code(client, shop, fake_stripe, "en")
    page = _text((await client.get(f"/orders/{order.code}/{order.secret}?lang=en")).text)
    assert page.count("€120.00") == 2
    assert "€90.00" not in page
    assert page.count("Discount: −€60.00") == 1
    assert "Total: €180.00" in page


async def test_dashboard_order_page_shows_full_prices_then_one_discount(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid_with_code(client, shop, fake_stripe, "en")
    await login(client, shop.owner.email)
    html = (await client.get(f"/dashboard/events/{shop.event.slug}/orders/{order.code}?lang=en")).text
    page = _text(html)
    assert page.count("Price €120.00") == 2
    assert "€90.00" not in page
    assert page.count("Discount −€60.00") == 1
    assert "Total €180.00" in page


async def test_confirmation_mail_shows_full_prices_then_one_discount(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, smtp_to_sink: Sink
) -> None:
    await _paid_with_code(client, shop, fake_stripe, "fr")
    await send_pending()
    [message] = [m for m in smtp_to_sink.messages if "Votre inscription" in m["Subject"]]
    plain = _text(message.get_body(("plain",)).get_content())
    assert plain.count("Pass conférence · 120,00 €") == 2
    assert "90,00 €" not in plain
    assert plain.count("Remise : −60,00 €") == 1
    assert "Total : 180,00 €" in plain
    html = _text(message.get_body(("html",)).get_content())
    assert html.count("Pass conférence · 120,00 €") == 2
    assert "Remise −60,00 €" in html and "90,00 €" not in html
    invoice = next(p for p in message.iter_attachments() if (p.get_filename() or "").startswith("F"))
    reader = PdfReader(io.BytesIO(invoice.get_payload(decode=True)))
    lines = _text(" ".join(page.extract_text() for page in reader.pages))
    # The invoice says the same: the unit price before the discount (excl. VAT), the discount beside it.
    assert f"Pass conférence — {shop.event.title} 2 109,09 € 54,55 € 10% 163,64 € 180,00 €" in lines
