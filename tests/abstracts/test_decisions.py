"""Decisions, their e-mails (once, in the submitter's language), the programme and the book of abstracts."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import httpx
import vobject
from icalendar import Calendar
from pypdf import PdfReader

from events.abstracts.models import Abstract
from events.audit.models import AuditEntry
from events.catalogue.models import Event, PromoCode
from events.mail.models import OutboxMessage
from tests.abstracts.scenario import Committee, committee, submit

SUMMER = {"starts_at": "2031-07-10T09:00", "ends_at": "2031-07-11T18:00"}


async def _decide(client: httpx.AsyncClient, c: Committee, abstract: dict[str, Any], **body: Any) -> Any:
    return await client.post(c.url(f"/abstracts/{abstract['id']}/decision"), json=body, headers=c.owner)


async def test_decisions_notify_exactly_once_in_each_submitters_language(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    promo = await PromoCode.create(event_id=c.event.id, code="ORATEUR", percent_off=100)
    call = (await client.get(c.url("/call-for-abstracts"), headers=c.owner)).json()
    call.pop("open")
    await client.put(
        c.url("/call-for-abstracts"), json={**call, "presenter_promo_code": "ORATEUR"}, headers=c.owner
    )
    french = await submit(client, c, c.tracks[0], locale="fr")
    english = await submit(client, c, c.tracks[0], locale="en")
    assert (
        await _decide(client, c, french, decision="accepted", contribution_type="oral")
    ).status_code == 200
    assert (await _decide(client, c, english, decision="rejected")).status_code == 200
    first = await client.post(c.url("/abstracts/notify"), headers=c.owner)
    second = await client.post(c.url("/abstracts/notify"), headers=c.owner)
    assert first.json() == {"sent": 2}
    assert second.json() == {"sent": 0}
    mails = {m.locale: m for m in await OutboxMessage.filter(kind="abstract_decision")}
    assert set(mails) == {"fr", "en"}
    assert "accepté" in mails["fr"].subject
    assert "register?code=ORATEUR" in mails["fr"].text_body
    assert "Communication orale" in mails["fr"].text_body
    assert promo.code in mails["fr"].text_body
    assert "Decision" in mails["en"].subject
    assert "ORATEUR" not in mails["en"].text_body
    late = await _decide(client, c, french, decision="rejected")
    assert late.status_code == 409


async def test_accepting_in_another_track_and_type(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0])
    answer = await _decide(
        client, c, abstract, decision="accepted", contribution_type="poster", track=c.tracks[1]
    )
    assert answer.json()["track"]["id"] == c.tracks[1]
    assert answer.json()["contribution_type"] == "poster"
    bad = await _decide(client, c, abstract, decision="accepted", contribution_type="keynote")
    assert bad.status_code == 422
    assert await AuditEntry.filter(action="abstract.accepted", object_id=str(abstract["id"])).count() == 1


async def test_bulk_decision_is_all_or_nothing(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    first = await submit(client, c, c.tracks[0])
    second = await submit(client, c, c.tracks[0])
    await client.post(f"/api/v1/abstracts/{second['code']}/{second['secret']}/withdraw")
    ids = [first["id"], second["id"]]
    refused = await client.post(
        c.url("/abstracts/decisions"), json={"abstract_ids": ids, "decision": "rejected"}, headers=c.owner
    )
    assert refused.status_code == 409
    assert (await Abstract.get(id=first["id"])).status == "submitted"
    done = await client.post(
        c.url("/abstracts/decisions"),
        json={"abstract_ids": [first["id"]], "decision": "rejected"},
        headers=c.owner,
    )
    assert done.json() == {"decided": 1}


async def test_scheduling_an_abstract_not_accepted_is_a_conflict(client: httpx.AsyncClient) -> None:
    c = await committee(client, event=SUMMER)
    abstract = await submit(client, c, c.tracks[0])
    body = {"starts_at": "2031-07-10T14:00", "ends_at": "2031-07-10T14:20", "room": "Amphi A"}
    answer = await client.post(c.url(f"/abstracts/{abstract['id']}/schedule"), json=body, headers=c.owner)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "conflict"


async def test_a_scheduled_oral_is_in_the_programme_and_the_feed_at_the_right_instant(
    client: httpx.AsyncClient,
) -> None:
    c = await committee(client, event=SUMMER)
    abstract = await submit(client, c, c.tracks[0])
    await _decide(client, c, abstract, decision="accepted", contribution_type="oral")
    body = {"starts_at": "2031-07-10T14:00", "ends_at": "2031-07-10T14:20", "room": "Amphi A"}
    answer = await client.post(c.url(f"/abstracts/{abstract['id']}/schedule"), json=body, headers=c.owner)
    assert answer.status_code == 200, answer.text
    session_id = answer.json()["session_id"]
    assert session_id is not None
    public = (await client.get(f"/api/v1/public/events/{c.event.slug}")).json()
    [session] = [s for s in public["sessions"] if s["id"] == session_id]
    assert session["title"] == abstract["title"]
    assert "Alice Martin" in session["speakers"] and "Bruno Petit" not in session["speakers"]
    feed = await client.get(f"/events/{c.event.slug}.ics")
    expected = datetime(2031, 7, 10, 12, 0, tzinfo=UTC)
    by_icalendar = {
        str(e["SUMMARY"]): e.decoded("DTSTART").astimezone(UTC)
        for e in Calendar.from_ical(feed.content).walk("VEVENT")
    }
    by_vobject = {
        str(e.summary.value): e.dtstart.value.astimezone(UTC) for e in vobject.readOne(feed.text).vevent_list
    }
    title = session["title"]
    assert by_icalendar[title] == by_vobject[title] == expected
    programme = await client.get(f"/events/{c.event.slug}/programme")
    assert title in programme.text


async def test_posters_get_boards(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    abstract = await submit(client, c, c.tracks[0], contribution_type="poster")
    await _decide(client, c, abstract, decision="accepted")
    answer = await client.post(
        c.url(f"/abstracts/{abstract['id']}/schedule"), json={"poster_board": "P-12"}, headers=c.owner
    )
    assert answer.json()["poster_board"] == "P-12"
    assert answer.json()["session_id"] is None


async def test_book_of_abstracts_holds_every_accepted_title_and_no_other(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    titles = {}
    for n, decision in enumerate(["accepted", "accepted", "rejected", None]):
        abstract = await submit(client, c, c.tracks[n % 2], title=f"Travail numéro {n} sur les lymphocytes")
        titles[abstract["title"]] = decision
        if decision:
            await _decide(client, c, abstract, decision=decision)
    withdrawn = await submit(client, c, c.tracks[0], title="Travail retiré")
    await client.post(f"/api/v1/abstracts/{withdrawn['code']}/{withdrawn['secret']}/withdraw")
    answer = await client.get(f"/events/{c.event.slug}/abstracts.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
    text = " ".join(text.split())
    for title, decision in titles.items():
        assert (title in text) == (decision == "accepted"), title
    assert "Travail retiré" not in text
    assert "Oncologie" in text and "Immunologie" in text
    assert "Inserm" in text


async def test_the_book_is_not_public_while_the_event_is_a_draft(client: httpx.AsyncClient) -> None:
    c = await committee(client)
    await Event.filter(id=c.event.id).update(status="draft")
    assert (await client.get(f"/events/{c.event.slug}/abstracts.pdf")).status_code == 404
