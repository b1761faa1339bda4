"""A realistic demo: the cluster's international conference, so that the first screen shows the product.

Loaded by `python main.py demo`, and by the first `make run` on an empty database only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events import clock
from events.accounts.models import Organisation, User
from events.accounts.services import create_organiser
from events.catalogue import services as catalogue
from events.catalogue.models import Event

DEMO_ORGANISATION = "Pôle Bio-Santé Occitanie"
DEMO_EMAIL = "organisateur@demo.colloque.test"
DEMO_SLUG = "biomed-forum-2027"

DESCRIPTION = (
    "Deux jours pour rapprocher laboratoires de recherche, start-up, PME et grands groupes de la "
    "santé : oncologie, vieillissement, dispositifs médicaux et bio-informatique. Conférences "
    "plénières, ateliers techniques et rendez-vous d'affaires B2B.\n\n"
    "Two days bringing together research labs, start-ups, SMEs and large companies in health: "
    "oncology, ageing, medical devices and bioinformatics. Plenary talks, hands-on workshops and "
    "B2B meetings."
)


async def database_is_empty() -> bool:
    return not await Organisation.exists() and not await User.exists()


def _next_spring(hour: int) -> datetime:
    """A date a few months ahead, so the demo stays upcoming whenever it is loaded."""
    paris = ZoneInfo("Europe/Paris")
    start = (clock.now() + timedelta(days=120)).astimezone(paris)
    return start.replace(hour=hour, minute=0, second=0, microsecond=0)


async def load_demo(password: str) -> str | None:
    """Create the demo organisation, its organiser and a published conference.

    Returns the organiser's e-mail, or None when the demo is already there.
    """
    if await Event.exists(slug=DEMO_SLUG):
        return None
    user = await create_organiser(DEMO_ORGANISATION, DEMO_EMAIL, password, name="Claire Martin")
    starts = _next_spring(9)
    event = await catalogue.create_event(
        user,
        {
            "title": "BioMed Forum 2027 — Innovation en santé",
            "slug": DEMO_SLUG,
            "description": DESCRIPTION,
            "venue": "Centre de congrès Pierre Baudis",
            "address": "11 esplanade Compans Caffarelli",
            "city": "Toulouse",
            "country": "FR",
            "timezone": "Europe/Paris",
            "starts_at": starts,
            "ends_at": starts + timedelta(days=1, hours=9),
            "capacity": 450,
            "currency": "EUR",
        },
    )
    await catalogue.publish_event(user, event)
    return user.email
