"""Certificates of attendance: the rule decides who gets one, one e-mail each, the PDF names the person,
the event and the sessions, its QR opens the public page, a forged code is 404, issuing twice sends none."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import httpx
import pytest
from pypdf import PdfReader

from events import clock
from events.catalogue import sessions as programme
from events.catalogue.models import Session
from events.certificates import services as certificates
from events.certificates.models import Certificate
from events.checkin import redeem as scans
from events.checkin import services as checkin
from events.checkin.models import CheckinList
from events.checkin.tokens import Scanner
from events.mail.models import OutboxMessage
from events.ticketing.models import Ticket
from tests.badges.conftest import qr_texts
from tests.checkin.conftest import Door
from tests.factories import api_token, bearer


async def _room(door: Door, title: str, hours: int) -> tuple[Session, CheckinList]:
    start = door.event.starts_at + timedelta(hours=hours)
    session = await programme.create_session(
        door.user, door.event,
        {"title": title, "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()},
    )  # fmt: skip
    room = await checkin.create_list(door.user, door.event, {"name": f"Salle {title}", "session": session.id})
    return session, room


async def _enter(door: Door, ticket: Ticket, room: CheckinList | None, at_hours: float) -> None:
    scanner = Scanner(event=door.event, device="test", key="test")
    body = {"secret": ticket.secret, **({"list": room.id} if room else {})}
    with clock.frozen(door.event.starts_at + timedelta(hours=at_hours)):
        answer = await scans.redeem(scanner, body)
    assert answer.status == "ok", answer


@pytest.fixture
async def attended(door: Door) -> dict[str, object]:
    """Three attendees: two sessions, one session, and none (checked in at the door only)."""
    keynote, keynote_room = await _room(door, "Immunothérapies", 1)
    workshop, workshop_room = await _room(door, "Atelier CRISPR", 3)
    both = await door.ticket(name="Léa Martin", organisation="Inserm")
    one = await door.ticket(name="Hugo Petit", organisation="Inserm")
    door_only = await door.ticket(name="Nina Roy", organisation="Sanofi")
    for ticket in (both, one, door_only):
        await _enter(door, ticket, None, 0)
    await _enter(door, both, keynote_room, 1)
    await _enter(door, both, workshop_room, 3)
    await _enter(door, one, keynote_room, 1)
    return {"both": both, "one": one, "door_only": door_only, "keynote": keynote, "workshop": workshop}


async def _issue(client: httpx.AsyncClient, door: Door, **rule: object) -> httpx.Response:
    token = await api_token(client, door.user.email)
    body = {
        "rule": rule,
        "title": {"fr": "Attestation DPC", "en": "CPD certificate"},
        "signatory": "Dr Anne Morel",
    }
    put = await client.put(f"/api/v1/events/{door.event.slug}/certificates", json=body, headers=bearer(token))
    assert put.status_code == 200, put.text
    with clock.frozen(door.event.ends_at + timedelta(hours=2)):
        return await client.post(
            f"/api/v1/events/{door.event.slug}/certificates/issue", headers=bearer(token)
        )


async def test_the_rule_decides_who_gets_a_certificate(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    answer = await _issue(client, door, event_checkin=True, min_sessions=2)

    assert answer.json() == {"issued": 1}
    assert await certificates.codes_for([attended["both"].id]) != {}
    assert await certificates.codes_for([attended["one"].id, attended["door_only"].id]) == {}


async def test_only_the_given_sessions_count(
    client: httpx.AsyncClient, door: Door, attended: dict[str, object]
) -> None:
    workshop = attended["workshop"]
    assert isinstance(workshop, Session)
    answer = await _issue(client, door, min_sessions=1, sessions=[workshop.id])
    assert answer.json() == {"issued": 1}


async def test_each_certificate_is_emailed_once_and_issuing_twice_sends_nothing_more(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    first = await _issue(client, door, event_checkin=True)
    again = await _issue(client, door, event_checkin=True)

    assert (first.json(), again.json()) == ({"issued": 3}, {"issued": 0})
    mails = await OutboxMessage.filter(kind="certificate")
    assert sorted(m.to_address for m in mails) == sorted(
        t.attendee_email for t in attended.values() if isinstance(t, Ticket)
    )


async def test_certificate_pdf_names_the_person_the_event_and_the_sessions(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    await _issue(client, door, min_sessions=1)
    code = (await certificates.codes_for([attended["both"].id]))[attended["both"].id]

    pdf = await client.get(f"/certificates/{code}.pdf")

    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Léa Martin",
        door.event.title,
        "Immunothérapies",
        "Atelier CRISPR",
        "Attestation DPC",
        "Dr Anne Morel",
    ):
        assert expected in text
    assert qr_texts(pdf.content) == [[certificates.certificate_url(code)]]


async def test_qr_code_of_the_certificate_opens_the_public_page_that_confirms_it(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    await _issue(client, door, min_sessions=1)
    code = (await certificates.codes_for([attended["one"].id]))[attended["one"].id]
    pdf = await client.get(f"/certificates/{code}.pdf")
    url = qr_texts(pdf.content)[0][0]

    page = await client.get(httpx.URL(url).path)

    assert page.status_code == 200
    assert "Hugo Petit" in page.text
    assert "Immunothérapies" in page.text
    assert "Atelier CRISPR" not in page.text


async def test_forged_certificate_code_is_404(client: httpx.AsyncClient, door: Door) -> None:
    for path in (
        "/certificates/AAAAAAAAAAAAAAAAAAAAAA",
        "/certificates/AAAAAAAAAAAAAAAAAAAAAA.pdf",
        "/certificates/" + "x" * 300,
    ):
        assert (await client.get(path)).status_code == 404


async def test_certificates_are_issued_only_once_the_event_has_started(
    client: httpx.AsyncClient, door: Door
) -> None:
    token = await api_token(client, door.user.email)
    await client.put(
        f"/api/v1/events/{door.event.slug}/certificates", json={"rule": {}}, headers=bearer(token)
    )
    answer = await client.post(f"/api/v1/events/{door.event.slug}/certificates/issue", headers=bearer(token))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "event_not_started"


async def test_zip_per_institution_holds_that_institutions_certificates(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    await _issue(client, door, event_checkin=True)
    token = await api_token(client, door.user.email)

    answer = await client.get(
        f"/api/v1/events/{door.event.slug}/certificates.zip",
        params={"institution": "Inserm"},
        headers=bearer(token),
    )

    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert sorted(n.split("-")[1] for n in names) == ["hugo", "lea"]


async def test_ticket_that_earned_a_certificate_has_its_url_and_the_order_page_links_it(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    await _issue(client, door, min_sessions=2)
    earner, other = attended["both"], attended["one"]
    code = (await certificates.codes_for([earner.id]))[earner.id]
    order = await earner.order

    body = (await client.get(f"/api/v1/orders/{order.code}/{order.secret}")).json()
    page = await client.get(f"/orders/{order.code}/{order.secret}", params={"lang": "en"})

    assert [t["certificate_url"] for t in body["tickets"]] == [certificates.certificate_url(code)]
    assert f"/certificates/{code}.pdf" in page.text
    other_order = await other.order
    other_body = (await client.get(f"/api/v1/orders/{other_order.code}/{other_order.secret}")).json()
    assert other_body["tickets"][0]["certificate_url"] is None


async def test_a_persons_export_holds_their_certificates_and_session_attendance_and_erasure_blanks_them(
    client: httpx.AsyncClient, door: Door, attended: dict[str, Ticket]
) -> None:
    await _issue(client, door, min_sessions=2)
    person = attended["both"]
    code = (await certificates.codes_for([person.id]))[person.id]
    token = await api_token(client, door.user.email)

    exported = (await client.post("/api/v1/privacy/people", json={"email": person.attendee_email},
                                  headers=bearer(token))).json()  # fmt: skip
    erased = await client.post(
        "/api/v1/privacy/erase", json={"email": person.attendee_email}, headers=bearer(token)
    )

    assert [c["attendee_name"] for c in exported["certificates"]] == ["Léa Martin"]
    assert sorted(s["title"] for s in exported["session_attendance"]) == ["Atelier CRISPR", "Immunothérapies"]
    assert erased.status_code == 200, erased.text
    assert (await client.get(f"/certificates/{code}")).status_code == 404
    left = await Certificate.get(ticket_id=person.id)
    assert (left.attendee_name, left.organisation) == ("", "")
