"""The demo event's scientific programme: a closed call, reviewed abstracts and two accepted talks.

Everything goes through the same services as the pages, in the order a committee would work: the call
opens, researchers submit, reviewers score, the committee decides and schedules, then the call closes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from events import clock
from events.abstracts import decisions, review, services
from events.accounts.models import Role, User
from events.accounts.services import create_organiser
from events.catalogue.models import Event

_ABSTRACTS = [
    ("Immunothérapie ciblée des glioblastomes par cellules CAR-T de nouvelle génération", "oncology", "oral",
     [("Dr. Inès Vidal", "ines.vidal@inserm.fr", "Inserm U1037 — CRCT", True),
      ("Pr. Paul Girard", "paul.girard@univ-tlse3.fr", "Université Toulouse III", False)],
     (5, 4, "accept_oral"), "accepted"),
    ("Deep learning for early detection of pancreatic cancer on routine CT scans", "bioinformatics", "oral",
     [("Dr. Sarah Chen", "sarah.chen@iuct-oncopole.fr", "IUCT-Oncopole", True)],
     (4, 5, "accept_oral"), "accepted"),
    ("Capteurs portables pour le suivi de la fragilité chez la personne âgée", "ageing", "poster",
     [("Léo Martin", "leo.martin@laas.fr", "LAAS-CNRS", True)],
     (3, 3, "accept_poster"), "accepted"),
    ("Biomarqueurs salivaires du déclin cognitif : une étude pilote", "ageing", "oral",
     [("Dr. Nadia Benali", "nadia.benali@chu-toulouse.fr", "CHU de Toulouse", True)],
     (2, 2, "reject"), "rejected"),
]  # fmt: skip

_BODY = (
    "Contexte : {title}.\n\nMéthodes : étude menée entre 2024 et 2026 dans la région Occitanie, en lien "
    "avec des partenaires hospitaliers et industriels.\n\nRésultats et perspectives : les premiers résultats "
    "ouvrent la voie à un transfert vers l'industrie de santé."
)


async def _reviewers(password: str, organisation: str) -> list[User]:
    people = [
        ("Pr. Hélène Dubois", "helene.dubois@demo-relecture.test", "Institut Pasteur"),
        ("Dr. Karim Haddad", "karim.haddad@demo-relecture.test", "Sanofi R&D"),
    ]
    found = []
    for name, email, _affiliation in people:
        found.append(await create_organiser(organisation, email, password, name=name, role=Role.REVIEWER))
    return found


async def load(user: User, event: Event, password: str, organisation: str) -> None:
    """Runs while the event is published, before its first registrations."""
    now = clock.now()
    call_data: dict[str, Any] = {
        "opens_at": now - timedelta(days=90),
        "closes_at": now + timedelta(days=1),
        "tracks": [{"name": "Oncologie"}, {"name": "Bio-informatique et IA"}, {"name": "Bien vieillir"}],
        "contribution_types": ["oral", "poster"],
        "max_words": 300,
        "blind": True,
        "presenter_promo_code": "LABO2027",
        "review_questions": [
            {"text": "Originalité", "max_score": 5},
            {"text": "Solidité de la méthode", "max_score": 5},
        ],
    }
    call = await services.put_call(user, event, call_data)
    tracks = dict(
        zip(("oncology", "bioinformatics", "ageing"), await services.active_tracks(call), strict=True)
    )
    questions = await services.active_questions(call)
    reviewers = await _reviewers(password, organisation)
    for person, affiliation in zip(reviewers, ("Institut Pasteur", "Sanofi R&D"), strict=True):
        body = {"user_id": person.id, "tracks": [t.id for t in tracks.values()], "affiliation": affiliation}
        await review.add_reviewer(user, event, body)
    filed = []
    for title, track, kind, authors, marks, decision in _ABSTRACTS:
        data = {
            "title": title,
            "body": _BODY.format(title=title),
            "track": tracks[track].id,
            "contribution_type": kind,
            "authors": [{"name": n, "email": e, "affiliation": a, "presenting": p} for n, e, a, p in authors],
            "submitter": {"name": authors[0][0], "email": authors[0][1]},
            "locale": "fr",
        }
        filed.append((await services.submit(event.slug, data, "demo"), marks, decision))
    await review.auto_assign(user, event, {"per_abstract": 2})
    for abstract, (first, second, recommendation), _decision in filed:
        for person in reviewers:
            scores = {str(questions[0].id): first, str(questions[1].id): second}
            await review.save_review(
                person, abstract.id, {"scores": scores, "recommendation": recommendation}
            )
    for abstract, _marks, decision in filed:
        await decisions.decide(user, event, abstract, {"decision": decision})
    talks = [abstract for abstract, _m, _d in filed if abstract.status == "accepted"]
    slot = event.starts_at + timedelta(days=1, hours=4)
    for abstract in talks:
        if abstract.contribution_type == "oral":
            await decisions.schedule(
                user,
                event,
                abstract,
                {"starts_at": slot, "ends_at": slot + timedelta(minutes=20), "room": "Auditorium"},
            )
            slot += timedelta(minutes=20)
        else:
            await decisions.schedule(user, event, abstract, {"poster_board": "P-01"})
    await services.put_call(user, event, {**call_data, "closes_at": now - timedelta(minutes=1)})
