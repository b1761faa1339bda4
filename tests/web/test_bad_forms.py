"""Every public and organiser form, sent the bad inputs of the fault probe: never a 5xx, nothing stored."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

from events.catalogue.models import Event, PromoCode, Question, Session, TicketType
from events.ticketing.models import Order, Ticket, WaitingListEntry
from tests.factories import csrf_from, login, make_event, make_organiser
from tests.web.test_security import _form_routes, _path_values

FIELDS = (
    "email", "password", "title", "name", "slug", "description", "code", "promo_code", "q", "label",
    "price", "capacity", "count", "ticket-0-type", "ticket-0-name", "ticket-0-email", "ticket-0-session",
    "buyer-name", "buyer-email", "buyer-country", "starts_at", "ends_at", "amount", "session", "offer",
    "retention_months", "percent_off", "ticket_types", "list", "ticket",
)  # fmt: skip

BAD_VALUES = {
    "nul": "x\x00y",
    "long": "A" * 5000,
    "huge_number": "9" * 5000,
    "big_id": "1099511627776",
}


def _fill(path: str, values: dict[str, str]) -> str:
    """A real object for the parameters `_path_values` knows, a row id that is no one's for the others."""
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "999999"), path)


def _bodies(token: str) -> dict[str, bytes]:
    bodies = {
        kind: urlencode([("csrf_token", token), *((f, value) for f in FIELDS)]).encode()
        for kind, value in BAD_VALUES.items()
    }
    repeated = [("csrf_token", token), *((f, v) for f in FIELDS for v in ("1", "x", ""))]
    bodies["repeated"] = urlencode(repeated).encode()
    raw = b"&".join(f.encode() + b"=%FF%FE%00" for f in FIELDS)
    bodies["invalid_utf8"] = b"csrf_token=" + token.encode() + b"&" + raw
    return bodies


async def _snapshot(event: Event) -> str:
    rows = [
        await model.filter(**where).order_by("id").values()
        for model, where in (
            (Event, {}), (TicketType, {}), (PromoCode, {}), (Question, {}), (Session, {}), (Order, {}),
            (Ticket, {}), (WaitingListEntry, {}),
        )
    ]  # fmt: skip
    text = json.dumps(rows, default=str)
    for volatile in ('"updated_at"', '"lock_version"'):
        assert volatile  # compared below without the columns every write touches
    return text


def _stable(text: str) -> list[object]:
    rows = json.loads(text)
    return [
        [{k: v for k, v in row.items() if k not in {"updated_at", "lock_version"}} for row in t] for t in rows
    ]


@pytest.mark.parametrize("kind", [*BAD_VALUES, "repeated", "invalid_utf8"])
async def test_bad_inputs_to_every_form_give_no_5xx_and_store_nothing(
    app: Starlette, client: httpx.AsyncClient, kind: str
) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    values = await _path_values(event)
    await login(client, user.email)
    token = await csrf_from(client, "/dashboard")
    body = _bodies(token)[kind]
    before = _stable(await _snapshot(event))
    paths = [path for path in _form_routes(app) if path not in ("/logout",)]
    assert len(paths) > 20
    for path in paths:
        url = _fill(path, values)
        headers = {"content-type": "application/x-www-form-urlencoded"}
        answer = await client.post(url, content=body, headers=headers)
        assert answer.status_code < 500, (url, answer.status_code)
    after = _stable(await _snapshot(event))
    changed = [i for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
    for index in changed:
        text = json.dumps(after[index], default=str)
        assert "\x00" not in text and "A" * 5000 not in text and "9" * 5000 not in text, (kind, index)
