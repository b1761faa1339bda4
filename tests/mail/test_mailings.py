"""Mailings: the right people, once each, in their language, through the outbox at a bounded rate."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest

from events import clock
from events.accounts.models import Role
from events.audit.models import AuditEntry
from events.checkin.models import Checkin, CheckinType
from events.checkin.services import main_list
from events.mail import services, smtp
from events.mail.models import OutboxMessage
from events.ticketing.models import Ticket
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
)
from tests.mail.conftest import Sink

BODY = {
    "subject": {"fr": "Infos pratiques {event}", "en": "Practical details {event}"},
    "body": {
        "fr": "Bonjour {name},\n\nVotre billet : {ticket_url}",
        "en": "Hello {name},\n\nYour ticket: {ticket_url}",
    },
}


async def _setup(client: httpx.AsyncClient) -> dict[str, Any]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=None)
    full = await make_ticket_type(event, name="Pass")
    dinner = await make_ticket_type(event, name="Dîner")
    french = await make_order(
        event, full.id, full.id, locale="fr",
        tickets=[
            {"ticket_type": full.id, "attendee": {"name": "Amélie", "email": "amelie@example.org",
                                                  "consents": {"marketing": True}}},
            {"ticket_type": full.id, "attendee": {"name": "Sans Email"}},
        ],
    )  # fmt: skip
    english = await make_order(
        event, dinner.id, dinner.id, locale="en",
        tickets=[
            {"ticket_type": dinner.id, "attendee": {"name": "John", "email": "john@example.org"}},
            {"ticket_type": dinner.id, "attendee": {"name": "John again", "email": "JOHN@example.org"}},
        ],
    )  # fmt: skip
    token = await api_token(client, owner.email)
    return {"owner": owner, "event": event, "full": full, "dinner": dinner, "fr": french, "en": english,
            "token": token}  # fmt: skip


async def _create(client: httpx.AsyncClient, ctx: dict[str, Any], **audience: Any) -> dict[str, Any]:
    answer = await client.post(
        f"/api/v1/events/{ctx['event'].slug}/mailings",
        json={**BODY, "audience": audience},
        headers=bearer(ctx["token"]),
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def _send(client: httpx.AsyncClient, ctx: dict[str, Any], mailing_id: int) -> httpx.Response:
    return await client.post(
        f"/api/v1/events/{ctx['event'].slug}/mailings/{mailing_id}/send", headers=bearer(ctx["token"])
    )


async def test_mailing_reaches_each_address_once_in_its_language(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    mailing = await _create(client, ctx)
    assert mailing["status"] == "draft"
    sent = await _send(client, ctx, mailing["id"])
    assert sent.status_code == 200 and sent.json()["status"] == "sending"
    rows = await OutboxMessage.filter(mailing_id=mailing["id"]).order_by("id")
    assert sorted(row.to_address for row in rows) == sorted([
        "amelie@example.org", ctx["fr"].buyer_email.lower(), "john@example.org",
    ])  # fmt: skip
    by_address = {row.to_address: row for row in rows}
    assert by_address["amelie@example.org"].locale == "fr"
    assert by_address["amelie@example.org"].subject == f"Infos pratiques {ctx['event'].title}"
    assert (
        by_address["john@example.org"].locale == "en"
        and "Hello John," in by_address["john@example.org"].text_body
    )
    amelie = await Ticket.get(attendee_name="Amélie")
    assert f"/tickets/{amelie.agenda_token}" in by_address["amelie@example.org"].text_body
    assert ctx["fr"].secret not in by_address["amelie@example.org"].text_body


async def test_second_send_adds_nothing(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    mailing = await _create(client, ctx)
    await _send(client, ctx, mailing["id"])
    again = await _send(client, ctx, mailing["id"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert await OutboxMessage.filter(mailing_id=mailing["id"]).count() == 3


async def test_audience_by_type_checked_in_and_news_consent(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    dinner = await _create(client, ctx, ticket_types=[ctx["dinner"].id])
    preview = await client.post(
        f"/api/v1/events/{ctx['event'].slug}/mailings/{dinner['id']}/preview", headers=bearer(ctx["token"])
    )
    body = preview.json()
    assert body["recipients"] == 1 and "John" in body["sample"]["text"]
    assert body["sample"]["subject"] == f"Practical details {ctx['event'].title}"
    news = await _create(client, ctx, news_consent=True)
    await _send(client, ctx, news["id"])
    assert [m.to_address for m in await OutboxMessage.filter(mailing_id=news["id"])] == ["amelie@example.org"]
    door = await main_list(ctx["event"])
    john = await Ticket.get(attendee_name="John")
    await Checkin.create(ticket=john, checkin_list=door, type=CheckinType.ENTRY, created_at=clock.now())
    inside = await _create(client, ctx, checked_in=True)
    await _send(client, ctx, inside["id"])
    assert [m.to_address for m in await OutboxMessage.filter(mailing_id=inside["id"])] == ["john@example.org"]


@pytest.mark.parametrize(
    "body",
    [
        {**BODY, "body": {"fr": "Bonjour {secret}"}},
        {**BODY, "subject": {"fr": "", "en": ""}},
        {**BODY, "audience": {"ticket_types": [999999]}},
        {**BODY, "audience": {"order_status": ["lost"]}},
        {"subject": "x"},
    ],
)
async def test_bad_mailing_is_invalid_and_leaves_no_audit_row(client: httpx.AsyncClient, body: Any) -> None:
    ctx = await _setup(client)
    before = await AuditEntry.filter(action__startswith="mailing").count()
    answer = await client.post(
        f"/api/v1/events/{ctx['event'].slug}/mailings", json=body, headers=bearer(ctx["token"])
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid"
    assert await AuditEntry.filter(action__startswith="mailing").count() == before


async def test_create_and_send_each_leave_one_audit_row(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    mailing = await _create(client, ctx)
    assert await AuditEntry.filter(action="mailing.created", object_id=str(mailing["id"])).count() == 1
    await _send(client, ctx, mailing["id"])
    await _send(client, ctx, mailing["id"])
    assert await AuditEntry.filter(action="mailing.sent", object_id=str(mailing["id"])).count() == 1


async def test_every_message_has_list_unsubscribe_and_one_click_withdraws(
    client: httpx.AsyncClient, smtp_to_sink: Sink
) -> None:
    ctx = await _setup(client)
    await services.send_pending()  # the order confirmations
    smtp_to_sink.received.clear()
    mailing = await _create(client, ctx)
    await _send(client, ctx, mailing["id"])
    with clock.frozen(clock.now() + timedelta(minutes=1)):
        await services.send_pending()
    assert len(smtp_to_sink.messages) == 3
    amelie = await Ticket.get(attendee_name="Amélie")
    for message in smtp_to_sink.messages:
        assert str(message["List-Unsubscribe"]).strip().startswith("<http://testserver/tickets/")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mine = next(m for m in smtp_to_sink.messages if m["To"] == "amelie@example.org")
    link = str(mine["List-Unsubscribe"]).strip().strip("<>").removeprefix("http://testserver")
    assert link == f"/tickets/{amelie.agenda_token}/unsubscribe"
    answer = await client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 204
    assert (await Ticket.get(id=amelie.id)).news_consent is False


async def test_worker_killed_mid_mailing_repeats_only_the_message_in_flight(
    client: httpx.AsyncClient, smtp_to_sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = await _setup(client)
    for _n in range(6):
        await make_order(ctx["event"], ctx["full"].id, locale="fr")
    while await services.send_pending():  # the order confirmations
        pass
    smtp_to_sink.received.clear()
    mailing = await _create(client, ctx)
    await _send(client, ctx, mailing["id"])
    expected = await OutboxMessage.filter(mailing_id=mailing["id"]).count()
    real_send = smtp.Mailer.send
    calls = {"n": 0}

    async def dies_after_the_third_acceptance(self: smtp.Mailer, email: Any, recipient: str) -> None:
        await real_send(self, email, recipient)
        calls["n"] += 1
        if calls["n"] == 3:
            raise asyncio.CancelledError  # the process dies before recording the acceptance

    later = clock.now() + timedelta(minutes=5)
    with clock.frozen(later) as advance:
        monkeypatch.setattr(smtp.Mailer, "send", dies_after_the_third_acceptance)
        with pytest.raises(asyncio.CancelledError):
            await services.send_pending()
        monkeypatch.setattr(smtp.Mailer, "send", real_send)
        advance(services.LEASE + timedelta(seconds=5))
        while await services.send_pending():
            pass
    received = smtp_to_sink.messages
    addresses = [m["To"] for m in received]
    assert len(set(addresses)) == expected
    assert len(received) == expected + 1
    repeated = [a for a in set(addresses) if addresses.count(a) == 2]
    assert len(repeated) == 1
    ids = {m["Message-ID"] for m in received if m["To"] == repeated[0]}
    assert len(ids) == 1


async def test_mailings_refuse_strangers_door_staff_and_anonymous(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    mailing = await _create(client, ctx)
    stranger = await make_organiser()
    door = await make_organiser(organisation=None, role=Role.DOOR)
    await door.__class__.filter(id=door.id).update(organisation_id=ctx["owner"].organisation_id)
    base = f"/api/v1/events/{ctx['event'].slug}/mailings"
    one = f"{base}/{mailing['id']}"
    calls = [("GET", base), ("POST", base), ("GET", one), ("POST", f"{one}/preview"), ("POST", f"{one}/send")]
    other = await api_token(client, stranger.email)
    door_token = await api_token(client, door.email)
    for method, url in calls:
        assert (await client.request(method, url, json=BODY, headers=bearer(other))).status_code == 404
        assert (await client.request(method, url, json=BODY, headers=bearer(door_token))).status_code == 403
        assert (await client.request(method, url, json=BODY)).status_code == 401


async def test_dashboard_composes_previews_and_sends(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    await login(client, ctx["owner"].email)
    page = f"/dashboard/events/{ctx['event'].slug}/mailings"
    token = await csrf_from(client, page)
    form = {"csrf_token": token, "subject_fr": "Bienvenue {name}", "body_fr": "Votre billet : {ticket_url}",
            "order_status": "paid"}  # fmt: skip
    bad = await client.post(page, data={**form, "body_fr": "Voir {inconnu}"})
    assert bad.status_code == 422 and "{inconnu}" in bad.text
    created = await client.post(page, data=form)
    assert created.status_code == 303
    preview = await client.get(created.headers["location"])
    assert preview.status_code == 200 and "Bienvenue Amélie" in preview.text
    mailing_id = int(created.headers["location"].rstrip("/").rsplit("/", 1)[1])
    sent = await client.post(f"{page}/{mailing_id}/send", data={"csrf_token": token})
    assert sent.status_code == 303
    assert await OutboxMessage.filter(mailing_id=mailing_id).count() == 3
    log = await client.get(f"/dashboard/events/{ctx['event'].slug}/mail-log")
    assert log.status_code == 200 and "amelie@example.org" in log.text


async def test_persons_page_lists_the_mailings_sent_to_them(client: httpx.AsyncClient) -> None:
    ctx = await _setup(client)
    mailing = await _create(client, ctx)
    await _send(client, ctx, mailing["id"])
    await login(client, ctx["owner"].email)
    amelie = await Ticket.get(attendee_name="Amélie")
    page = await client.get(f"/dashboard/events/{ctx['event'].slug}/attendees/{amelie.id}")
    assert f"Infos pratiques {ctx['event'].title}" in page.text
