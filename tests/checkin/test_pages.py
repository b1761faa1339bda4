"""Door pages: the scanner (door link, organiser, door staff) and the organiser's check-in page."""

from __future__ import annotations

import re

import httpx

from events.accounts.models import Role
from events.audit.models import AuditEntry
from events.checkin import redeem as scans
from events.checkin import services
from events.checkin.models import CheckinList, DoorToken
from events.checkin.tokens import Scanner
from tests.checkin.conftest import Door
from tests.factories import api_token, bearer, csrf_from, login, make_door_token, make_event, make_organiser


def _page(door: Door) -> str:
    return f"/dashboard/events/{door.event.slug}/checkin"


async def test_scanner_opens_with_a_door_link_and_carries_its_token(
    client: httpx.AsyncClient, door: Door
) -> None:
    answer = await client.get(f"/scan/{door.event.slug}", params={"token": door.token})
    assert answer.status_code == 200
    assert f'data-token="{door.token}"' in answer.text
    assert door.event.title in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.text)
    assert not re.search(r"<[^>]+\son[a-z]+=", answer.text)
    assert "zxing-browser.min.js" in answer.text


async def test_door_link_of_another_event_does_not_open_this_scanner(
    client: httpx.AsyncClient, door: Door
) -> None:
    other = await make_event(door.user, published=True)
    assert (await client.get(f"/scan/{other.slug}", params={"token": door.token})).status_code == 404


async def test_revoked_or_mistyped_door_link_says_so(client: httpx.AsyncClient, door: Door) -> None:
    answer = await client.get(f"/scan/{door.event.slug}", params={"token": "door_mistyped"})
    assert answer.status_code == 403
    assert "door link is not valid" in answer.text


async def test_door_link_opens_no_organiser_page(client: httpx.AsyncClient, door: Door) -> None:
    await client.get(f"/scan/{door.event.slug}", params={"token": door.token})
    for path in ("/dashboard", _page(door), f"/dashboard/events/{door.event.slug}/badges"):
        answer = await client.get(path, params={"token": door.token})
        assert answer.status_code in (303, 403, 404), path
        assert door.event.title not in answer.text
    assert (await client.get("/dashboard", headers=bearer(door.token))).status_code in (303, 403)


async def test_organiser_opens_the_scanner_with_the_session(client: httpx.AsyncClient, door: Door) -> None:
    await login(client, door.user.email)
    answer = await client.get(f"/scan/{door.event.slug}")
    assert answer.status_code == 200
    assert 'data-token=""' in answer.text
    assert re.search(r'data-csrf="[^"]+"', answer.text)


async def test_door_staff_open_scanners_but_not_the_dashboard(client: httpx.AsyncClient, door: Door) -> None:
    staff = await make_organiser(organisation=door.user.organisation.name, role=Role.DOOR)
    await login(client, staff.email)
    listing = await client.get("/scan")
    assert listing.status_code == 200
    assert f"/scan/{door.event.slug}" in listing.text
    assert (await client.get(f"/scan/{door.event.slug}")).status_code == 200
    assert (await client.get(_page(door))).status_code == 403
    assert (await client.get("/dashboard")).status_code == 403


async def test_scanner_of_another_organisation_is_not_found(client: httpx.AsyncClient, door: Door) -> None:
    stranger = await make_organiser()
    await login(client, stranger.email)
    assert (await client.get(f"/scan/{door.event.slug}")).status_code == 404
    assert door.event.title not in (await client.get("/scan")).text


async def test_anonymous_scanner_goes_to_sign_in(client: httpx.AsyncClient, door: Door) -> None:
    answer = await client.get(f"/scan/{door.event.slug}")
    assert answer.status_code == 303
    assert "/login" in answer.headers["location"]


async def test_checkin_page_shows_lists_figures_and_door_links(client: httpx.AsyncClient, door: Door) -> None:
    ticket = await door.ticket()
    await scans.redeem(Scanner(door.event, "test", "test"), {"secret": ticket.secret})
    await login(client, door.user.email)
    page = await client.get(_page(door))
    assert page.status_code == 200
    assert "Main entrance" in page.text
    assert "Entrée principale" in page.text
    assert re.search(r'data-figure="checked_in">1<', page.text)
    assert re.search(r'data-figure="expected">1<', page.text)


async def test_organiser_makes_a_door_link_shown_once_with_its_qr(
    client: httpx.AsyncClient, door: Door
) -> None:
    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    made = await client.post(
        f"{_page(door)}/door-links", data={"csrf_token": token, "token_name": "Porte Nord"}
    )
    assert made.status_code == 303
    shown = await client.get(_page(door))
    link = re.search(r'value="(http://testserver/scan/[^"]+\?token=door_[^"]+)"', shown.text)
    assert link is not None
    assert "data:image/png;base64," in shown.text
    assert link.group(1) not in (await client.get(_page(door))).text
    scanner = await client.get(link.group(1).removeprefix("http://testserver"))
    assert scanner.status_code == 200
    assert await AuditEntry.filter(action="door_token.created").count() == 2


async def test_organiser_revokes_a_door_link(client: httpx.AsyncClient, door: Door) -> None:
    await login(client, door.user.email)
    found = await DoorToken.get(event_id=door.event.id)
    token = await csrf_from(client, _page(door))
    revoked = await client.post(
        f"{_page(door)}/door-links/revoke", data={"csrf_token": token, "token_id": found.id}
    )
    assert revoked.status_code == 303
    answer = await client.post(door.url, json={"secret": "x"}, headers=door.headers)
    assert answer.status_code == 401
    assert await AuditEntry.filter(action="door_token.revoked").count() == 1


async def test_door_link_of_another_event_cannot_be_revoked_here(
    client: httpx.AsyncClient, door: Door
) -> None:
    other = await make_event(door.user, published=True)
    await make_door_token(other)
    theirs = await DoorToken.get(event_id=other.id)
    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    answer = await client.post(
        f"{_page(door)}/door-links/revoke", data={"csrf_token": token, "token_id": theirs.id}
    )
    assert answer.status_code == 404
    await theirs.refresh_from_db()
    assert theirs.revoked_at is None


async def test_organiser_adds_a_limited_list_from_the_page(client: httpx.AsyncClient, door: Door) -> None:
    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    form = {
        "csrf_token": token,
        "name": "Dîner de gala",
        "ticket_types": str(door.pass_type.id),
        "allow_multiple_entries": "on",
        "valid_from": "2031-05-01T19:00",
        "valid_until": "",
    }
    answer = await client.post(f"{_page(door)}/lists", data=form)
    assert answer.status_code == 303
    made = await CheckinList.get(name="Dîner de gala")
    assert made.allow_multiple_entries and not made.all_ticket_types
    assert made.valid_from is not None and made.valid_from.utcoffset() is not None
    assert made.valid_from.isoformat().startswith("2031-05-01T17:00")  # 19:00 in Paris, summer time
    assert await services.list_type_ids(made) == [door.pass_type.id]
    assert await AuditEntry.filter(action="checkin_list.created").count() == 1


async def test_list_form_errors_are_shown_and_nothing_is_stored(
    client: httpx.AsyncClient, door: Door
) -> None:
    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    answer = await client.post(
        f"{_page(door)}/lists", data={"csrf_token": token, "name": "", "ticket_types": "x"}
    )
    assert answer.status_code == 422
    assert "field-error" in answer.text
    assert await CheckinList.filter(is_main=False).count() == 0


async def test_checkin_forms_need_their_csrf_token(client: httpx.AsyncClient, door: Door) -> None:
    await login(client, door.user.email)
    for path in ("lists", "door-links", "door-links/revoke", "door-staff", "door-staff/deactivate"):
        answer = await client.post(
            f"{_page(door)}/{path}", data={"name": "x", "token_name": "x", "token_id": "1"}
        )
        assert answer.status_code == 403, path
    assert await CheckinList.filter(is_main=False).count() == 0
    assert await DoorToken.all().count() == 1


# ---- lists, door tokens and figures through the API


async def test_api_makes_lists_and_door_tokens(client: httpx.AsyncClient, door: Door) -> None:
    token = bearer(await api_token(client, door.user.email))
    slug = door.event.slug
    made = await client.post(
        f"/api/v1/events/{slug}/checkin-lists",
        json={"name": "Atelier", "ticket_types": [door.pass_type.id], "allow_multiple_entries": False},
        headers=token,
    )
    assert made.status_code == 201, made.text
    assert made.json()["ticket_types"] == [door.pass_type.id]
    lists = (await client.get(f"/api/v1/events/{slug}/checkin-lists", headers=token)).json()["lists"]
    assert [(x["name"], x["is_main"]) for x in lists] == [("Main entrance", True), ("Atelier", False)]
    created = await client.post(
        f"/api/v1/events/{slug}/door-tokens", json={"name": "Vestiaire"}, headers=token
    )
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("door_")
    assert body["scanner_url"] == f"http://testserver/scan/{slug}?token={body['token']}"
    listed = (await client.get(f"/api/v1/events/{slug}/door-tokens", headers=token)).json()["door_tokens"]
    assert "Vestiaire" in [t["name"] for t in listed]
    assert all("token" not in t for t in listed)
    revoked = await client.post(f"/api/v1/events/{slug}/door-tokens/{body['id']}/revoke", headers=token)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]


async def test_api_list_with_another_events_ticket_type_is_refused(
    client: httpx.AsyncClient, door: Door
) -> None:
    from tests.factories import make_ticket_type

    other = await make_event(door.user, published=True)
    foreign = await make_ticket_type(other)
    token = bearer(await api_token(client, door.user.email))
    answer = await client.post(
        f"/api/v1/events/{door.event.slug}/checkin-lists",
        json={"name": "X", "ticket_types": [foreign.id]},
        headers=token,
    )
    assert answer.status_code == 422
    assert "ticket_types" in answer.json()["error"]["details"]


async def test_stats_count_checked_in_inside_and_expected_per_list(
    client: httpx.AsyncClient, door: Door
) -> None:
    from tests.factories import make_ticket_type

    dinner = await make_ticket_type(door.event, name="Dîner")
    gala = await services.create_list(door.user, door.event, {"name": "Gala", "ticket_types": [dinner.id]})
    first, second = await door.ticket(), await door.ticket()
    guest = await door.ticket(dinner)
    for secret in (first.secret, second.secret, guest.secret):
        await client.post(door.url, json={"secret": secret}, headers=door.headers)
    await client.post(door.url, json={"secret": second.secret, "type": "exit"}, headers=door.headers)
    await client.post(door.url, json={"secret": guest.secret, "list": gala.id}, headers=door.headers)
    answer = await client.get(f"/api/v1/events/{door.event.slug}/checkin/stats", headers=door.headers)
    assert answer.status_code == 200
    rows = {row["name"]: row for row in answer.json()["lists"]}
    assert rows["Main entrance"] == {**rows["Main entrance"], "checked_in": 3, "inside": 2, "expected": 3}
    assert rows["Gala"] == {**rows["Gala"], "checked_in": 1, "inside": 1, "expected": 1}


async def test_openapi_describes_the_checkin_endpoints(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/events/{slug}/checkin",
        "/api/v1/events/{slug}/checkin/stats",
        "/api/v1/events/{slug}/checkin-lists",
        "/api/v1/events/{slug}/door-tokens",
    ):
        assert path in paths


# ---- door staff accounts


async def test_organiser_adds_a_door_staff_account_that_scans_but_sees_no_dashboard(
    client: httpx.AsyncClient, door: Door
) -> None:
    from events.accounts.models import User

    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    form = {
        "csrf_token": token,
        "staff_email": "Accueil@Example.org",
        "staff_name": "Léa",
        "staff_password": "porte-nord-2031",
    }
    made = await client.post(f"{_page(door)}/door-staff", data=form)
    assert made.status_code == 303
    staff = await User.get(email="accueil@example.org")
    assert staff.role == Role.DOOR and staff.organisation_id == door.user.organisation_id
    assert await AuditEntry.filter(action="door_user.created", object_id=str(staff.id)).count() == 1
    assert "accueil@example.org" in (await client.get(_page(door))).text

    client.cookies.clear()
    await login(client, "accueil@example.org", "porte-nord-2031")
    assert (await client.get(f"/scan/{door.event.slug}")).status_code == 200
    assert (await client.get(_page(door))).status_code == 403


async def test_door_staff_form_errors_are_shown_and_nothing_is_stored(
    client: httpx.AsyncClient, door: Door
) -> None:
    from events.accounts.models import User

    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    for email, password in (
        ("not-an-email", "long enough"),
        ("ok@example.org", "short"),
        (door.user.email, "long enough"),
    ):
        answer = await client.post(
            f"{_page(door)}/door-staff",
            data={"csrf_token": token, "staff_email": email, "staff_password": password},
        )
        assert answer.status_code == 422
        assert "field-error" in answer.text
    assert await User.filter(role=Role.DOOR).count() == 0


async def test_deactivated_door_staff_cannot_scan_any_more(client: httpx.AsyncClient, door: Door) -> None:
    staff = await make_organiser(organisation=door.user.organisation.name, role=Role.DOOR)
    staff_token = bearer(await api_token(client, staff.email))
    ticket = await door.ticket()
    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    answer = await client.post(
        f"{_page(door)}/door-staff/deactivate", data={"csrf_token": token, "user_id": staff.id}
    )
    assert answer.status_code == 303
    assert (
        await client.post(door.url, json={"secret": ticket.secret}, headers=staff_token)
    ).status_code == 401
    assert await AuditEntry.filter(action="door_user.deactivated").count() == 1


async def test_only_door_staff_of_ones_own_organisation_can_be_deactivated(
    client: httpx.AsyncClient, door: Door
) -> None:
    from events.accounts.models import User

    stranger = await make_organiser(role=Role.DOOR)
    colleague = await make_organiser(organisation=door.user.organisation.name, role=Role.MANAGER)
    await login(client, door.user.email)
    token = await csrf_from(client, _page(door))
    for target in (stranger, colleague):
        answer = await client.post(
            f"{_page(door)}/door-staff/deactivate", data={"csrf_token": token, "user_id": target.id}
        )
        assert answer.status_code == 404
    assert await User.filter(is_active=False).count() == 0


async def test_checkin_figures_agree_with_their_count_in_french(
    client: httpx.AsyncClient, door: Door
) -> None:
    """One entry, nobody else: "1 entrée · 1 présent", and the live update knows both forms."""
    ticket = await door.ticket()
    await scans.redeem(Scanner(door.event, "test", "test"), {"secret": ticket.secret})
    await login(client, door.user.email)
    page = (await client.get(_page(door), params={"lang": "fr"})).text
    assert re.search(r'data-one="entrée" data-other="entrées">entrée<', page)
    assert re.search(
        r'data-word="inside" data-one="présent en ce moment" data-other="présents en ce moment">', page
    )
    scanner = (await client.get(f"/scan/{door.event.slug}", params={"lang": "fr"})).text
    assert 'data-msg-pack-one="Liste hors ligne de {time}\u00a0: {count} billet"' in scanner
    assert 'data-msg-pack-other="Liste hors ligne de {time}\u00a0: {count} billets"' in scanner
