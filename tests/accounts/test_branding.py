"""The organisation's logo and colour: type- and size-checked, SVG refused, shown on its public pages."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from events.accounts.models import Organisation, OrganisationLogo, Role
from events.audit.models import AuditEntry
from tests.factories import csrf_from, login, make_event, make_organiser


def _png(size: tuple[int, int] = (1200, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 92, 142)).save(out, "PNG")
    return out.getvalue()


async def _post(
    client: httpx.AsyncClient, colour: str, logo: tuple[str, bytes, str] | None
) -> httpx.Response:
    token = await csrf_from(client, "/dashboard/branding")
    files = {"logo": logo} if logo else None
    return await client.post("/dashboard/branding", data={"csrf_token": token, "colour": colour}, files=files)


async def test_owner_sets_a_logo_and_colour_seen_on_the_public_page(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    await login(client, owner.email)
    answer = await _post(client, "#AA3300", ("logo.png", _png(), "image/png"))
    assert answer.status_code == 303
    stored = await OrganisationLogo.get(organisation_id=owner.organisation_id)
    with Image.open(io.BytesIO(bytes(stored.content))) as image:
        assert image.format == "PNG" and max(image.size) <= 600
    page = await client.get(f"/events/{event.slug}")
    slug = owner.organisation.slug
    assert f"/organisations/{slug}/logo" in page.text and f"/organisations/{slug}/brand.css" in page.text
    css = await client.get(f"/organisations/{slug}/brand.css")
    assert "#aa3300" in css.text
    logo = await client.get(f"/organisations/{slug}/logo")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/png"
    assert await AuditEntry.filter(action="organisation.branding").count() == 1


async def test_svg_fake_and_oversized_logos_are_refused_with_nothing_stored(
    client: httpx.AsyncClient,
) -> None:
    owner = await make_organiser()
    await login(client, owner.email)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for logo in [("l.svg", svg, "image/svg+xml"), ("l.png", b"not an image", "image/png"),
                 ("l.png", _png() + b"\0" * (600 * 1024), "image/png")]:  # fmt: skip
        answer = await _post(client, "#112233", logo)
        assert answer.status_code == 422 and 'id="e-logo"' in answer.text
    bad_colour = await _post(client, "red", None)
    assert bad_colour.status_code == 422 and 'id="e-colour"' in bad_colour.text
    assert not await OrganisationLogo.exists(organisation_id=owner.organisation_id)
    assert (await Organisation.get(id=owner.organisation_id)).colour == ""
    assert not await AuditEntry.filter(action="organisation.branding").exists()


async def test_only_owners_change_the_look(client: httpx.AsyncClient) -> None:
    owner = await make_organiser()
    manager = await make_organiser(organisation=owner.organisation.name, role=Role.MANAGER)
    await login(client, manager.email)
    answer = await _post(client, "#112233", None)
    assert answer.status_code == 403


async def test_mailings_carry_the_logo_and_colour(client: httpx.AsyncClient) -> None:
    from events.mail import mailings
    from tests.factories import make_order, make_ticket_type

    owner = await make_organiser()
    event = await make_event(owner, published=True)
    await make_order(event, (await make_ticket_type(event)).id)
    await login(client, owner.email)
    await _post(client, "#AA3300", ("logo.png", _png(), "image/png"))
    mailing = await mailings.create_mailing(owner, event, {"subject": "Infos", "body": "Bonjour {name}"})
    sample = (await mailings.preview(event, mailing))["sample"]
    assert f"http://testserver/organisations/{owner.organisation.slug}/logo" in sample["html"]
    assert "#aa3300" in sample["html"]


async def test_badges_and_tickets_carry_the_logo(client: httpx.AsyncClient) -> None:
    from pypdf import PdfReader

    from events.ticketing.models import Order
    from tests.factories import make_order, make_ticket_type

    owner = await make_organiser()
    event = await make_event(owner, published=True)
    await make_order(event, (await make_ticket_type(event)).id)
    await login(client, owner.email)
    before = await client.get(f"/dashboard/events/{event.slug}/badges.pdf", params={"format": "single"})
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(before.content)).pages) == 1  # the QR code
    await _post(client, "", ("logo.png", _png((400, 100)), "image/png"))
    after = await client.get(f"/dashboard/events/{event.slug}/badges.pdf", params={"format": "single"})
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(after.content)).pages) == 2
    order = await Order.get(event_id=event.id)
    ticket = await client.get(f"/orders/{order.code}/{order.secret}/tickets.pdf")
    assert ticket.status_code == 200


async def test_settings_api_reads_and_writes_the_same_look(client: httpx.AsyncClient) -> None:
    import base64

    from tests.factories import api_token, bearer

    owner = await make_organiser()
    slug = owner.organisation.slug
    await login(client, owner.email)
    await _post(client, "#AA3300", ("logo.png", _png(), "image/png"))
    headers = bearer(await api_token(client, owner.email))
    shown = (await client.get("/api/v1/organisation/settings", headers=headers)).json()
    assert (shown["colour"], shown["logo_url"]) == ("#aa3300", f"http://testserver/organisations/{slug}/logo")

    changed = await client.patch("/api/v1/organisation/settings", json={"colour": "#123456"}, headers=headers)
    assert changed.status_code == 200 and changed.json()["logo_url"] == shown["logo_url"]
    assert "#123456" in (await client.get(f"/organisations/{slug}/brand.css")).text

    elsewhere = {"logo_url": "https://example.org/logo.png"}
    refused = await client.patch("/api/v1/organisation/settings", json=elsewhere, headers=headers)
    assert refused.status_code == 422 and "logo_url" in refused.json()["error"]["details"]
    assert await OrganisationLogo.exists(organisation_id=owner.organisation_id)

    data_url = "data:image/png;base64," + base64.b64encode(_png((900, 300))).decode()
    sent = await client.patch("/api/v1/organisation/settings", json={"logo_url": data_url}, headers=headers)
    assert sent.status_code == 200 and sent.json()["logo_url"] == shown["logo_url"]
    stored = await OrganisationLogo.get(organisation_id=owner.organisation_id)
    with Image.open(io.BytesIO(bytes(stored.content))) as image:
        assert image.size == (600, 200)

    removed = await client.patch("/api/v1/organisation/settings", json={"logo_url": ""}, headers=headers)
    assert removed.status_code == 200 and removed.json()["logo_url"] == ""
    assert not await OrganisationLogo.exists(organisation_id=owner.organisation_id)
    assert (await client.get(f"/organisations/{slug}/logo")).status_code == 404


async def test_confirmation_mail_and_invoice_carry_the_look(client: httpx.AsyncClient) -> None:
    from pypdf import PdfReader

    from events.catalogue.models import Event
    from events.invoicing.models import Invoice
    from events.mail.models import OutboxMessage
    from tests.factories import make_ticket_type, order_body
    from tests.invoicing.facturx_check import check_document

    owner = await make_organiser()
    event = await make_event(owner, published=True)
    await Event.filter(id=event.id).update(invoice_payment_days=30)
    kind = await make_ticket_type(event, name="Pass", price="300.00", vat_rate="20.00")
    await login(client, owner.email)
    await _post(client, "#AA3300", ("logo.png", _png((400, 100)), "image/png"))
    buyer = {"name": "Service financier", "email": "factures@inserm.example", "country": "FR",
             "organisation": "Unité 1234", "address": "101 rue de Tolbiac, 75013 Paris",
             "siret": "18003830900019"}  # fmt: skip
    body = order_body(kind.id, buyer=buyer, payment={"method": "invoice", "purchase_order": "EJ-1"})
    placed = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert placed.status_code == 201, placed.text
    mail = await OutboxMessage.get(kind="order_confirmation", to_address="factures@inserm.example")
    assert f"/organisations/{owner.organisation.slug}/logo" in mail.html_body and "#aa3300" in mail.html_body
    invoice = await Invoice.get(number=placed.json()["documents"][0]["number"])
    assert invoice.seller["colour"] == "#aa3300"
    await check_document(invoice)
    document = await client.get(placed.json()["invoice_url"])
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(document.content)).pages) == 1


async def test_order_and_ticket_pages_carry_the_look(client: httpx.AsyncClient) -> None:
    from events.ticketing.models import Order, Ticket
    from tests.factories import make_order, make_ticket_type

    owner = await make_organiser()
    event = await make_event(owner, published=True)
    await make_order(event, (await make_ticket_type(event)).id)
    order = await Order.get(event_id=event.id)
    ticket = await Ticket.get(order_id=order.id)
    slug = owner.organisation.slug
    plain = await client.get(f"/orders/{order.code}/{order.secret}")
    assert f"/organisations/{slug}/logo" not in plain.text
    await login(client, owner.email)
    await _post(client, "#AA3300", ("logo.png", _png(), "image/png"))
    for path in (f"/orders/{order.code}/{order.secret}", f"/tickets/{ticket.agenda_token}"):
        page = await client.get(path)
        assert page.status_code == 200
        assert f"/organisations/{slug}/logo" in page.text and f"/organisations/{slug}/brand.css" in page.text
