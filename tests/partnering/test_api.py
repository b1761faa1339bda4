"""The participant's API: visibility and consent, request rules, deadlines, closed spaces, isolation."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx

from events import clock
from events.partnering import services, tokens
from events.partnering.models import Participant, PartneringSetup, Slot
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus
from tests.factories import api_token, bearer, make_event, make_organiser, make_ticket_type
from tests.partnering.conftest import Setting, add_participants, setup_body, visible


async def test_setup_cuts_windows_into_slots_and_drops_the_remainder(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    token = await api_token(client, partnering.owner.email)
    start = partnering.event.starts_at + timedelta(hours=1)
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=70)).isoformat()}
    answer = await client.put(
        f"/api/v1/events/{partnering.event.slug}/partnering",
        json=setup_body(partnering.event, windows=[window]),
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.text
    slots = answer.json()["slots"]
    assert len(slots) == 2
    assert answer.json()["topics"] == ["Oncology", "Diagnostics", "E-health"]


async def test_window_outside_the_event_is_invalid(client: httpx.AsyncClient, partnering: Setting) -> None:
    token = await api_token(client, partnering.owner.email)
    start = partnering.event.ends_at
    window = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    answer = await client.put(
        f"/api/v1/events/{partnering.event.slug}/partnering",
        json=setup_body(partnering.event, windows=[window]),
        headers=bearer(token),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid"


async def test_a_window_of_centuries_outside_the_event_is_invalid_without_being_cut(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    """Found by the fuzzer on PostgreSQL: such a window was cut into millions of meetings before the
    answer, and the call timed out."""
    token = await api_token(client, partnering.owner.email)
    window = {"starts_at": "0052-12-13T02:04:24Z", "ends_at": "5905-04-14T18:02:08Z"}
    answer = await client.put(
        f"/api/v1/events/{partnering.event.slug}/partnering",
        json=setup_body(partnering.event, windows=[window], meeting_minutes=5),
        headers=bearer(token),
    )
    assert answer.status_code == 422
    assert "windows.0" in answer.json()["error"]["details"]


async def test_more_meeting_slots_than_the_limit_are_invalid_and_nothing_is_stored(
    client: httpx.AsyncClient,
) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    event.ends_at = event.starts_at + timedelta(days=30)
    await event.save()
    token = await api_token(client, owner.email)
    window = {"starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat()}
    answer = await client.put(
        f"/api/v1/events/{event.slug}/partnering",
        json=setup_body(event, windows=[window], meeting_minutes=5),
        headers=bearer(token),
    )
    assert answer.status_code == 422
    assert "windows" in answer.json()["error"]["details"]
    assert await Slot.filter(event_id=event.id).count() == 0
    assert await PartneringSetup.filter(event_id=event.id).count() == 0


async def test_ticket_json_links_the_partnering_space(client: httpx.AsyncClient, partnering: Setting) -> None:
    order = await Order.get(id=partnering.tickets[0].order_id)
    answer = await client.get(f"/api/v1/orders/{order.code}/{order.secret}")
    url = answer.json()["tickets"][0]["partnering_url"]
    assert url.endswith(f"/partnering/{partnering.token(0)}")


async def test_ticket_json_has_no_partnering_url_on_other_events(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    ticket_type = await make_ticket_type(event)
    setting = Setting(owner, event, ticket_type.id)
    await add_participants(setting, 1)
    order = await Order.get(id=setting.tickets[0].order_id)
    answer = await client.get(f"/api/v1/orders/{order.code}/{order.secret}")
    assert answer.json()["tickets"][0]["partnering_url"] is None


async def test_profile_is_hidden_until_its_owner_makes_it_visible(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    path = f"/api/v1/events/{partnering.event.slug}/partnering/profiles"
    await client.put("/api/v1/partnering/me/profile", json={"headline": "Lab"}, headers=partnering.key(0))
    listed = await client.get(path, headers=partnering.key(1))
    assert listed.status_code == 200
    assert listed.json()["profiles"] == []
    own_id = await visible(client, partnering, 0)
    listed = await client.get(path, headers=partnering.key(1))
    assert [p["id"] for p in listed.json()["profiles"]] == [own_id]
    await client.put("/api/v1/partnering/me/profile", json={"visible": False}, headers=partnering.key(0))
    assert (await client.get(path, headers=partnering.key(1))).json()["profiles"] == []


async def test_buyers_partners_consent_shows_nobody(client: httpx.AsyncClient, partnering: Setting) -> None:
    order = await Order.get(id=partnering.tickets[0].order_id)
    order.consents = {"privacy": True, "partners": True}
    await order.save()
    await client.get("/api/v1/partnering/me", headers=partnering.key(0))
    listed = await client.get(
        f"/api/v1/events/{partnering.event.slug}/partnering/profiles", headers=partnering.key(1)
    )
    assert listed.json()["profiles"] == []


async def test_no_email_address_or_ticket_secret_in_any_participant_answer(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    first = await visible(client, partnering, 0, topics=["Oncologie"])
    await visible(client, partnering, 1)
    sent = await client.post(
        "/api/v1/partnering/me/requests", json={"to": first, "message": "Bonjour"}, headers=partnering.key(1)
    )
    await client.post(f"/api/v1/partnering/me/requests/{sent.json()['id']}/accept", headers=partnering.key(0))
    owner = bearer(await api_token(client, partnering.owner.email))
    path = f"/api/v1/events/{partnering.event.slug}/partnering/schedule"
    await client.post(path, json={"time_limit": 2}, headers=owner)
    answers = [
        await client.get("/api/v1/partnering/me", headers=partnering.key(1)),
        await client.get("/api/v1/partnering/me/agenda", headers=partnering.key(1)),
        await client.get(
            f"/api/v1/events/{partnering.event.slug}/partnering/profiles?q=Headline",
            headers=partnering.key(1),
        ),
    ]
    text = " ".join(json.dumps(a.json()) for a in answers)
    assert "@" not in text
    for ticket in partnering.tickets:
        assert ticket.secret not in text
    assert answers[1].json()["meetings"][0]["with"]["id"] == first


async def test_directory_filters_by_kind_and_topic(client: httpx.AsyncClient, partnering: Setting) -> None:
    lab = await visible(client, partnering, 0, organisation_kind="lab", topics=["Oncology"])
    await visible(client, partnering, 1, organisation_kind="investor", topics=["Diagnostics"])
    path = f"/api/v1/events/{partnering.event.slug}/partnering/profiles"
    by_kind = await client.get(f"{path}?kind=lab", headers=partnering.key(2))
    by_topic = await client.get(f"{path}?topic=Oncology", headers=partnering.key(2))
    assert [p["id"] for p in by_kind.json()["profiles"]] == [lab]
    assert [p["id"] for p in by_topic.json()["profiles"]] == [lab]


async def test_unknown_topic_is_invalid(client: httpx.AsyncClient, partnering: Setting) -> None:
    answer = await client.put(
        "/api/v1/partnering/me/profile", json={"topics": ["Astrology"]}, headers=partnering.key(0)
    )
    assert answer.status_code == 422
    assert "topics.0" in answer.json()["error"]["details"]


async def test_only_the_receiver_accepts(client: httpx.AsyncClient, partnering: Setting) -> None:
    target = await visible(client, partnering, 0)
    sent = await client.post("/api/v1/partnering/me/requests", json={"to": target}, headers=partnering.key(1))
    assert sent.status_code == 201
    request_id = sent.json()["id"]
    by_sender = await client.post(
        f"/api/v1/partnering/me/requests/{request_id}/accept", headers=partnering.key(1)
    )
    assert by_sender.status_code == 403
    by_stranger = await client.post(
        f"/api/v1/partnering/me/requests/{request_id}/accept", headers=partnering.key(2)
    )
    assert by_stranger.status_code == 404
    by_receiver = await client.post(
        f"/api/v1/partnering/me/requests/{request_id}/accept", headers=partnering.key(0)
    )
    assert by_receiver.json()["status"] == "accepted"


async def test_second_request_between_the_same_two_is_409_either_way(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    first = await visible(client, partnering, 0)
    second = await visible(client, partnering, 1)
    sent = await client.post("/api/v1/partnering/me/requests", json={"to": first}, headers=partnering.key(1))
    assert sent.status_code == 201
    again = await client.post("/api/v1/partnering/me/requests", json={"to": first}, headers=partnering.key(1))
    back = await client.post("/api/v1/partnering/me/requests", json={"to": second}, headers=partnering.key(0))
    assert (again.status_code, back.status_code) == (409, 409)
    await client.post(
        f"/api/v1/partnering/me/requests/{sent.json()['id']}/decline", headers=partnering.key(0)
    )
    after_decline = await client.post(
        "/api/v1/partnering/me/requests", json={"to": first}, headers=partnering.key(1)
    )
    assert after_decline.status_code == 201


async def test_request_to_an_invisible_profile_is_not_found(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    me = await client.get("/api/v1/partnering/me", headers=partnering.key(0))
    hidden_id = me.json()["profile"]["id"]
    answer = await client.post(
        "/api/v1/partnering/me/requests", json={"to": hidden_id}, headers=partnering.key(1)
    )
    assert answer.status_code == 404


async def test_no_new_request_after_the_deadline(client: httpx.AsyncClient, partnering: Setting) -> None:
    target = await visible(client, partnering, 0)
    closes = clock.now() - timedelta(minutes=1)
    await services.configure(
        partnering.owner, partnering.event, setup_body(partnering.event, requests_close_at=closes.isoformat())
    )
    answer = await client.post(
        "/api/v1/partnering/me/requests", json={"to": target}, headers=partnering.key(1)
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "requests_closed"


async def test_cancelled_ticket_closes_its_space(client: httpx.AsyncClient, partnering: Setting) -> None:
    target = await visible(client, partnering, 0)
    await client.post("/api/v1/partnering/me/requests", json={"to": target}, headers=partnering.key(1))
    await Ticket.filter(id=partnering.tickets[0].id).update(status=TicketStatus.CANCELLED)
    me = await client.get("/api/v1/partnering/me", headers=partnering.key(0))
    assert me.status_code == 401
    page = await client.get(
        f"/api/v1/events/{partnering.event.slug}/partnering/profiles", headers=partnering.key(1)
    )
    assert page.json()["profiles"] == []
    await services.close_dead_spaces()
    closed = await Participant.get(id=target)
    assert closed.closed and not closed.visible
    sent = (await client.get("/api/v1/partnering/me", headers=partnering.key(1))).json()["requests_sent"]
    assert sent[0]["status"] == "cancelled"


async def test_refunded_order_closes_the_space_too(client: httpx.AsyncClient, partnering: Setting) -> None:
    await Order.filter(id=partnering.tickets[0].order_id).update(status=OrderStatus.REFUNDED)
    assert (await client.get("/api/v1/partnering/me", headers=partnering.key(0))).status_code == 401


async def test_another_events_participant_sees_nothing(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    await visible(client, partnering, 0)
    other_event = await make_event(partnering.owner, published=True)
    other_type = await make_ticket_type(other_event)
    other = Setting(partnering.owner, other_event, other_type.id)
    await add_participants(other, 1)
    await services.configure(partnering.owner, other_event, setup_body(other_event))
    answer = await client.get(
        f"/api/v1/events/{partnering.event.slug}/partnering/profiles", headers=other.key(0)
    )
    assert answer.status_code == 404


async def test_another_organisation_sees_nothing(client: httpx.AsyncClient, partnering: Setting) -> None:
    stranger = await make_organiser()
    token = await api_token(client, stranger.email)
    slug = partnering.event.slug
    for part in ("", "/profiles", "/meetings", "/stats"):
        path = f"/api/v1/events/{slug}/partnering{part}"
        assert (await client.get(path, headers=bearer(token))).status_code == 404


async def test_forged_or_oversized_token_is_unauthenticated(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    forged = f"{partnering.tickets[0].id}-{'A' * 43}"
    for token in (forged, "9" * 40 + "-x", "x" * 5000):
        answer = await client.get("/api/v1/partnering/me", headers=bearer(token))
        assert answer.status_code == 401
    page = await client.get(f"/partnering/{forged}")
    assert page.status_code == 404


async def test_copy_partnering_moves_slots_and_leaves_people_behind(partnering: Setting) -> None:
    from events.partnering.models import PartneringSetup, Slot

    await Participant.create(event_id=partnering.event.id, ticket_id=partnering.tickets[0].id, visible=True)
    copy = await make_event(partnering.owner)
    shift = timedelta(days=365)
    await services.copy_partnering(partnering.event, copy, lambda moment: moment + shift)
    source = [s.starts_at for s in await Slot.filter(event_id=partnering.event.id).order_by("starts_at")]
    copied = [s.starts_at for s in await Slot.filter(event_id=copy.id).order_by("starts_at")]
    assert copied == [start + shift for start in source]
    setup = await PartneringSetup.get(event_id=copy.id)
    assert setup.topics[0] == {"fr": "Oncologie", "en": "Oncology"} and not setup.enabled
    assert await Participant.filter(event_id=copy.id).count() == 0


async def test_demo_event_has_partnering_with_a_dozen_visible_profiles(client: httpx.AsyncClient) -> None:
    from events.demo import DEMO_SLUG, load_demo
    from events.partnering.models import Meeting

    await load_demo("demo password 123")
    visible_ones = await Participant.filter(event__slug=DEMO_SLUG, visible=True).count()
    kinds = set(await Participant.filter(event__slug=DEMO_SLUG).values_list("organisation_kind", flat=True))
    assert visible_ones == 12
    assert {"lab", "startup", "large_company", "investor"} <= {str(k) for k in kinds}
    assert await Meeting.filter(event__slug=DEMO_SLUG).count() > 0


async def test_privacy_export_and_erasure_cover_partnering(
    client: httpx.AsyncClient, partnering: Setting
) -> None:
    own = await visible(client, partnering, 0, headline="Immunothérapie des cancers")
    other = await visible(client, partnering, 1)
    await client.post("/api/v1/partnering/me/requests", json={"to": other, "message": "Bonjour"},
                      headers=partnering.key(0))  # fmt: skip
    token = bearer(await api_token(client, partnering.owner.email))
    email = partnering.tickets[0].attendee_email
    exported = await client.post("/api/v1/privacy/people", json={"email": email}, headers=token)
    assert exported.status_code == 200, exported.text
    rows = exported.json()["partnering"]
    assert rows[0]["profile"]["headline"] == "Immunothérapie des cancers"
    assert rows[0]["requests"][0]["message"] == "Bonjour"
    erased = await client.post("/api/v1/privacy/erase", json={"email": email}, headers=token)
    assert erased.json()["erased"]["partnering_profiles"] == 1
    gone = await Participant.get(id=own)
    assert gone.closed and gone.headline == ""
    assert (await client.get("/api/v1/partnering/me", headers=partnering.key(0))).status_code == 401
    fresh = await Ticket.get(id=partnering.tickets[0].id)
    assert (
        await client.get("/api/v1/partnering/me", headers=bearer(tokens.token_for(fresh)))
    ).status_code == 401
