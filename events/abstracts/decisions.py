"""The committee's side: scores per abstract, decisions, telling the submitters, and the programme.

A decision (accepted as a contribution type, possibly in another track, or rejected) may change until
the submitter is told; `notify` then writes one e-mail per decided abstract not yet told, in the
submitter's language, in the same transaction that marks it told, so nobody hears twice. Accepted
presenters get the event's registration link, with the call's presenter promo code when it has one.

An accepted abstract is scheduled as a programme session (events.catalogue.sessions: it then shows
on the programme page and in every calendar feed) whose speakers are its presenting authors, or gets
a poster board label. Every change is audited.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from events import clock
from events.abstracts.models import Abstract, AbstractStatus, Assignment, Call, Track
from events.abstracts.review import reviews_of
from events.abstracts.schemas import BulkDecisionInput, DecisionInput, ScheduleInput
from events.abstracts.services import abstract_json, call_of, validate_in
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue import sessions
from events.catalogue.models import Event, PromoCode, Session
from events.catalogue.session_schemas import SessionPatch
from events.errors import N_, Conflict, Invalid, NotFound
from events.i18n import gettext
from events.validation import validate
from settings import settings

DECIDED = (AbstractStatus.ACCEPTED, AbstractStatus.REJECTED)


@dataclass(frozen=True)
class Figures:
    """An abstract's reviews in numbers: each review's total score, and the recommendations made."""

    totals: list[int] = field(default_factory=list)
    recommendations: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.totals)

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.totals), 2) if self.totals else None

    @property
    def spread(self) -> float | None:
        """The population standard deviation of the totals: how much the reviewers disagree."""
        return round(statistics.pstdev(self.totals), 2) if self.totals else None


def figures(reviews: list[Assignment]) -> Figures:
    counts: dict[str, int] = {}
    for review in reviews:
        counts[review.recommendation] = counts.get(review.recommendation, 0) + 1
    return Figures([sum(review.scores.values()) for review in reviews], counts)


async def event_abstracts(
    event: Event, *, track: int | None = None, status: str | None = None
) -> list[tuple[Abstract, Figures]]:
    """The organiser's list, oldest first, each abstract with its review figures."""
    query = Abstract.filter(event_id=event.id).select_related("track")
    if track is not None:
        query = query.filter(track_id=track)
    if status is not None:
        if status not in {s.value for s in AbstractStatus}:
            raise Invalid({"status": gettext(N_("Choose one of the offered values."))})
        query = query.filter(status=status)
    abstracts = await query.order_by("id")
    reviews = await reviews_of([a.id for a in abstracts])
    return [(a, figures(reviews[a.id])) for a in abstracts]


def organiser_json(abstract: Abstract, numbers: Figures) -> dict[str, object]:
    data = abstract_json(abstract, abstract.track)
    data["submitter"] = {"name": abstract.submitter_name, "email": abstract.submitter_email}
    data["locale"] = abstract.locale
    data["notified"] = abstract.notified_at is not None
    data["reviews"] = {
        "count": numbers.count,
        "mean_score": numbers.mean,
        "spread": numbers.spread,
        "recommendations": numbers.recommendations,
    }
    return data


async def event_abstract(event: Event, abstract_id: int) -> Abstract:
    abstract = await Abstract.get_or_none(id=abstract_id, event_id=event.id).select_related("track")
    if abstract is None:
        raise NotFound()
    return abstract


def _snapshot(abstract: Abstract) -> dict[str, object]:
    return {
        "status": str(abstract.status),
        "contribution_type": abstract.contribution_type,
        "track": abstract.track_id,
        "session_id": abstract.session_id,
        "poster_board": abstract.poster_board,
    }


async def _apply(user: User, event: Event, call: Call, abstract: Abstract, values: DecisionInput) -> None:
    if abstract.status == AbstractStatus.WITHDRAWN:
        raise Conflict(N_("This abstract has been withdrawn."))
    if abstract.notified_at is not None:
        raise Conflict(N_("The submitter has already been told of the decision."))
    before = _snapshot(abstract)
    if values.contribution_type is not None:
        if values.contribution_type not in call.contribution_types:
            raise Invalid({"contribution_type": gettext(N_("Choose one of the call's contribution types."))})
        abstract.contribution_type = values.contribution_type
    if values.track is not None:
        track = await Track.get_or_none(id=values.track, call_id=call.id, active=True)
        if track is None:
            raise Invalid({"track": gettext(N_("Choose one of the call's tracks."))})
        abstract.track = track
    abstract.status = AbstractStatus(values.decision)
    abstract.decided_at = clock.now()
    await abstract.save()
    action = f"abstract.{values.decision}"
    await audit.record(
        user, event.organisation_id, action, "abstract", abstract.id, before, _snapshot(abstract)
    )


async def decide(user: User, event: Event, abstract: Abstract, data: object) -> Abstract:
    call = await call_of(event)
    values = validate_in(DecisionInput, data, event)
    async with in_transaction():
        await _apply(user, event, call, abstract, values)
    return abstract


async def decide_many(user: User, event: Event, data: object) -> int:
    """The same decision for several abstracts at once (all or none): how many were decided."""
    call = await call_of(event)
    values = validate_in(BulkDecisionInput, data, event)
    decision = DecisionInput(decision=values.decision)
    async with in_transaction():
        abstracts = await Abstract.filter(event_id=event.id, id__in=values.abstract_ids).select_related(
            "track"
        )
        if len(abstracts) != len(set(values.abstract_ids)):
            raise NotFound()
        for abstract in abstracts:
            await _apply(user, event, call, abstract, decision)
    return len(abstracts)


def register_url(event: Event, promo: PromoCode | None) -> str:
    url = f"{settings.base_url}/events/{event.slug}/register"
    return f"{url}?code={promo.code}" if promo else url


async def notify(user: User, event: Event) -> int:
    """One e-mail per decided abstract whose submitter has not been told yet: how many were written."""
    from events.mail.services import enqueue_template

    call = await call_of(event)
    promo = (
        await PromoCode.get_or_none(id=call.presenter_promo_code_id) if call.presenter_promo_code_id else None
    )
    sent = 0
    async with in_transaction():
        pending = await Abstract.filter(
            event_id=event.id, status__in=DECIDED, notified_at__isnull=True
        ).select_related("track")
        for abstract in pending:
            accepted = abstract.status == AbstractStatus.ACCEPTED
            written = await enqueue_template(
                "abstracts/mail/accepted" if accepted else "abstracts/mail/rejected",
                to=abstract.submitter_email,
                locale=abstract.locale,
                context={
                    "event": event,
                    "abstract": abstract,
                    "register_url": register_url(event, promo if accepted else None),
                    "promo": promo if accepted else None,
                },
                kind="abstract_decision",
                dedupe_key=f"abstract-decision:{abstract.id}",
            )
            abstract.notified_at = clock.now()
            await abstract.save(update_fields=["notified_at", "updated_at"])
            sent += written is not None
        await audit.record(
            user, event.organisation_id, "abstracts.notified", "event", event.id, after={"sent": sent}
        )
    return sent


def speakers(abstract: Abstract) -> str:
    names = [str(a.get("name", "")) for a in abstract.authors if a.get("presenting")]
    return ", ".join(names)[:500]


async def schedule(user: User, event: Event, abstract: Abstract, data: object) -> Abstract:
    """Give an accepted abstract its place: a programme session (oral) or a poster board."""
    values = validate_in(ScheduleInput, data, event)
    if abstract.status != AbstractStatus.ACCEPTED:
        raise Conflict(N_("Only an accepted abstract can be scheduled."))
    async with in_transaction():
        before = _snapshot(abstract)
        if values.poster_board is not None:
            abstract.poster_board = values.poster_board
        else:
            abstract.session = await _session(user, event, abstract, values)
        await abstract.save()
        await audit.record(
            user,
            event.organisation_id,
            "abstract.scheduled",
            "abstract",
            abstract.id,
            before,
            _snapshot(abstract),
        )
    return abstract


async def _session(user: User, event: Event, abstract: Abstract, values: ScheduleInput) -> Session:
    session_data = {
        "title": abstract.title[:300],
        "starts_at": values.starts_at,
        "ends_at": values.ends_at,
        "room": values.room,
        "speakers": speakers(abstract),
        "description": abstract.body,
    }
    if abstract.session_id is not None:
        current = await Session.get_or_none(id=abstract.session_id, event_id=event.id)
        if current is not None:
            patch = validate(SessionPatch, session_data)
            return await sessions.update_session(user, event, current, patch)
    return await sessions.create_session(user, event, session_data)
