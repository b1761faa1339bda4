"""The redeem service and API: every status, entry and exit, nonces, lists, throttling and who may scan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest

from events import clock
from events.accounts.models import Role
from events.checkin import redeem as scans
from events.checkin import services
from events.checkin.models import Checkin, CheckinList, ListTicketState
from events.checkin.tokens import Scanner
from events.ticketing import lifecycle
from events.ticketing.models import Ticket
from tests.checkin.conftest import Door
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_door_token,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
)


async def _scan(client: httpx.AsyncClient, door: Door, **body: object) -> dict[str, object]:
    answer = await client.post(door.url, json=body, headers=door.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


async def test_first_scan_of_a_paid_badge_is_ok_with_the_attendee(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket(organisation="Institut Pasteur")
    body = await _scan(client, door, secret=ticket.secret)
    assert body["status"] == "ok"
    assert body["ticket"] == {
        "id": ticket.id,
        "attendee_name": ticket.attendee_name,
        "organisation": ticket.attendee_organisation,
        "ticket_type": "Pass congrès",
        "ticket_type_id": door.pass_type.id,
        "badge_colour": door.pass_type.badge_colour,
        "order": (await ticket.order).code,
    }
    assert body["checked_in_at"] is not None
    assert await Checkin.filter(ticket_id=ticket.id, type="entry").count() == 1


async def test_second_scan_of_same_badge_is_already_redeemed_with_the_first_time(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    first = await _scan(client, door, secret=ticket.secret)
    second = await _scan(client, door, secret=ticket.secret)
    assert second["status"] == "already_redeemed"
    assert second["checked_in_at"] == first["checked_in_at"]
    assert second["ticket"]["attendee_name"] == ticket.attendee_name  # type: ignore[index]
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1


async def test_scanner_typing_a_trailing_return_is_still_read(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    assert (await _scan(client, door, secret=f"  {ticket.secret}\r\n"))["status"] == "ok"


# ---- one table reaches every status


async def _ok(door: Door) -> dict[str, object]:
    return {"secret": (await door.ticket()).secret}


async def _already(door: Door) -> dict[str, object]:
    ticket = await door.ticket()
    await scans.redeem(_scanner(door), {"secret": ticket.secret})
    return {"secret": ticket.secret}


async def _invalid(door: Door) -> dict[str, object]:
    return {"secret": "not-a-ticket-at-all"}


async def _unpaid(door: Door) -> dict[str, object]:
    paid = await make_ticket_type(door.event, name="Pass industriel", price="350.00")
    order = await make_order(door.event, paid.id)
    assert order.status == "pending"
    return {"secret": (await Ticket.get(order_id=order.id)).secret}


async def _cancelled(door: Door) -> dict[str, object]:
    ticket = await door.ticket()
    await lifecycle.cancel_by_organiser(door.user, await ticket.order)
    return {"secret": ticket.secret}


async def _product(door: Door) -> dict[str, object]:
    dinner = await make_ticket_type(door.event, name="Dîner de gala")
    gala = await services.create_list(door.user, door.event, {"name": "Dîner", "ticket_types": [dinner.id]})
    return {"secret": (await door.ticket()).secret, "list": gala.id}


async def _invalid_time(door: Door) -> dict[str, object]:
    closed = clock.now() - timedelta(hours=1)
    late = await services.create_list(
        door.user, door.event, {"name": "Atelier du matin", "valid_until": closed.isoformat()}
    )
    return {"secret": (await door.ticket()).secret, "list": late.id}


def _scanner(door: Door) -> Scanner:
    return Scanner(event=door.event, device="test", key="test")


STATUSES: dict[str, Callable[[Door], Awaitable[dict[str, object]]]] = {
    "ok": _ok,
    "already_redeemed": _already,
    "invalid": _invalid,
    "unpaid": _unpaid,
    "cancelled": _cancelled,
    "product": _product,
    "invalid_time": _invalid_time,
}


@pytest.mark.parametrize("status", sorted(STATUSES))
async def test_every_status_is_reached(client: httpx.AsyncClient, door: Door, status: str) -> None:
    body = await STATUSES[status](door)
    result = await _scan(client, door, **body)
    assert result["status"] == status
    assert (result["ticket"] is None) == (status == "invalid")
    assert (result["checked_in_at"] is not None) == (status in ("ok", "already_redeemed"))
    expected_rows = 1 if status in ("ok", "already_redeemed") else 0
    assert await Checkin.all().count() == expected_rows


# ---- entry, exit, lists


async def test_exit_opens_the_door_again_for_a_single_entry_list(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    assert (await _scan(client, door, secret=ticket.secret))["status"] == "ok"
    left = await _scan(client, door, secret=ticket.secret, type="exit")
    assert left["status"] == "ok"
    assert left["type"] == "exit"
    assert (await _scan(client, door, secret=ticket.secret))["status"] == "ok"
    kinds = await Checkin.filter(ticket_id=ticket.id).order_by("id").values_list("type", flat=True)
    assert [str(kind) for kind in kinds] == ["entry", "exit", "entry"]


async def test_list_allowing_multiple_entries_admits_the_badge_each_time(
    client: httpx.AsyncClient, door: Door
) -> None:
    lounge = await services.create_list(
        door.user, door.event, {"name": "Espace exposants", "allow_multiple_entries": True}
    )
    ticket = await door.ticket()
    for _ in range(3):
        assert (await _scan(client, door, secret=ticket.secret, list=lounge.id))["status"] == "ok"
    state = await ListTicketState.get(checkin_list_id=lounge.id, ticket_id=ticket.id)
    assert state.entries == 3


async def test_lists_are_independent(client: httpx.AsyncClient, door: Door) -> None:
    workshop = await services.create_list(door.user, door.event, {"name": "Atelier CRISPR"})
    ticket = await door.ticket()
    assert (await _scan(client, door, secret=ticket.secret))["status"] == "ok"
    assert (await _scan(client, door, secret=ticket.secret, list=workshop.id))["status"] == "ok"


async def test_limited_list_admits_its_ticket_types(client: httpx.AsyncClient, door: Door) -> None:
    dinner = await make_ticket_type(door.event, name="Dîner de gala")
    gala = await services.create_list(door.user, door.event, {"name": "Dîner", "ticket_types": [dinner.id]})
    guest = await door.ticket(dinner)
    assert (await _scan(client, door, secret=guest.secret, list=gala.id))["status"] == "ok"


async def test_list_not_open_yet_is_invalid_time(client: httpx.AsyncClient, door: Door) -> None:
    later = clock.now() + timedelta(hours=2)
    evening = await services.create_list(
        door.user, door.event, {"name": "Soirée", "valid_from": later.isoformat()}
    )
    ticket = await door.ticket()
    assert (await _scan(client, door, secret=ticket.secret, list=evening.id))["status"] == "invalid_time"
    with clock.frozen(later + timedelta(minutes=1)):
        assert (await _scan(client, door, secret=ticket.secret, list=evening.id))["status"] == "ok"


async def test_another_events_list_is_not_found(client: httpx.AsyncClient, door: Door) -> None:
    other = await make_event(door.user, published=True)
    foreign = await services.main_list(other)
    ticket = await door.ticket()
    answer = await client.post(
        door.url, json={"secret": ticket.secret, "list": foreign.id}, headers=door.headers
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


async def test_main_list_is_made_once(door: Door) -> None:
    first = await services.main_list(door.event)
    again = await services.main_list(door.event)
    assert first.id == again.id
    assert await CheckinList.filter(event_id=door.event.id, is_main=True).count() == 1


async def test_attendee_found_by_name_is_checked_in_by_ticket_id(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    found = await client.get(
        f"/api/v1/events/{door.event.slug}/checkin/search",
        params={"q": ticket.attendee_name},
        headers=door.headers,
    )
    assert found.status_code == 200
    [hit] = found.json()["tickets"]
    assert hit["id"] == ticket.id and hit["status"] == "valid" and hit["inside"] is False
    assert (await _scan(client, door, ticket=hit["id"]))["status"] == "ok"
    again = await client.get(
        f"/api/v1/events/{door.event.slug}/checkin/search",
        params={"q": ticket.attendee_name},
        headers=door.headers,
    )
    assert again.json()["tickets"][0]["inside"] is True


async def test_ticket_id_of_another_event_is_invalid(client: httpx.AsyncClient, door: Door) -> None:
    other = await make_event(door.user, published=True)
    elsewhere = await make_order(other, (await make_ticket_type(other)).id)
    ticket = await Ticket.get(order_id=elsewhere.id)
    result = await _scan(client, door, ticket=ticket.id)
    assert result == {**result, "status": "invalid", "ticket": None}


# ---- nonces


async def test_same_nonce_twice_gives_the_first_answer_and_one_checkin(
    client: httpx.AsyncClient, door: Door
) -> None:
    ticket = await door.ticket()
    first = await _scan(client, door, secret=ticket.secret, nonce="scan-0001")
    retry = await _scan(client, door, secret=ticket.secret, nonce="scan-0001")
    assert retry == first
    assert first["status"] == "ok"
    assert await Checkin.filter(ticket_id=ticket.id).count() == 1


async def test_a_new_nonce_is_a_new_scan(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    await _scan(client, door, secret=ticket.secret, nonce="scan-a")
    assert (await _scan(client, door, secret=ticket.secret, nonce="scan-b"))["status"] == "already_redeemed"


async def test_nonce_of_an_invalid_scan_is_remembered_without_counting_twice(
    client: httpx.AsyncClient, door: Door
) -> None:
    first = await _scan(client, door, secret="garbage", nonce="n-1")
    assert await _scan(client, door, secret="garbage", nonce="n-1") == first
    from events.accounts.models import ThrottleHit

    assert await ThrottleHit.filter(scope="scan").count() == 1


# ---- throttling


async def test_thirty_invalid_scans_a_minute_then_429(client: httpx.AsyncClient, door: Door) -> None:
    for n in range(scans.INVALID_LIMIT):
        assert (await _scan(client, door, secret=f"guess-{n}"))["status"] == "invalid"
    refused = await client.post(door.url, json={"secret": "guess-31"}, headers=door.headers)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused.headers["retry-after"]) <= 60


async def test_throttled_door_still_admits_genuine_badges_and_other_doors(
    client: httpx.AsyncClient, door: Door
) -> None:
    for n in range(scans.INVALID_LIMIT):
        await _scan(client, door, secret=f"guess-{n}")
    assert (await _scan(client, door, secret=(await door.ticket()).secret))["status"] == "ok"
    other = {"Authorization": f"Bearer {await make_door_token(door.event, 'Porte B')}"}
    answer = await client.post(door.url, json={"secret": "typo"}, headers=other)
    assert answer.json()["status"] == "invalid"


async def test_throttle_lifts_after_a_minute(client: httpx.AsyncClient, door: Door) -> None:
    start = clock.now()
    with clock.frozen(start) as advance:
        for n in range(scans.INVALID_LIMIT):
            await _scan(client, door, secret=f"guess-{n}")
        assert (await client.post(door.url, json={"secret": "x"}, headers=door.headers)).status_code == 429
        advance(timedelta(seconds=61))
        assert (await _scan(client, door, secret="x"))["status"] == "invalid"


# ---- who may scan


async def test_door_token_of_event_a_reads_nothing_of_event_b(client: httpx.AsyncClient, door: Door) -> None:
    other = await make_event(door.user, published=True, title="Forum B")
    order_b = await make_order(other, (await make_ticket_type(other)).id)
    badge_b = await Ticket.get(order_id=order_b.id)
    result = await _scan(client, door, secret=badge_b.secret)
    assert result["status"] == "invalid"
    assert result["ticket"] is None
    assert badge_b.attendee_name not in str(result)
    assert await Checkin.all().count() == 0
    at_b = await client.post(
        f"/api/v1/events/{other.slug}/checkin", json={"secret": badge_b.secret}, headers=door.headers
    )
    assert at_b.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/events/{slug}/orders",
        "/api/v1/events/{slug}/ticket-types",
        "/api/v1/events/{slug}/door-tokens",
    ],
)
async def test_door_token_is_forbidden_on_organiser_api(
    client: httpx.AsyncClient, door: Door, path: str
) -> None:
    answer = await client.get(path.format(slug=door.event.slug), headers=door.headers)
    assert answer.status_code in (403, 404)
    assert door.event.title not in answer.text


async def test_door_token_cannot_make_lists_or_door_tokens(client: httpx.AsyncClient, door: Door) -> None:
    slug = door.event.slug
    made = await client.post(f"/api/v1/events/{slug}/checkin-lists", json={"name": "X"}, headers=door.headers)
    assert made.status_code == 403
    token = await client.post(f"/api/v1/events/{slug}/door-tokens", json={"name": "X"}, headers=door.headers)
    assert token.status_code == 403


async def test_revoked_door_token_stops_at_once(client: httpx.AsyncClient, door: Door) -> None:
    from events.checkin.models import DoorToken
    from events.checkin.tokens import revoke_door_token

    found = await DoorToken.get(event_id=door.event.id)
    await revoke_door_token(door.user, door.event, found.id)
    answer = await client.post(door.url, json={"secret": "x"}, headers=door.headers)
    assert answer.status_code == 401


async def test_scan_without_credentials_is_unauthenticated(client: httpx.AsyncClient, door: Door) -> None:
    answer = await client.post(door.url, json={"secret": "x"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"


async def test_organiser_token_scans_its_own_events_only(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    token = bearer(await api_token(client, door.user.email))
    assert (await client.post(door.url, json={"secret": ticket.secret}, headers=token)).json()[
        "status"
    ] == "ok"
    stranger = await make_organiser()
    theirs = bearer(await api_token(client, stranger.email))
    assert (await client.post(door.url, json={"secret": ticket.secret}, headers=theirs)).status_code == 404


async def test_door_user_scans_with_its_api_token(client: httpx.AsyncClient, door: Door) -> None:
    staff = await make_organiser(organisation=door.user.organisation.name, role=Role.DOOR)
    token = bearer(await api_token(client, staff.email))
    ticket = await door.ticket()
    assert (await client.post(door.url, json={"secret": ticket.secret}, headers=token)).json()[
        "status"
    ] == "ok"
    assert (await Checkin.get(ticket_id=ticket.id)).device == staff.email
    assert (await client.get("/api/v1/events", headers=token)).status_code == 403


async def test_session_scan_needs_the_pages_csrf_header(client: httpx.AsyncClient, door: Door) -> None:
    await login(client, door.user.email)
    ticket = await door.ticket()
    refused = await client.post(door.url, json={"secret": ticket.secret})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    csrf = await csrf_from(client, f"/dashboard/events/{door.event.slug}/checkin")
    answer = await client.post(door.url, json={"secret": ticket.secret}, headers={"X-CSRF-Token": csrf})
    assert answer.json()["status"] == "ok"


# ---- bad input


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"secret": 12},
        {"secret": "x", "ticket": 1},
        {"secret": "x", "type": "sideways"},
        {"secret": "x", "nonce": ""},
        {"secret": "x", "nonce": "a b"},
        {"secret": "x", "list": 2**40},
        {"ticket": 2**40},
        {"secret": "x" * 5000},
        {"secret": "x", "extra": True},
    ],
)
async def test_malformed_scan_is_422_and_stores_nothing(
    client: httpx.AsyncClient, door: Door, body: dict[str, object]
) -> None:
    answer = await client.post(door.url, json=body, headers=door.headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"
    assert await Checkin.all().count() == 0


async def test_body_that_is_not_json_is_422(client: httpx.AsyncClient, door: Door) -> None:
    answer = await client.post(door.url, content=b"\xff{", headers=door.headers)
    assert answer.status_code == 422
