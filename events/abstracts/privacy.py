"""What the call for abstracts holds about one person, and how it is erased (API.md "Privacy").

A person appears as a submitter (name, e-mail), as an author (name, e-mail, affiliation) or as a
reviewer (an organisation user: the seat's affiliation and the reviews they wrote). `AbstractsData`
is this area's contributor to the privacy export and erasure (events.privacy.registry finds this
module and the contributor registers itself); `export` and `erase` below do the work.

Erasure keeps the abstract itself (it may be in the book and the programme) but drops the person's
identity: their name becomes "—", their address and affiliation are emptied, and the private link's
secret is replaced, so the old link answers 404.
"""

from __future__ import annotations

import secrets as random

from tortoise.transactions import in_transaction

from events.abstracts.models import Abstract, Assignment, Reviewer
from events.abstracts.services import authors_json
from events.privacy.registry import register

ERASED_NAME = "—"


def _same(a: object, b: str) -> bool:
    return isinstance(a, str) and a.strip().lower() == b


async def _abstracts_of(organisation_id: int, email: str) -> list[Abstract]:
    """Abstracts of the organisation's events where the address is the submitter's or an author's.

    Authors are a JSON list, read in Python: one organisation's abstracts are a few thousand at most.
    """
    found = []
    for abstract in await Abstract.filter(event__organisation_id=organisation_id).select_related(
        "event", "track"
    ):
        if _same(abstract.submitter_email, email) or any(
            _same(a.get("email"), email) for a in abstract.authors
        ):
            found.append(abstract)
    return found


async def export(organisation_id: int, email: str) -> dict[str, list[dict[str, object]]]:
    """What the call holds about the person: as submitter or author, and as reviewer."""
    address = email.strip().lower()
    abstracts: list[dict[str, object]] = [
        {
            "event": abstract.event.slug,
            "code": abstract.code,
            "title": abstract.title,
            "status": str(abstract.status),
            "submitter": _same(abstract.submitter_email, address),
            "submitter_name": abstract.submitter_name if _same(abstract.submitter_email, address) else None,
            "authors": [a for a in authors_json(abstract) if _same(a["email"], address)],
            "submitted_at": abstract.created_at.isoformat(),
        }
        for abstract in await _abstracts_of(organisation_id, address)
    ]
    seats = await Reviewer.filter(event__organisation_id=organisation_id, user__email=address).select_related(
        "event"
    )
    reviews = await Assignment.filter(reviewer_id__in=[s.id for s in seats], reviewed_at__isnull=False)
    reviewing: list[dict[str, object]] = [
        {
            "event": seat.event.slug,
            "affiliation": seat.affiliation,
            "reviews": [
                {"abstract_id": r.abstract_id, "scores": r.scores, "comment": r.comment,
                 "recommendation": r.recommendation}
                for r in reviews
                if r.reviewer_id == seat.id
            ],
        }
        for seat in seats
    ]  # fmt: skip
    return {"submissions": abstracts, "reviewing": reviewing}


async def erase(organisation_id: int, email: str) -> dict[str, int]:
    """Anonymise the person in every abstract and reviewer seat of the organisation: counts by kind."""
    address = email.strip().lower()
    counts = {"abstract_submitters": 0, "abstract_authors": 0, "reviewers": 0}
    async with in_transaction():  # inside the privacy area's transaction, a savepoint
        for abstract in await _abstracts_of(organisation_id, address):
            if _same(abstract.submitter_email, address):
                abstract.submitter_name = ERASED_NAME
                abstract.submitter_email = ""
                abstract.secret = random.token_urlsafe(24)
                counts["abstract_submitters"] += 1
            authors = []
            for author in abstract.authors:
                if _same(author.get("email"), address):
                    author = {**author, "name": ERASED_NAME, "email": "", "affiliation": ""}
                    counts["abstract_authors"] += 1
                authors.append(author)
            abstract.authors = authors
            await abstract.save()
        seats = await Reviewer.filter(
            event__organisation_id=organisation_id, user__email=address
        ).values_list("id", flat=True)
        if seats:
            counts["reviewers"] = await Reviewer.filter(id__in=list(seats)).update(affiliation="")
    return counts


class AbstractsData:
    """The `abstracts` of `POST /api/v1/privacy/people`, and their part of `POST /api/v1/privacy/erase`."""

    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        found = await export(organisation_id, email)
        rows = [{"as": "submitter" if row["submitter"] else "author", **row} for row in found["submissions"]]
        rows += [{"as": "reviewer", **row} for row in found["reviewing"]]
        return {"abstracts": rows}

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        return await erase(organisation_id, email)


register(AbstractsData())
