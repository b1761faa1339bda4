"""The organiser's certificates page: rules through the form, who qualifies, issuing once the event has
started (twice sends nothing more), a ZIP per institution, audit rows; the organisation's logo on the PDF."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import httpx
import pytest
from PIL import Image
from pypdf import PdfReader

from events import clock
from events.accounts.models import OrganisationLogo
from events.audit.models import AuditEntry
from events.catalogue import sessions as programme
from events.catalogue.models import Session
from events.certificates import services as certificates
from events.certificates.models import Certificate, CertificateRules
from events.checkin import redeem as scans
from events.checkin import services as checkin
from events.checkin.tokens import Scanner
from events.mail.models import OutboxMessage
from events.ticketing.models import Ticket
from tests.checkin.conftest import Door
from tests.factories import csrf_from, login, make_event, make_organiser


def _path(door: Door) -> str:
    return f"/dashboard/events/{door.event.slug}/certificates"


async def _enter(door: Door, ticket: Ticket, list_id: int | None, hours: float) -> None:
    scanner = Scanner(event=door.event, device="test", key="test")
    body = {"secret": ticket.secret, **({"list": list_id} if list_id else {})}
    with clock.frozen(door.event.starts_at + timedelta(hours=hours)):
        assert (await scans.redeem(scanner, body)).status == "ok"


@pytest.fixture
async def seen(door: Door) -> dict[str, object]:
    """Léa (Inserm) attended the workshop, Hugo (Inserm) only came in, Nina (Sanofi) attended it too."""
    start = door.event.starts_at + timedelta(hours=2)
    workshop = await programme.create_session(
        door.user, door.event,
        {"title": "Atelier CRISPR", "starts_at": start.isoformat(),
         "ends_at": (start + timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    room = await checkin.create_list(door.user, door.event, {"name": "Salle A", "session": workshop.id})
    people = {
        "lea": await door.ticket(name="Léa Martin", organisation="Inserm"),
        "hugo": await door.ticket(name="Hugo Petit", organisation="Inserm"),
        "nina": await door.ticket(name="Nina Roy", organisation="Sanofi"),
    }
    for ticket in people.values():
        await _enter(door, ticket, None, 0)
    await _enter(door, people["lea"], room.id, 2)
    await _enter(door, people["nina"], room.id, 2)
    return {**people, "workshop": workshop}


async def _post(client: httpx.AsyncClient, door: Door, path: str, **fields: object) -> httpx.Response:
    token = await csrf_from(client, _path(door))
    return await client.post(path, data={"csrf_token": token, **fields})


async def _rules(client: httpx.AsyncClient, door: Door, **fields: object) -> httpx.Response:
    await login(client, door.user.email)
    return await _post(client, door, _path(door), **fields)


async def _issue(client: httpx.AsyncClient, door: Door) -> httpx.Response:
    token = await csrf_from(client, _path(door))
    with clock.frozen(door.event.ends_at + timedelta(hours=2)):
        return await client.post(f"{_path(door)}/issue", data={"csrf_token": token})


async def test_organiser_sets_the_rules_on_the_page_with_an_audit_row(
    client: httpx.AsyncClient, door: Door, seen: dict[str, object]
) -> None:
    workshop = seen["workshop"]
    assert isinstance(workshop, Session)
    answer = await _rules(
        client, door, event_checkin="on", min_sessions="1", sessions=str(workshop.id),
        title_fr="Attestation DPC", title_en="", signatory="Dr Anne Morel",
    )  # fmt: skip

    assert answer.status_code == 303
    found = await CertificateRules.get(event_id=door.event.id)
    assert (found.event_checkin, found.min_sessions, found.sessions) == (True, 1, [workshop.id])
    assert (found.title_fr, found.title_en, found.signatory) == (
        "Attestation DPC",
        "Attestation DPC",
        "Dr Anne Morel",
    )
    assert await AuditEntry.filter(action="certificates.rules_set", object_id=str(door.event.id)).count() == 1
    page = (await client.get(answer.headers["location"] + "&lang=en")).text
    assert "The certificate rules are saved." in page
    assert 'value="Dr Anne Morel"' in page
    assert "2 attendees qualify." in page


async def test_the_page_lists_who_qualifies_under_the_rules(
    client: httpx.AsyncClient, door: Door, seen: dict[str, object]
) -> None:
    await _rules(client, door, min_sessions="1")

    page = (await client.get(f"{_path(door)}?lang=en")).text

    rows = page[page.index("<tbody>") : page.index("</tbody>")].split("<tr>")[1:]
    standing = {row.split('<span class="attendee-name">')[1].split("</span>")[0]: row for row in rows}
    assert sorted(standing) == ["Hugo Petit", "Léa Martin", "Nina Roy"]
    assert "Qualifies" in standing["Léa Martin"] and "Qualifies" in standing["Nina Roy"]
    assert "Does not qualify" in standing["Hugo Petit"]


async def test_a_rule_out_of_bounds_is_shown_beside_its_field_and_nothing_is_stored(
    client: httpx.AsyncClient, door: Door
) -> None:
    answer = await _rules(client, door, min_sessions="-3", signatory="Dr Anne Morel")

    assert answer.status_code == 422
    assert 'id="e-min_sessions"' in answer.text
    assert 'value="Dr Anne Morel"' in answer.text
    assert await CertificateRules.filter(event_id=door.event.id).count() == 0
    other_event = await _rules(client, door, sessions="999999")
    assert other_event.status_code == 422 and 'id="e-sessions"' in other_event.text


async def test_issuing_before_the_event_starts_is_explained_on_the_page(
    client: httpx.AsyncClient, door: Door
) -> None:
    await _rules(client, door, event_checkin="on")
    page = (await client.get(f"{_path(door)}?lang=en")).text
    assert "disabled" in page[page.index("Issue the certificates") :]

    answer = await _post(client, door, f"{_path(door)}/issue?lang=en")

    assert answer.status_code == 409
    assert "Certificates can be issued once the event has started." in answer.text
    assert await Certificate.filter(event_id=door.event.id).count() == 0


async def test_issuing_from_the_page_twice_sends_nothing_more(
    client: httpx.AsyncClient, door: Door, seen: dict[str, object]
) -> None:
    await _rules(client, door, event_checkin="on")

    first = await _issue(client, door)
    again = await _issue(client, door)

    assert first.status_code == again.status_code == 303
    assert "issued=3" in first.headers["location"] and "issued=0" in again.headers["location"]
    assert await OutboxMessage.filter(kind="certificate").count() == 3
    assert await AuditEntry.filter(action="certificates.issued").count() == 2
    page = (await client.get(f"{first.headers['location']}&lang=en")).text
    assert "3 new certificates issued and e-mailed." in page
    assert (await client.get(f"{again.headers['location']}&lang=en")).text.count("No new certificate") == 1


async def test_the_zip_of_one_institution_downloads_from_the_page(
    client: httpx.AsyncClient, door: Door, seen: dict[str, object]
) -> None:
    await _rules(client, door, event_checkin="on")
    await _issue(client, door)
    page = (await client.get(_path(door))).text
    assert "institution=Inserm" in page and "institution=Sanofi" in page

    answer = await client.get(f"{_path(door)}.zip", params={"institution": "Inserm"})

    assert answer.status_code == 200 and answer.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert sorted(n.split("-")[1] for n in names) == ["hugo", "lea"]


async def test_another_organisation_s_event_certificates_page_is_404(
    client: httpx.AsyncClient, door: Door
) -> None:
    stranger = await make_organiser()
    theirs = await make_event(stranger, published=True)
    await login(client, door.user.email)

    for path in (
        f"/dashboard/events/{theirs.slug}/certificates",
        f"/dashboard/events/{theirs.slug}/certificates.zip",
    ):
        assert (await client.get(path)).status_code == 404
    token = await csrf_from(client, _path(door))
    posted = await client.post(
        f"/dashboard/events/{theirs.slug}/certificates/issue", data={"csrf_token": token}
    )
    assert posted.status_code == 404


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 200), (11, 92, 142)).save(out, "PNG")
    return out.getvalue()


async def _pdf_images(client: httpx.AsyncClient, ticket: Ticket) -> int:
    code = (await certificates.codes_for([ticket.id]))[ticket.id]
    pdf = await client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 200
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf.content)).pages)


async def test_the_certificate_carries_the_organisation_s_logo_when_it_has_one(
    client: httpx.AsyncClient, door: Door, seen: dict[str, Ticket]
) -> None:
    await _rules(client, door, event_checkin="on")
    await _issue(client, door)
    without = await _pdf_images(client, seen["lea"])

    await OrganisationLogo.create(
        organisation_id=door.event.organisation_id, content=_png(), media_type="image/png"
    )

    assert await _pdf_images(client, seen["lea"]) == without + 1
