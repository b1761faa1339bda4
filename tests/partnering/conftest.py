"""A partnering event ready for tests: an organiser, a published event, partnering on, participants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest

from events.accounts.models import User
from events.catalogue.models import Event
from events.partnering import services, tokens
from events.ticketing.models import Ticket
from tests.factories import make_event, make_order, make_organiser, make_ticket_type


@dataclass
class Setting:
    owner: User
    event: Event
    type_id: int
    tickets: list[Ticket] = field(default_factory=list)

    def token(self, index: int) -> str:
        return tokens.token_for(self.tickets[index])

    def key(self, index: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(index)}"}


def setup_body(event: Event, **overrides: Any) -> dict[str, Any]:
    start = event.starts_at + timedelta(hours=2)
    body: dict[str, Any] = {
        "enabled": True,
        "meeting_minutes": 30,
        "windows": [{"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat()}],
        "tables": 3,
        "table_names": ["Salle Garonne"],
        "max_meetings": 3,
        "topics": [
            {"fr": "Oncologie", "en": "Oncology"},
            "Diagnostics",
            {"fr": "Santé numérique", "en": "E-health"},
        ],
        "cooperation_types": [{"fr": "Partenariat R&D", "en": "R&D partnership"}, "Licensing"],
    }
    body.update(overrides)
    return body


async def add_participants(setting: Setting, count: int) -> None:
    for _ in range(count):
        order = await make_order(setting.event, setting.type_id)
        setting.tickets.extend(await Ticket.filter(order_id=order.id).order_by("id"))


@pytest.fixture
async def partnering(app: Any) -> Setting:
    owner = await make_organiser()
    event = await make_event(owner, published=True)
    ticket_type = await make_ticket_type(event)
    setting = Setting(owner, event, ticket_type.id)
    await add_participants(setting, 4)
    await services.configure(owner, event, setup_body(event))
    return setting


async def visible(client: httpx.AsyncClient, setting: Setting, index: int, **profile: Any) -> int:
    """Make participant `index` visible with a profile; their profile id."""
    body = {"visible": True, "organisation_kind": "startup", "headline": f"Headline {index}", **profile}
    answer = await client.put("/api/v1/partnering/me/profile", json=body, headers=setting.key(index))
    assert answer.status_code == 200, answer.text
    return int(answer.json()["id"])
