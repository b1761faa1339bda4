"""A realistic demo: the cluster's international conference, so that the first screen shows the product.

Loaded by `python main.py demo`, and by the first `make run` on an empty database only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from events import clock
from events.abstracts import demo as abstracts_demo
from events.accounts.models import Organisation, User
from events.accounts.services import create_organiser
from events.catalogue import offers, sessions
from events.catalogue import services as catalogue
from events.catalogue.models import Event, TicketType
from events.invoicing import seller
from events.partnering import meetings as partnering_meetings
from events.partnering import services as partnering
from events.partnering.models import MeetingRequest, Participant, RequestStatus
from events.ticketing.models import Ticket
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

DESCRIPTION = {
    "fr": (
        "Deux jours pour rapprocher laboratoires de recherche, start-up, PME et grands groupes de la "
        "santé : oncologie, vieillissement, dispositifs médicaux et bio-informatique. Conférences "
        "plénières, ateliers techniques et rendez-vous d'affaires B2B."
    ),
    "en": (
        "Two days bringing together research labs, start-ups, SMEs and large companies in health: "
        "oncology, ageing, medical devices and bioinformatics. Plenary talks, hands-on workshops and "
        "B2B meetings."
    ),
}


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
            "title": {
                "fr": "BioMed Forum 2027 — Innovation en santé",
                "en": "BioMed Forum 2027 — Health innovation",
            },
            "slug": DEMO_SLUG,
            "description": DESCRIPTION,
            "venue": {"fr": "Centre de congrès Pierre Baudis", "en": "Pierre Baudis Convention Centre"},
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
    await abstracts_demo.load(user, event, password, DEMO_ORGANISATION)
    await _first_registrations(event)
    await _partnering(user, event)
    return user.email


async def _offer(user: User, event: Event) -> None:
    """Ticket types, codes and questions as the cluster would set them up."""
    early_end = min(clock.now() + timedelta(days=45), event.starts_at - timedelta(days=7))
    types = [
        {"name": {"fr": "Pass 2 jours — tarif early-bird", "en": "2-day pass — early bird"},
         "price": "290.00", "vat_rate": "20.00",
         "capacity": 120, "sales_end": early_end.isoformat(), "badge_colour": "#0b5c8e"},
        {"name": {"fr": "Pass 2 jours", "en": "2-day pass"}, "price": "390.00", "vat_rate": "20.00",
         "badge_colour": "#0b5c8e"},
        {"name": {"fr": "Pass académique (laboratoires publics)", "en": "Academic pass (public labs)"},
         "price": "150.00", "vat_rate": "20.00",
         "hidden": True, "badge_colour": "#1d6b3a"},
        {"name": {"fr": "Journée découverte start-up", "en": "Start-up discovery day"}, "price": "0.00",
         "capacity": 80, "max_per_order": 4, "badge_colour": "#8a5a00",
         "description": {"fr": "Accès au salon et aux rendez-vous B2B du second jour.",
                         "en": "Access to the exhibition and the B2B meetings of the second day."}},
        {"name": {"fr": "Dîner de gala", "en": "Gala dinner"}, "price": "85.00", "vat_rate": "10.00",
         "capacity": 200,
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
        {"label": {"fr": "Régime alimentaire", "en": "Dietary requirements"}, "kind": "choice",
         "sensitive": True,
         "options": [{"key": "none", "fr": "Aucun", "en": "None"},
                     {"key": "vegetarian", "fr": "Végétarien", "en": "Vegetarian"},
                     {"key": "gluten-free", "fr": "Sans gluten", "en": "Gluten-free"},
                     {"key": "halal", "fr": "Halal", "en": "Halal"},
                     {"key": "kosher", "fr": "Casher", "en": "Kosher"}]},
        {"label": {"fr": "Besoins d'accessibilité", "en": "Accessibility needs"}, "kind": "textarea",
         "sensitive": True},
        {"label": {"fr": "Je souhaite des rendez-vous B2B", "en": "I would like B2B meetings"},
         "kind": "checkbox"},
    ]  # fmt: skip
    for data in questions:
        await offers.create_question(user, event, data)


async def _programme(user: User, event: Event) -> None:
    day1 = event.starts_at
    day2 = day1 + timedelta(days=1)
    items = [
        (day1, 0, 60, ("Accueil et café", "Welcome coffee"), "Hall", "", None, None),
        (day1, 60, 60,
         ("Plénière d'ouverture : l'innovation en oncologie", "Opening plenary: innovation in oncology"),
         "Auditorium", "Pr. Anne Roussel", None, None),
        (day1, 150, 90,
         ("Atelier : essais cliniques décentralisés", "Workshop: decentralised clinical trials"),
         "Salle Garonne", "Dr. Marc Lefèvre", 25,
         ("Protocoles, télésuivi et consentement électronique : retours d'expérience de trois promoteurs.",
          "Protocols, remote monitoring and e-consent: lessons learnt by three sponsors.")),
        (day1, 150, 90, ("Atelier : l'IA pour l'imagerie médicale", "Workshop: AI for medical imaging"),
         "Salle Canal", "Dr. Sarah Chen", 30,
         ("De l'annotation des images à la validation clinique d'un algorithme.",
          "From annotating images to the clinical validation of an algorithm.")),
        (day1, 240, 60, ("Déjeuner", "Lunch"), "Hall", "", None, None),
        (day1, 300, 120, ("Table ronde : financer sa biotech", "Panel: funding a biotech"), "Auditorium",
         "Bpifrance, Fondation ARC", None, None),
        (day2, 0, 180, ("Rendez-vous d'affaires B2B", "B2B meetings"), "Espace B2B", "", None, None),
        (day2, 180, 90,
         ("Atelier : dispositifs médicaux et marquage CE", "Workshop: medical devices and CE marking"),
         "Salle Garonne", "Me. Julie Bernard", 20,
         ("Le règlement MDR pas à pas, de la classification au dossier technique.",
          "The MDR step by step, from classification to the technical file.")),
        (day2, 300, 60, ("Plénière de clôture : bien vieillir", "Closing plenary: ageing well"), "Auditorium",
         "Pr. Luc Moreau", None, None),
    ]  # fmt: skip
    for day, offset, minutes, (french, english), room, speakers, capacity, about in items:
        start = day + timedelta(minutes=offset)
        end = start + timedelta(minutes=minutes)
        data: dict[str, object] = {
            "title": {"fr": french, "en": english}, "starts_at": start.isoformat(),
            "ends_at": end.isoformat(), "room": room, "speakers": speakers, "capacity": capacity,
        }  # fmt: skip
        if about:
            data["description"] = {"fr": about[0], "en": about[1]}
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


PROFILES = [
    ("Léa Fontaine", "NeuroTech Occitanie", "startup", "Implants neuronaux pour l'épilepsie résistante",
     ["Medical devices", "E-health"], [("Prototype validé chez l'animal", "Recherche de sites cliniques")],
     [("Partenaire industriel", "Industrialisation et marquage CE")]),
    ("Hugo Marchand", "Inserm U1037", "lab", "Équipe immunothérapie des cancers (CRCT)",
     ["Oncology", "Immunotherapy"], [("Modèles précliniques", "Organoïdes tumoraux dérivés de patients")],
     [("Licence", "Valoriser un anticorps bispécifique")]),
    ("Amina Diallo", "Pierre Fabre", "large_company", "Open innovation, oncologie et dermatologie",
     ["Oncology", "Diagnostics"], [("Co-développement", "Accès à nos plateformes de criblage")],
     [("Actifs en phase préclinique", "Oncologie, dermato-oncologie")]),
    ("Tom Girard", "BioSense SAS", "sme", "Biocapteurs pour le diagnostic au lit du patient",
     ["Diagnostics", "Medical devices"], [("Capteurs électrochimiques", "Production en salle blanche")],
     [("Distributeur européen", "Hôpitaux et laboratoires d'analyses")]),
    ("Chloé Petit", "CHU de Toulouse", "public_body", "Direction de la recherche et de l'innovation",
     ["E-health", "Ageing"], [("Investigation clinique", "Essais de dispositifs et de logiciels")],
     [("Solutions de télésuivi", "Patients âgés à domicile")]),
    ("Yanis Roux", "Evotec", "large_company", "Partenariats de recherche en découverte de médicaments",
     ["Oncology", "Immunotherapy"], [("Chimie médicinale", "Plateforme intégrée de découverte")],
     [("Cibles innovantes", "Laboratoires académiques")]),
    ("Sophie Laurent", "Occitanie Santé Capital", "investor", "Fonds d'amorçage santé, tickets de 0,5 à 3 M€",
     ["Medical devices", "E-health", "Oncology"], [("Financement d'amorçage", "Et accompagnement au board")],
     [("Start-up en amorçage", "Santé numérique, medtech, biotech")]),
    ("Karim Benali", "Vitalia Digital", "startup", "Plateforme de prévention de la fragilité",
     ["Ageing", "E-health"], [("Application validée", "Étude auprès de 800 seniors")],
     [("Investisseurs", "Levée de série A"), ("Établissements pilotes", "EHPAD et CHU")]),
    ("Élise Moreau", "LAAS-CNRS", "lab", "Microfluidique et laboratoires sur puce",
     ["Diagnostics", "Medical devices"], [("Savoir-faire microfluidique", "Conception et prototypage")],
     [("Partenariat de R&D", "Industriel du diagnostic")]),
    ("Marc Dubois", "Sanofi", "large_company", "Alliance management, immunologie",
     ["Immunotherapy", "Oncology"], [("Licence et co-développement", "Immunologie, oncologie")],
     [("Biotechs innovantes", "Actifs de la découverte à la phase I")]),
    ("Julie Caron", "OncoPredict", "startup", "IA de prédiction de réponse aux immunothérapies",
     ["Oncology", "E-health", "Immunotherapy"], [("Algorithme CE-IVD", "Validé sur 3 cohortes")],
     [("Accès aux données", "Cohortes hospitalières"), ("Pharma", "Médecine de précision")]),
    ("Paul Mercier", "Toulouse Tech Transfer", "public_body", "Transfert de technologies des laboratoires",
     ["Oncology", "Medical devices", "Diagnostics"], [("Brevets à licencier", "Portefeuille santé")],
     [("Licenciés", "Start-up et PME")]),
]  # fmt: skip


async def _partnering(user: User, event: Event) -> None:
    """Partnering on for the second day, with a dozen realistic profiles and a few requests."""
    day2 = event.starts_at + timedelta(days=1)
    windows = [
        {"starts_at": day2.isoformat(), "ends_at": (day2 + timedelta(hours=3)).isoformat()},
        {
            "starts_at": (day2 + timedelta(hours=5)).isoformat(),
            "ends_at": (day2 + timedelta(hours=7)).isoformat(),
        },
    ]
    topics = [
        {"fr": "Oncologie", "en": "Oncology"}, {"fr": "Immunothérapie", "en": "Immunotherapy"},
        {"fr": "Diagnostic", "en": "Diagnostics"}, {"fr": "Dispositifs médicaux", "en": "Medical devices"},
        {"fr": "Santé numérique", "en": "E-health"}, {"fr": "Bien vieillir", "en": "Ageing"},
    ]  # fmt: skip
    cooperation = [
        {"fr": "Partenariat de R&D", "en": "R&D partnership"}, {"fr": "Licence", "en": "Licensing"},
        {"fr": "Investissement", "en": "Investment"}, {"fr": "Fournisseur", "en": "Supplier"},
        {"fr": "Recrutement", "en": "Recruitment"},
    ]  # fmt: skip
    await partnering.configure(
        user, event,
        {"enabled": True, "meeting_minutes": 20, "windows": windows, "tables": 12, "max_meetings": 8,
         "table_names": ["Garonne", "Canal du Midi", "Capitole"], "topics": topics,
         "cooperation_types": cooperation, "requests_close_at": (day2 - timedelta(days=2)).isoformat()},
    )  # fmt: skip
    discovery = await TicketType.get(event_id=event.id, name="Journée découverte start-up")
    existing = {t.attendee_name: t for t in await Ticket.filter(event_id=event.id)}
    people = []
    for index, (name, organisation, kind, headline, chosen, offers_, needs) in enumerate(PROFILES):
        ticket = existing.get(name)
        if ticket is None:
            email = f"{name.split()[0].lower()}.b2b{index}@demo.colloque.test"
            order = await place_order(
                event.slug,
                {"buyer": {"name": name, "email": email, "organisation": organisation, "country": "FR"},
                 "tickets": [{"ticket_type": discovery.id,
                              "attendee": {"name": name, "email": email, "organisation": organisation}}],
                 "locale": "fr" if index % 3 else "en"},
            )  # fmt: skip
            ticket = await Ticket.get(order_id=order.id)
        participant, _ = await Participant.get_or_create(ticket_id=ticket.id, defaults={"event_id": event.id})
        participant.update_from_dict(
            {"visible": True, "organisation_kind": kind, "headline": headline, "topics": chosen,
             "offers": [{"title": t, "description": d} for t, d in offers_],
             "looking_for": [{"title": t, "description": d} for t, d in needs],
             "languages": ["fr", "en"] if index % 2 else ["fr"]}
        )  # fmt: skip
        await participant.save()
        people.append(participant)
    pairs = [(0, 6, True), (0, 3, True), (1, 2, True), (1, 5, True), (7, 6, True), (7, 4, True),
             (10, 9, True), (10, 2, False), (8, 3, True), (11, 1, False), (4, 0, False)]  # fmt: skip
    for sender, receiver, accepted in pairs:
        status = RequestStatus.ACCEPTED if accepted else RequestStatus.PENDING
        await MeetingRequest.create(event_id=event.id, sender_id=people[sender].id,
                                    receiver_id=people[receiver].id, status=status,
                                    message="Bonjour, je serais ravi(e) d'échanger avec vous.")  # fmt: skip
    await partnering_meetings.run_schedule(user, event, {"time_limit": 3})
