"""A realistic demo: the cluster's international conference, so that the first screen shows the product.

Loaded by `python main.py demo`, and by the first `make run` on an empty database only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events import clock
from events.accounts.models import Organisation, User
from events.accounts.services import create_organiser
from events.catalogue import offers, sessions
from events.catalogue import services as catalogue
from events.catalogue.models import Event, TicketType
from events.invoicing import seller
from events.ticketing.orders import place_order

DEMO_ORGANISATION = "Pôle Bio-Santé Occitanie"
DEMO_EMAIL = "organisateur@demo.colloque.test"
DEMO_SLUG = "biomed-forum-2027"
DEMO_SELLER = {
    "legal_name": "Pôle Bio-Santé Occitanie (association loi 1901)",
    "address": "12 rue des Sciences",
    "postcode": "31400",
    "city": "Toulouse",
    "siren": "732829320",
    "siret": "73282932000074",
    "vat_number": "FR44732829320",
    "legal_mentions": "Association loi 1901, RNA W313012345 (identifiants de démonstration)",
    "iban": "FR7630006000011234567890189",
    "bic": "BNPAFRPP",
    "account_holder": "Pôle Bio-Santé Occitanie",
}
"""Demonstration identifiers: well-formed (checked like real ones) but belonging to nobody known."""

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
    await seller.update_legal_details(user, DEMO_SELLER)
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
    await _offer(user, event)
    await _programme(user, event)
    await catalogue.publish_event(user, event)
    await _first_registrations(event)
    return user.email


async def _offer(user: User, event: Event) -> None:
    """Ticket types, codes and questions as the cluster would set them up."""
    early_end = min(clock.now() + timedelta(days=45), event.starts_at - timedelta(days=7))
    types = [
        {"name": "Pass 2 jours — tarif early-bird", "price": "290.00", "vat_rate": "20.00",
         "capacity": 120, "sales_end": early_end.isoformat(), "badge_colour": "#0b5c8e"},
        {"name": "Pass 2 jours", "price": "390.00", "vat_rate": "20.00", "badge_colour": "#0b5c8e"},
        {"name": "Pass académique (laboratoires publics)", "price": "150.00", "vat_rate": "20.00",
         "hidden": True, "badge_colour": "#1d6b3a"},
        {"name": "Journée découverte start-up", "price": "0.00", "capacity": 80,
         "max_per_order": 4, "badge_colour": "#8a5a00",
         "description": "Accès au salon et aux rendez-vous B2B du second jour."},
        {"name": "Dîner de gala", "price": "85.00", "vat_rate": "10.00", "capacity": 200,
         "badge_colour": "#a4262c"},
    ]  # fmt: skip
    created = [await offers.create_ticket_type(user, event, data) for data in types]
    await offers.create_promo_code(
        user, event, {"code": "MEMBRE2027", "percent_off": 15, "ticket_types": [created[0].id, created[1].id]}
    )
    await offers.create_promo_code(
        user, event, {"code": "LABO2027", "percent_off": 10, "max_uses": 500, "ticket_types": [created[2].id]}
    )
    questions = [
        {"label": "Régime alimentaire / Dietary requirements", "kind": "choice", "sensitive": True,
         "options": ["Aucun / None", "Végétarien / Vegetarian", "Sans gluten / Gluten-free", "Halal",
                     "Casher / Kosher"]},
        {"label": "Besoins d'accessibilité / Accessibility needs", "kind": "textarea", "sensitive": True},
        {"label": "Je souhaite des rendez-vous B2B / I would like B2B meetings", "kind": "checkbox"},
    ]  # fmt: skip
    for data in questions:
        await offers.create_question(user, event, data)


async def _programme(user: User, event: Event) -> None:
    day1 = event.starts_at
    day2 = day1 + timedelta(days=1)
    items = [
        (day1, 0, 60, "Accueil et café / Welcome coffee", "Hall", "", None),
        (day1, 60, 60, "Plénière d'ouverture : l'innovation en oncologie", "Auditorium", "Pr. Anne Roussel",
         None),
        (day1, 150, 90, "Atelier : essais cliniques décentralisés", "Salle Garonne", "Dr. Marc Lefèvre", 25),
        (day1, 150, 90, "Workshop: AI for medical imaging", "Salle Canal", "Dr. Sarah Chen", 30),
        (day1, 240, 60, "Déjeuner / Lunch", "Hall", "", None),
        (day1, 300, 120, "Table ronde : financer sa biotech", "Auditorium", "Bpifrance, Fondation ARC", None),
        (day2, 0, 180, "Rendez-vous d'affaires B2B / B2B meetings", "Espace B2B", "", None),
        (day2, 180, 90, "Atelier : dispositifs médicaux et marquage CE", "Salle Garonne", "Me. Julie Bernard",
         20),
        (day2, 300, 60, "Plénière de clôture : bien vieillir", "Auditorium", "Pr. Luc Moreau", None),
    ]  # fmt: skip
    for day, offset, minutes, title, room, speakers, capacity in items:
        start = day + timedelta(minutes=offset)
        end = start + timedelta(minutes=minutes)
        data = {"title": title, "starts_at": start.isoformat(), "ends_at": end.isoformat(), "room": room,
                "speakers": speakers, "capacity": capacity}  # fmt: skip
        await sessions.create_session(user, event, data)


async def _first_registrations(event: Event) -> None:
    """A few free registrations, so that the organiser's figures are not empty."""
    discovery = await TicketType.get(event_id=event.id, name="Journée découverte start-up")
    people = [
        ("Léa Fontaine", "NeuroTech Occitanie"), ("Hugo Marchand", "Inserm U1037"),
        ("Amina Diallo", "Pierre Fabre"), ("Tom Girard", "BioSense SAS"),
        ("Chloé Petit", "CHU de Toulouse"), ("Yanis Roux", "Evotec"),
    ]  # fmt: skip
    for index, (name, organisation) in enumerate(people):
        email = f"{name.split()[0].lower()}.{index}@demo.colloque.test"
        await place_order(
            event.slug,
            {
                "buyer": {"name": name, "email": email, "organisation": organisation, "country": "FR"},
                "tickets": [{"ticket_type": discovery.id,
                             "attendee": {"name": name, "email": email, "organisation": organisation}}],
                "locale": "fr" if index % 2 else "en",
            },
        )  # fmt: skip
