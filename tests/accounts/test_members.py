"""Member prices: a buyer found in the organisation's member directory (by e-mail domain or by the
SIREN of their SIRET) pays the member price without a code; members-only types refuse others; the CSV
import reports its bad lines and then stores nothing."""

from __future__ import annotations

import httpx

from events.accounts.models import Member
from events.catalogue.models import Event, TicketType
from events.ticketing.models import Order
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_organiser,
    make_ticket_type,
    order_body,
)

LAB_SIREN = "180038309"
LAB_SIRET = "18003830900019"


async def _shop(client: httpx.AsyncClient) -> tuple[Event, TicketType, TicketType, dict[str, str]]:
    owner = await make_organiser()
    headers = bearer(await api_token(client, owner.email))
    event = await make_event(owner, published=True)
    public = await make_ticket_type(event, price="400.00", vat_rate="20.00", member_price="250.00")
    club = await make_ticket_type(event, price="0.00", members_only=True)
    directory = {"members": [{"name": "Inserm", "siren": LAB_SIREN, "domains": ["inserm.fr"]}]}
    answer = await client.put("/api/v1/organisation/member-directory", json=directory, headers=headers)
    assert answer.status_code == 200, answer.text
    return event, public, club, headers


async def _order(client: httpx.AsyncClient, event: Event, type_id: int, **buyer: str) -> httpx.Response:
    body = order_body(type_id)
    body["buyer"] = {**body["buyer"], **buyer}
    return await client.post(f"/api/v1/events/{event.slug}/orders", json=body)


async def test_a_buyer_from_a_member_domain_pays_the_member_price(
    client: httpx.AsyncClient, app: object
) -> None:
    event, public, _club, _ = await _shop(client)
    answer = await _order(client, event, public.id, email="chercheuse@u1234.inserm.fr")
    assert answer.status_code == 201, answer.text
    assert (answer.json()["total"], answer.json()["member"]) == ("250.00", {"name": "Inserm"})
    assert (await Order.get(code=answer.json()["code"])).member_name == "Inserm"


async def test_a_buyer_whose_siret_belongs_to_a_member_pays_the_member_price(
    client: httpx.AsyncClient, app: object
) -> None:
    event, public, _club, _ = await _shop(client)
    answer = await _order(client, event, public.id, email="achats@gmail.example", siret=LAB_SIRET)
    assert answer.json()["total"] == "250.00"


async def test_anyone_else_pays_the_public_price(client: httpx.AsyncClient, app: object) -> None:
    event, public, _club, _ = await _shop(client)
    answer = await _order(client, event, public.id, email="someone@notinserm.fr")
    assert (answer.json()["total"], answer.json()["member"]) == ("400.00", None)


async def test_a_members_only_type_is_refused_to_others(client: httpx.AsyncClient, app: object) -> None:
    event, _public, club, _ = await _shop(client)
    refused = await _order(client, event, club.id, email="someone@elsewhere.example")
    assert refused.status_code == 422
    assert "tickets.0.ticket_type" in refused.json()["error"]["details"]
    assert (await _order(client, event, club.id, email="x@inserm.fr")).status_code == 201


async def test_the_directory_import_reports_bad_lines_and_stores_nothing(
    client: httpx.AsyncClient, app: object
) -> None:
    owner = await make_organiser()
    await login(client, owner.email)
    token = await csrf_from(client, "/dashboard/members")
    bad = (
        "nom;siren;domaines\nInserm;180038309;inserm.fr\nBiotech;123456789;biotech.example\n;;\n"
        "Lab;;not a domain\n"
    )
    answer = await client.post(
        "/dashboard/members",
        data={"csrf_token": token},
        files={"file": ("members.csv", bad.encode(), "text/csv")},
    )
    assert answer.status_code == 422
    assert "line 3" in answer.text and "line 5" in answer.text and "line 2" not in answer.text
    assert await Member.all().count() == 0
    good = "Inserm;180038309;inserm.fr u-bordeaux.fr\nBiotech SAS;;biotech.example\n"
    answer = await client.post(
        "/dashboard/members",
        data={"csrf_token": token},
        files={"file": ("members.csv", good.encode(), "text/csv")},
    )
    assert answer.status_code == 303
    stored = {m.name: m.domains for m in await Member.filter(organisation_id=owner.organisation_id)}
    assert stored == {"Inserm": ["inserm.fr", "u-bordeaux.fr"], "Biotech SAS": ["biotech.example"]}


async def test_the_directory_api_refuses_a_bad_siren(client: httpx.AsyncClient, app: object) -> None:
    owner = await make_organiser()
    headers = bearer(await api_token(client, owner.email))
    answer = await client.put(
        "/api/v1/organisation/member-directory",
        json={"members": [{"name": "X", "siren": "123456789"}]},
        headers=headers,
    )
    assert answer.status_code == 422
    assert "members.0.siren" in answer.json()["error"]["details"]
