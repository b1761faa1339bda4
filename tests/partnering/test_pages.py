"""The participant's space works without JavaScript: profile, request, accept, agenda, PDF."""

from __future__ import annotations

import io

import httpx
from pypdf import PdfReader

from events.partnering import meetings
from events.partnering.models import Meeting, MeetingRequest, Participant
from tests.factories import csrf_from
from tests.partnering.conftest import Setting


async def _post(client: httpx.AsyncClient, page: str, path: str, data: dict[str, object]) -> httpx.Response:
    token = await csrf_from(client, page)
    return await client.post(path, data={**data, "csrf_token": token})


async def test_profile_request_and_accept_through_the_pages(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    first, second = f"/partnering/{partnering.token(0)}", f"/partnering/{partnering.token(1)}"
    profile = {"visible": "on", "organisation_kind": "lab", "headline": "Laboratoire d'immunologie",
               "topics": "Oncology", "offers": "Cohortes: 2 000 patients", "languages": "fr"}  # fmt: skip
    saved = await _post(client, first, f"{first}/profile", profile)
    assert saved.status_code == 303
    me = await Participant.get(ticket_id=partnering.tickets[0].id)
    assert me.visible and me.offers == [{"title": "Cohortes", "description": "2 000 patients"}]
    directory = await client.get(second)
    assert "Laboratoire d&#39;immunologie" in directory.text
    assert partnering.tickets[0].attendee_email not in directory.text
    sent = await _post(client, second, f"{second}/requests", {"to": me.id, "message": "Bonjour"})
    assert sent.status_code == 303
    request = await MeetingRequest.get()
    accepted = await _post(client, first, f"{first}/requests/{request.id}/accept", {})
    assert accepted.status_code == 303
    assert (await MeetingRequest.get()).status == "accepted"


async def test_invalid_profile_is_shown_again_with_its_error(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    page = f"/partnering/{partnering.token(0)}"
    answer = await _post(
        client, page, f"{page}/profile", {"organisation_kind": "guild", "headline": "x" * 300}
    )
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text


async def test_printable_agenda_lists_time_table_and_partner(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    one = await Participant.create(
        event_id=partnering.event.id, ticket_id=partnering.tickets[0].id, visible=True
    )
    two = await Participant.create(
        event_id=partnering.event.id, ticket_id=partnering.tickets[1].id, visible=True
    )
    request = await MeetingRequest.create(event_id=partnering.event.id, sender_id=one.id, receiver_id=two.id,
                                          status="accepted")  # fmt: skip
    await meetings.run_schedule(partnering.owner, partnering.event, {"time_limit": 1})
    meeting = await Meeting.get(request_id=request.id)
    answer = await client.get(f"/partnering/{partnering.token(0)}/agenda.pdf")
    assert answer.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert partnering.tickets[1].attendee_name in text
    assert str(meeting.table) in text
