"""A visitor buys a paid ticket in a real browser: registers, pays on the (fake) Stripe page, comes back
to an order page that shows the paid ticket and the invoice."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from events.payments.fake_stripe import FakeStripe
from settings import settings
from tests.browser.conftest import Organiser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
TITLE = "Congrès Bioproduction Sud"


def _paid_event(base_url: str, organiser: Organiser) -> str:
    with httpx.Client(base_url=base_url, timeout=10) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": organiser.email, "password": organiser.password}
        )
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        starts = (datetime.now(UTC) + timedelta(days=70)).replace(hour=7, minute=0, second=0, microsecond=0)
        created = api.post(
            "/api/v1/events",
            json={
                "title": TITLE,
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=8)).isoformat(),
                "venue": "Palais des congrès",
                "city": "Marseille",
                "capacity": 80,
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        slug = str(created.json()["slug"])
        assert api.post(f"/api/v1/events/{slug}/publish", headers=headers).status_code == 200
        kind = api.post(
            f"/api/v1/events/{slug}/ticket-types",
            json={"name": "Pass congrès", "price": "150.00", "vat_rate": "10.00"},
            headers=headers,
        )
        assert kind.status_code == 201, kind.text
        return slug


@pytest.fixture
def stripe_to_live_server(fake_stripe: FakeStripe, live_server: str) -> Iterator[FakeStripe]:
    """The fake Stripe sends its webhooks to the app under test, as Stripe would, and the app's absolute
    links (Stripe's return address) lead back to the live server."""
    fake_stripe.webhook_url = f"{live_server}/stripe/webhook"
    base_url = settings.base_url
    object.__setattr__(settings, "base_url", live_server)  # settings are frozen: read once at start-up
    try:
        yield fake_stripe
    finally:
        object.__setattr__(settings, "base_url", base_url)
        fake_stripe.webhook_url = None


def _register(page: Page, slug: str) -> None:
    page.goto(f"/events/{slug}")
    page.get_by_label("Quantity — Pass congrès").select_option("1")
    page.get_by_role("button", name="Continue").click()
    page.locator("#f-ticket-0-first_name").fill("Inès")
    page.locator("#f-ticket-0-last_name").fill("Lefèvre")
    page.locator("#f-ticket-0-email").fill("ines@bioprod.example")
    page.locator("#f-buyer-first_name").fill("Inès")
    page.locator("#f-buyer-last_name").fill("Lefèvre")
    page.locator("#f-buyer-email").fill("ines@bioprod.example")
    page.locator("#f-buyer-country").select_option("FR")
    page.get_by_label("I have read the privacy notice.").check()
    page.get_by_role("button", name="Confirm my registration").click()
    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]+/[\w-]+$"))


def test_visitor_pays_on_stripe_and_comes_back_to_paid_tickets_and_invoice(
    browser: Browser,
    live_server: str,
    organiser: Organiser,
    stripe_to_live_server: FakeStripe,
    tmp_path: Path,
) -> None:
    slug = _paid_event(live_server, organiser)
    context = browser.new_context(
        base_url=live_server, locale="en-GB", timezone_id="Europe/Paris", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        _register(page, slug)
        expect(page.get_by_text("Awaiting payment", exact=True)).to_be_visible()
        page.get_by_role("link", name=re.compile(r"^Pay .*150\.00 now$")).click()

        expect(page).to_have_url(re.compile(r"/pay/cs_test_\w+$"))
        expect(page.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
        page.get_by_role("button", name="Pay 150.00 EUR").click()

        expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]+/[\w-]+\?session_id=cs_test_\w+$"))
        expect(page.get_by_text("Confirmed", exact=True).first).to_be_visible()
        expect(page.get_by_text("Valid", exact=True).first).to_be_visible()
        invoice = page.get_by_role("link", name=re.compile(r"^Invoice F\d{4}-00001 \(PDF\)$"))
        expect(invoice).to_be_visible()
        page.screenshot(path=tmp_path / "paid-order.png", full_page=True)
        assert stripe_to_live_server.deliveries == [200]  # the webhook arrived and was accepted

        download = page.request.get(str(invoice.get_attribute("href")))
        assert download.status == 200
        assert download.headers["content-type"] == "application/pdf"
        assert download.body().startswith(b"%PDF")

        if AXE.exists():
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            violations = [
                {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
            ]
            assert violations == [], json.dumps(violations, indent=2)
    finally:
        context.close()
