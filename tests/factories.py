"""One small async factory per domain object, and the few HTTP steps most tests share."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from events import clock
from events.accounts.models import Organisation, Role, User
from events.accounts.services import create_organiser
from events.catalogue import offers
from events.catalogue import services as catalogue
from events.catalogue.models import Event, TicketType
from events.ticketing.models import Order
from events.ticketing.orders import place_order

PASSWORD = "correct horse battery staple"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


SELLER_SIREN = "732829320"
SELLER_SIRET = "73282932000074"
SELLER = {
    "legal_name": "Pôle Santé Innovation Occitanie",
    "legal_address": "12 rue des Sciences",
    "postcode": "31400",
    "city": "Toulouse",
    "country": "FR",
    "siren": SELLER_SIREN,
    "siret": SELLER_SIRET,
    "vat_number": "FR44732829320",
    "legal_mentions": "Association loi 1901, RNA W313012345",
    "iban": "FR7630006000011234567890189",
    "bic": "BNPAFRPP",
    "account_holder": "Pôle Santé Innovation Occitanie",
}
"""Complete legal and bank details: the seller every paid sale needs (valid identifiers)."""


async def make_organiser(
    organisation: str | None = None,
    email: str | None = None,
    role: Role = Role.OWNER,
    *,
    legal: bool = True,
) -> User:
    """An organiser; their organisation has complete legal details unless `legal=False` (a new one)."""
    n = _next()
    user = await create_organiser(
        organisation or f"Organisation {n}",
        email or f"organiser{n}@example.org",
        PASSWORD,
        name=f"Organiser {n}",
        role=role,
    )
    if legal and role == Role.OWNER:
        await Organisation.filter(id=user.organisation_id, legal_name="").update(**SELLER)
    await user.fetch_related("organisation")
    return user


def event_data(**overrides: Any) -> dict[str, Any]:
    start = (clock.now() + timedelta(days=60)).astimezone(ZoneInfo("Europe/Paris"))
    start = start.replace(hour=9, minute=0, second=0, microsecond=0)
    data: dict[str, Any] = {
        "title": f"Congrès Oncologie {_next()}",
        "venue": "Centre de congrès",
        "city": "Toulouse",
        "country": "FR",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=9)).isoformat(),
        "capacity": 200,
    }
    data.update(overrides)
    return data


async def make_event(user: User, *, published: bool = False, **overrides: Any) -> Event:
    event = await catalogue.create_event(user, event_data(**overrides))
    if published:
        event = await catalogue.publish_event(user, event)
    return event


def paris(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))


async def csrf_from(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_from(client, "/login")
    return await client.post("/login", data={"email": email, "password": password, "csrf_token": token})


async def api_token(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> str:
    answer = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def make_ticket_type(event: Event, **overrides: Any) -> TicketType:
    data: dict[str, Any] = {"name": f"Pass {_next()}", "price": "0.00", "capacity": None}
    data.update(overrides)
    owner = await User.filter(organisation_id=event.organisation_id).first()
    assert owner is not None
    return await offers.create_ticket_type(owner, event, data)


def order_body(*type_ids: int, **overrides: Any) -> dict[str, Any]:
    n = _next()
    body: dict[str, Any] = {
        "buyer": {"name": f"Acheteur {n}", "email": f"buyer{n}@example.org", "country": "FR"},
        "tickets": [
            {
                "ticket_type": type_id,
                "attendee": {"name": f"Participant {n}-{i}", "email": f"p{n}-{i}@example.org"},
            }
            for i, type_id in enumerate(type_ids)
        ],
        "locale": "fr",
    }
    body.update(overrides)
    return body


async def make_order(event: Event, *type_ids: int, **overrides: Any) -> Order:
    return await place_order(event.slug, order_body(*type_ids, **overrides))


async def make_door_token(event: Event, name: str = "Entrée principale") -> str:
    """A door link's token for `event`, made by one of its organisers."""
    from events.checkin.tokens import create_door_token

    owner = await User.filter(organisation_id=event.organisation_id).first()
    assert owner is not None
    _created, token = await create_door_token(owner, event, {"name": name})
    return token


def call_data(**overrides: Any) -> dict[str, Any]:
    """A call for abstracts open from yesterday for a month, two tracks, one review question."""
    now = clock.now()
    data: dict[str, Any] = {
        "opens_at": (now - timedelta(days=1)).isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
        "tracks": [{"name": "Oncologie"}, {"name": "Immunologie"}],
        "contribution_types": ["oral", "poster"],
        "max_words": 50,
        "blind": False,
        "review_questions": [{"text": "Originalité", "max_score": 5}, {"text": "Méthode", "max_score": 5}],
    }
    data.update(overrides)
    return data


async def make_call(event: Event, **overrides: Any) -> Any:
    from events.abstracts import services as abstracts

    owner = await User.filter(organisation_id=event.organisation_id, role=Role.OWNER).first()
    assert owner is not None
    return await abstracts.put_call(owner, event, call_data(**overrides))


def submission_body(track_id: int, **overrides: Any) -> dict[str, Any]:
    n = _next()
    data: dict[str, Any] = {
        "title": f"Ciblage des tumeurs solides {n}",
        "body": "Nous présentons une méthode nouvelle de ciblage des tumeurs solides.",
        "track": track_id,
        "contribution_type": "oral",
        "authors": [
            {
                "name": f"Alice Martin {n}",
                "email": f"alice{n}@inserm.fr",
                "affiliation": "Inserm",
                "presenting": True,
            },
            {
                "name": f"Bruno Petit {n}",
                "email": f"bruno{n}@cnrs.fr",
                "affiliation": "CNRS",
                "presenting": False,
            },
        ],
        "submitter": {"name": f"Alice Martin {n}", "email": f"alice{n}@inserm.fr"},
        "locale": "fr",
    }
    data.update(overrides)
    return data


async def make_abstract(event: Event, track_id: int, **overrides: Any) -> Any:
    from events.abstracts import services as abstracts

    return await abstracts.submit(
        event.slug, submission_body(track_id, **overrides), f"10.0.0.{_next() % 250}"
    )


async def make_reviewer(organisation: str, email: str | None = None) -> User:
    """A team member with role `reviewer` in the organisation named `organisation`."""
    return await make_organiser(organisation, email, role=Role.REVIEWER)
