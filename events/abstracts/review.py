"""Reviewers, who reviews what, and the reviews themselves.

A reviewer is an organisation user with role `reviewer`, enrolled on an event for some tracks with
an affiliation (the conflict of interest rule compares it, and the user's e-mail domain, with the
authors'). Automatic assignment tops every submitted abstract up to N reviewers (events.abstracts.
assignment); the organiser may add or take back one pair by hand, never a conflicted one.
A reviewer only ever reaches the abstracts assigned to them: any other is 403, and when the call is
blind no author or submitter data is in anything they are sent.

    DomainError
    ├── Invalid          422  invalid              (not a reviewer, unknown track, bad score)
    ├── Forbidden        403  forbidden            (an abstract not assigned to this reviewer)
    └── Conflict
        ├── ConflictOfInterest  409  conflict_of_interest
        └── Conflict            409  conflict      (reviewing a withdrawn or decided abstract)
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from events import clock
from events.abstracts import assignment
from events.abstracts.models import Abstract, AbstractStatus, Assignment, Call, Reviewer, Track
from events.abstracts.schemas import AssignInput, AssignmentChange, ReviewerInput, ReviewInput
from events.abstracts.services import abstract_json, active_questions, active_tracks, call_of, validate_in
from events.accounts.models import Role, User
from events.audit import services as audit
from events.catalogue.models import Event
from events.errors import N_, Conflict, Forbidden, Invalid, NotFound
from events.i18n import gettext

SHORT_REASON = "not_enough_reviewers"


class ConflictOfInterest(Conflict):
    code = "conflict_of_interest"
    default_message = N_("This reviewer shares an author's e-mail domain or affiliation.")


@dataclass(frozen=True)
class Progress:
    reviewer: Reviewer
    assigned: int
    done: int


# ------------------------------------------------------------------ reviewers


async def add_reviewer(user: User, event: Event, data: object) -> Reviewer:
    """Enrol (or re-enrol, with new tracks) one of the organisation's reviewers on the event."""
    call = await call_of(event)
    values = validate_in(ReviewerInput, data, event)
    person = await User.get_or_none(id=values.user_id, organisation_id=event.organisation_id)
    if person is None or person.role != Role.REVIEWER or not person.is_active:
        raise Invalid({"user_id": gettext(N_("Choose a member of the team with the reviewer role."))})
    tracks = {t.id for t in await active_tracks(call)}
    if not values.tracks or any(track not in tracks for track in values.tracks):
        raise Invalid({"tracks": gettext(N_("Choose tracks of the call."))})
    async with in_transaction():
        seat = await Reviewer.get_or_none(event_id=event.id, user_id=person.id)
        before = _seat_json(seat) if seat else None
        if seat is None:
            seat = await Reviewer.create(
                event_id=event.id,
                user_id=person.id,
                track_ids=sorted(set(values.tracks)),
                affiliation=values.affiliation,
            )
        else:
            seat.track_ids = sorted(set(values.tracks))
            seat.affiliation = values.affiliation
            await seat.save()
        action = "reviewer.updated" if before else "reviewer.added"
        await audit.record(user, event.organisation_id, action, "reviewer", seat.id, before, _seat_json(seat))
    return seat


def _seat_json(seat: Reviewer) -> dict[str, object]:
    return {"user_id": seat.user_id, "tracks": list(seat.track_ids), "affiliation": seat.affiliation}


async def reviewer_json(seat: Reviewer) -> dict[str, object]:
    await seat.fetch_related("user")
    return {
        "id": seat.id,
        "user_id": seat.user_id,
        "name": seat.user.name,
        "email": seat.user.email,
        "tracks": list(seat.track_ids),
        "affiliation": seat.affiliation,
    }


async def event_reviewers(event: Event) -> list[Reviewer]:
    return await Reviewer.filter(event_id=event.id).select_related("user").order_by("id")


async def progress(event: Event) -> list[Progress]:
    """For the organiser: how many abstracts each reviewer has, and how many they have reviewed."""
    seats = await event_reviewers(event)
    rows = await Assignment.filter(reviewer__event_id=event.id).exclude(
        abstract__status=AbstractStatus.WITHDRAWN
    )
    assigned: dict[int, int] = {}
    done: dict[int, int] = {}
    for row in rows:
        assigned[row.reviewer_id] = assigned.get(row.reviewer_id, 0) + 1
        if row.reviewed_at is not None:
            done[row.reviewer_id] = done.get(row.reviewer_id, 0) + 1
    return [Progress(seat, assigned.get(seat.id, 0), done.get(seat.id, 0)) for seat in seats]


# ------------------------------------------------------------------ assignment


def _seat(seat: Reviewer) -> assignment.ReviewerSeat:
    return assignment.ReviewerSeat(seat.id, frozenset(seat.track_ids), seat.user.email, seat.affiliation)


def _paper(abstract: Abstract) -> assignment.Paper:
    return assignment.Paper(
        abstract.id,
        abstract.track_id,
        tuple(str(a.get("email", "")) for a in abstract.authors),
        tuple(str(a.get("affiliation", "")) for a in abstract.authors),
    )


async def auto_assign(user: User, event: Event, data: object) -> tuple[int, dict[int, int]]:
    """Top every submitted abstract up to `per_abstract` reviewers: (pairs made, abstracts still short)."""
    per_abstract = validate_in(AssignInput, data, event).per_abstract
    await call_of(event)
    async with in_transaction():
        abstracts = await Abstract.filter(event_id=event.id, status=AbstractStatus.SUBMITTED).order_by("id")
        seats = await event_reviewers(event)
        existing = await Assignment.filter(abstract__event_id=event.id).values_list(
            "abstract_id", "reviewer_id"
        )
        made = assignment.plan(
            [_paper(a) for a in abstracts],
            [_seat(s) for s in seats],
            [(int(a), int(r)) for a, r in existing],
            per_abstract,
        )
        for abstract_id, reviewer_id in made.pairs:
            await Assignment.create(abstract_id=abstract_id, reviewer_id=reviewer_id)
        after = {"per_abstract": per_abstract, "assigned": len(made.pairs), "short": len(made.short)}
        await audit.record(user, event.organisation_id, "abstracts.assigned", "event", event.id, after=after)
    return len(made.pairs), made.short


async def _pair(event: Event, change: AssignmentChange) -> tuple[Abstract, Reviewer]:
    abstract = await Abstract.get_or_none(id=change.abstract_id, event_id=event.id)
    seat = await Reviewer.get_or_none(id=change.reviewer_id, event_id=event.id).select_related("user")
    if abstract is None or seat is None:
        raise NotFound()
    return abstract, seat


async def assign_one(user: User, event: Event, data: object) -> Assignment:
    """A manual assignment: refused when the reviewer does not cover the track or has a conflict."""
    abstract, seat = await _pair(event, validate_in(AssignmentChange, data, event))
    if assignment.conflicted(_seat(seat), _paper(abstract)):
        raise ConflictOfInterest()
    if abstract.track_id not in seat.track_ids:
        raise Invalid({"reviewer_id": gettext(N_("This reviewer does not review this track."))})
    async with in_transaction():
        row, created = await Assignment.get_or_create(abstract_id=abstract.id, reviewer_id=seat.id)
        if created:
            after = {"abstract_id": abstract.id, "reviewer_id": seat.id}
            await audit.record(
                user, event.organisation_id, "assignment.added", "assignment", row.id, after=after
            )
    return row


async def unassign_one(user: User, event: Event, data: object) -> None:
    abstract, seat = await _pair(event, validate_in(AssignmentChange, data, event))
    async with in_transaction():
        row = await Assignment.get_or_none(abstract_id=abstract.id, reviewer_id=seat.id)
        if row is None:
            raise NotFound()
        before = {"abstract_id": abstract.id, "reviewer_id": seat.id, "reviewed": row.reviewed_at is not None}
        await row.delete()
        await audit.record(
            user, event.organisation_id, "assignment.removed", "assignment", row.id, before=before
        )


# ------------------------------------------------------------------ the reviewer's side


async def my_assignments(user: User) -> list[Assignment]:
    """Every assignment of this reviewer, across the organisation's events, withdrawn abstracts left out."""
    return (
        await Assignment.filter(
            reviewer__user_id=user.id, reviewer__event__organisation_id=user.organisation_id
        )
        .exclude(abstract__status=AbstractStatus.WITHDRAWN)
        .select_related("abstract", "abstract__track", "abstract__event", "reviewer")
        .order_by("abstract__event_id", "abstract_id")
    )


async def my_assignment(user: User, abstract_id: int) -> Assignment:
    """This reviewer's assignment for the abstract; any abstract not given to them is forbidden."""
    row = (
        await Assignment.filter(
            abstract_id=abstract_id,
            reviewer__user_id=user.id,
            reviewer__event__organisation_id=user.organisation_id,
        )
        .exclude(abstract__status=AbstractStatus.WITHDRAWN)
        .select_related("abstract", "abstract__track", "abstract__event", "reviewer")
        .first()
    )
    if row is None:
        raise Forbidden()
    return row


def review_json(row: Assignment) -> dict[str, object] | None:
    if row.reviewed_at is None:
        return None
    return {
        "scores": dict(row.scores),
        "comment": row.comment,
        "recommendation": row.recommendation,
        "reviewed_at": row.reviewed_at.isoformat(),
    }


async def assignment_json(row: Assignment) -> dict[str, object]:
    """What a reviewer is sent of one assignment: without authors or submitter when the call is blind."""
    call = await Call.get(event_id=row.abstract.event_id)
    abstract = abstract_json(row.abstract, row.abstract.track, authors=not call.blind)
    if call.blind:
        abstract.pop("authors")
    questions = [{"id": q.id, "text": q.text, "max_score": q.max_score} for q in await active_questions(call)]
    return {
        "event": {"slug": row.abstract.event.slug, "title": row.abstract.event.i18n.title},
        "abstract": abstract,
        "review": review_json(row),
        "questions": questions,
        "recommendations": recommendations(call),
    }


def recommendations(call: Call) -> list[str]:
    return ["reject", *(f"accept_{kind}" for kind in call.contribution_types)]


async def save_review(user: User, abstract_id: int, data: object) -> Assignment:
    """Write (or rewrite) the reviewer's review, until the abstract is decided."""
    row = await my_assignment(user, abstract_id)
    if row.abstract.status != AbstractStatus.SUBMITTED:
        raise Conflict(N_("This abstract has been decided: its reviews are closed."))
    call = await Call.get(event_id=row.abstract.event_id)
    values = validate_in(ReviewInput, data, row.abstract.event)
    scores = _scores(values.scores, {q.id: q.max_score for q in await active_questions(call)})
    if values.recommendation not in recommendations(call):
        raise Invalid({"recommendation": gettext(N_("Choose one of the offered values."))})
    async with in_transaction():
        row.scores = scores
        row.comment = values.comment
        row.recommendation = values.recommendation
        row.reviewed_at = clock.now()
        await row.save()
        after = {"abstract_id": abstract_id, "scores": scores, "recommendation": values.recommendation}
        await audit.record(
            user, row.abstract.event.organisation_id, "review.saved", "review", row.id, after=after
        )
    return row


def _scores(sent: dict[str, int], questions: dict[int, int]) -> dict[str, int]:
    errors: dict[str, str] = {}
    for key in sent:
        if not key.isdigit() or int(key) not in questions:
            errors[f"scores.{key[:20]}"] = gettext(N_("This question is not part of the call."))
    for question_id, top in questions.items():
        score = sent.get(str(question_id))
        if score is None:
            errors[f"scores.{question_id}"] = gettext(N_("This field is required."))
        elif not 0 <= score <= top:
            errors[f"scores.{question_id}"] = gettext(N_("Enter a number of at most {le}."), le=top)
    if errors:
        raise Invalid(errors)
    return {str(question_id): sent[str(question_id)] for question_id in questions}


async def reviews_of(abstract_ids: list[int]) -> dict[int, list[Assignment]]:
    """The written reviews of these abstracts, for the organiser's figures."""
    found: dict[int, list[Assignment]] = {abstract_id: [] for abstract_id in abstract_ids}
    if not abstract_ids:
        return found
    for row in await Assignment.filter(abstract_id__in=abstract_ids, reviewed_at__isnull=False).order_by(
        "id"
    ):
        found[row.abstract_id].append(row)
    return found


def tracks_by_id(tracks: list[Track]) -> dict[int, Track]:
    return {t.id: t for t in tracks}
