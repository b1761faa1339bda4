"""Attendee and order exports: read back with the csv module and openpyxl, as Excel would open them."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from events.catalogue import offers
from events.ticketing.models import Ticket
from tests.factories import api_token, bearer, login, make_event, make_order, make_organiser, make_ticket_type

TRICKY = ["=1+2", "+33 6 12", "-5", "@SUM(A1)", "\tTab", "\rReturn"]
NAMES = ["Élodie Dürand", "李小龙", "Αθηνά Παπαδοπούλου", "Ørjan Ærø", "Мария Иванова"]


async def _event(client: httpx.AsyncClient) -> tuple[Any, Any, Any, str]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=None)
    kind = await make_ticket_type(event, name="Pass")
    question = await offers.create_question(owner, event, {"label": "Régime", "kind": "text"})
    for n, name in enumerate(NAMES + TRICKY):
        await make_order(
            event,
            kind.id,
            tickets=[
                {
                    "ticket_type": kind.id,
                    "attendee": {"name": name, "email": f"x{n}@example.org", "organisation": name},
                    "answers": {str(question.id): f"végétarien {name}"},
                }
            ],
        )
    return owner, event, question, await api_token(client, owner.email)


def _csv_rows(body: bytes, delimiter: str = ",") -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


async def test_csv_keeps_accents_and_non_latin_names(client: httpx.AsyncClient) -> None:
    _owner, event, question, token = await _event(client)
    answer = await client.get(f"/api/v1/events/{event.slug}/exports/attendees.csv", headers=bearer(token))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = _csv_rows(answer.content)
    header = rows[0]
    assert header[:3] == ["ticket_id", "name", "email"] and f"answer_{question.id}" in header
    names = [row[header.index("name")] for row in rows[1:]]
    for name in NAMES:
        assert name in names
    answers = [row[header.index(f"answer_{question.id}")] for row in rows[1:]]
    assert "végétarien 李小龙" in answers
    assert len(rows) == 1 + len(NAMES) + len(TRICKY)


async def test_csv_neutralises_formula_looking_cells(client: httpx.AsyncClient) -> None:
    _owner, event, _question, token = await _event(client)
    # The order form trims whitespace; a tab or CR first can still come from data stored otherwise.
    await Ticket.filter(event_id=event.id, attendee_name="Tab").update(attendee_organisation="\tTab")
    await Ticket.filter(event_id=event.id, attendee_name="Return").update(attendee_organisation="\rReturn")
    answer = await client.get(
        f"/api/v1/events/{event.slug}/exports/attendees.csv",
        params={"columns": "name,organisation"},
        headers=bearer(token),
    )
    rows = _csv_rows(answer.content)
    assert rows[0] == ["name", "organisation"]
    organisations = {row[1] for row in rows[1:]}
    for value in ("=1+2", "+33 6 12", "-5", "@SUM(A1)", "\tTab", "\rReturn"):
        assert "'" + value in organisations and value not in organisations
    assert "Élodie Dürand" in organisations


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@x", "\tx", "\rx"])
def test_every_formula_start_gets_a_leading_quote(value: str) -> None:
    from events.ticketing.exports import neutralise

    assert neutralise(value) == "'" + value
    assert neutralise("Plain " + value) == "Plain " + value
    assert neutralise(12) == 12


async def test_semicolon_on_request_for_french_excel(client: httpx.AsyncClient) -> None:
    _owner, event, _question, token = await _event(client)
    answer = await client.get(
        f"/api/v1/events/{event.slug}/exports/attendees.csv",
        params={"delimiter": "semicolon", "columns": "name,email"},
        headers=bearer(token),
    )
    rows = _csv_rows(answer.content, ";")
    assert rows[0] == ["name", "email"] and all(len(row) == 2 for row in rows)


async def test_xlsx_keeps_names_and_never_holds_a_formula(client: httpx.AsyncClient) -> None:
    _owner, event, question, token = await _event(client)
    answer = await client.get(f"/api/v1/events/{event.slug}/exports/attendees.xlsx", headers=bearer(token))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    assert f"answer_{question.id}" in header
    names = [row[header.index("name")].value for row in rows[1:]]
    for name in [*NAMES, "=1+2", "@SUM(A1)"]:
        assert name in names
    assert all(cell.data_type != "f" for row in rows for cell in row)


async def test_orders_export_has_the_contract_columns(client: httpx.AsyncClient) -> None:
    _owner, event, _question, token = await _event(client)
    answer = await client.get(f"/api/v1/events/{event.slug}/exports/orders.csv", headers=bearer(token))
    rows = _csv_rows(answer.content)
    assert rows[0] == [
        "code", "status", "total", "currency", "buyer_name", "buyer_email", "buyer_organisation",
        "created_at", "paid_at", "tickets",
    ]  # fmt: skip
    assert len(rows) == 1 + len(NAMES) + len(TRICKY)
    assert {row[1] for row in rows[1:]} == {"paid"} and {row[9] for row in rows[1:]} == {"1"}
    xlsx = await client.get(
        f"/api/v1/events/{event.slug}/exports/orders.xlsx", params={"status": "paid"}, headers=bearer(token)
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == len(rows)


async def test_export_follows_the_list_filters(client: httpx.AsyncClient) -> None:
    _owner, event, _question, token = await _event(client)
    answer = await client.get(
        f"/api/v1/events/{event.slug}/exports/attendees.csv",
        params={"q": "Мария", "columns": "name"},
        headers=bearer(token),
    )
    assert _csv_rows(answer.content) == [["name"], ["Мария Иванова"]]


@pytest.mark.parametrize(
    "params",
    [{"columns": "name,password"}, {"delimiter": "tab"}, {"status": "gone"}, {"columns": "x" * 3000}],
)
async def test_bad_export_parameters_are_invalid(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    _owner, event, _question, token = await _event(client)
    answer = await client.get(
        f"/api/v1/events/{event.slug}/exports/attendees.csv", params=params, headers=bearer(token)
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid"


async def test_exports_refuse_another_organisation_and_anonymous(client: httpx.AsyncClient) -> None:
    _owner, event, _question, _token = await _event(client)
    stranger = await make_organiser()
    token = await api_token(client, stranger.email)
    for path in ("attendees.csv", "attendees.xlsx", "orders.csv", "orders.xlsx"):
        url = f"/api/v1/events/{event.slug}/exports/{path}"
        assert (await client.get(url, headers=bearer(token))).status_code == 404
        assert (await client.get(url)).status_code == 401


async def test_dashboard_offers_the_same_files(client: httpx.AsyncClient) -> None:
    owner, event, _question, _token = await _event(client)
    await login(client, owner.email)
    page = await client.get(f"/dashboard/events/{event.slug}/attendees")
    assert f"/dashboard/events/{event.slug}/exports/attendees.xlsx" in page.text
    answer = await client.get(f"/dashboard/events/{event.slug}/exports/attendees.csv")
    assert answer.status_code == 200 and "Élodie Dürand" in answer.content.decode("utf-8-sig")
    unknown = await client.get(f"/dashboard/events/{event.slug}/exports/attendees.pdf")
    assert unknown.status_code == 404
