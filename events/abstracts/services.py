"""The call for abstracts and the submissions to it: rules for organisers and for submitters.

A submission is open to anyone, without an account, between `opens_at` and `closes_at`; it is
throttled per client address like an anonymous order (`ORDER_THROTTLE` a minute, counted apart).
The submitter gets an e-mail in their language with a private link (`/abstracts/{code}/{secret}`)
where they can edit the abstract until the call closes, or withdraw it. Changes to the call are audited.

    DomainError
    ├── Invalid                 422  invalid  (over `max_words`, unknown track or type, bad field)
    ├── NotFound                404           (no call, another organisation's event, wrong secret)
    └── Conflict
        └── CallClosed          409  closed   (outside the window, or the abstract is no longer editable)
"""

from __future__ import annotations

import hmac
import secrets as random
from datetime import timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError
from tortoise.transactions import in_transaction

from events import clock
from events.abstracts.models import Abstract, AbstractStatus, Call, ReviewQuestion, Track
from events.abstracts.schemas import CallInput, SubmissionInput, SubmissionPatch, word_count
from events.accounts import throttle
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, EventStatus, PromoCode
from events.errors import N_, Conflict, Invalid, NotFound
from events.i18n import gettext, ngettext
from events.ticketing.orders import new_code
from events.validation import field_errors
from events.web.pagecache import public_pages
from settings import settings

M = TypeVar("M", bound=BaseModel)

THROTTLE_SCOPE = "abstract"
THROTTLE_WINDOW = timedelta(minutes=1)


class CallClosed(Conflict):
    code = "closed"
    default_message = N_("The call for abstracts is not open at the moment.")


def validate_in(schema: type[M], data: object, event: Event) -> M:
    """`data` as `schema`, times without an offset read in the event's zone."""
    try:
        return schema.model_validate(data, context={"zone": ZoneInfo(event.timezone)})
    except ValidationError as exc:
        raise Invalid(field_errors(exc)) from None


# ------------------------------------------------------------------ the call


async def event_call(event: Event) -> Call | None:
    return await Call.get_or_none(event_id=event.id)


async def call_of(event: Event) -> Call:
    call = await event_call(event)
    if call is None:
        raise NotFound()
    return call


async def active_tracks(call: Call) -> list[Track]:
    return await Track.filter(call_id=call.id, active=True).order_by("position", "id")


async def active_questions(call: Call) -> list[ReviewQuestion]:
    return await ReviewQuestion.filter(call_id=call.id, active=True).order_by("position", "id")


def is_open(call: Call) -> bool:
    return call.opens_at <= clock.now() < call.closes_at


async def call_json(event: Event, call: Call) -> dict[str, Any]:
    """The organiser's view of the call, as `GET|PUT …/call-for-abstracts` answer it."""
    zone = ZoneInfo(event.timezone)
    promo = (
        await PromoCode.get_or_none(id=call.presenter_promo_code_id) if call.presenter_promo_code_id else None
    )
    return {
        "opens_at": call.opens_at.astimezone(zone).isoformat(),
        "closes_at": call.closes_at.astimezone(zone).isoformat(),
        "tracks": [{"id": t.id, "name": t.name} for t in await active_tracks(call)],
        "contribution_types": list(call.contribution_types),
        "max_words": call.max_words,
        "blind": call.blind,
        "presenter_promo_code": promo.code if promo else None,
        "review_questions": [
            {"id": q.id, "text": q.text, "max_score": q.max_score} for q in await active_questions(call)
        ],
        "open": is_open(call),
    }


async def public_call_json(event: Event) -> dict[str, object] | None:
    """The `call_for_abstracts` of the public event JSON."""
    call = await event_call(event)
    if call is None:
        return None
    zone = ZoneInfo(event.timezone)
    return {
        "opens_at": call.opens_at.astimezone(zone).isoformat(),
        "closes_at": call.closes_at.astimezone(zone).isoformat(),
        "tracks": [{"id": t.id, "name": t.name} for t in await active_tracks(call)],
        "contribution_types": list(call.contribution_types),
        "max_words": call.max_words,
    }


async def _promo(event: Event, code: str | None) -> PromoCode | None:
    if not code:
        return None
    promo = await PromoCode.get_or_none(event_id=event.id, code=code.strip().upper())
    promo = promo or await PromoCode.get_or_none(event_id=event.id, code=code.strip())
    if promo is None:
        raise Invalid({"presenter_promo_code": gettext(N_("No promo code of this event has this code."))})
    return promo


async def _keep_items(
    model: type[Track] | type[ReviewQuestion], call: Call, items: list[dict[str, Any]], field: str
) -> None:
    """Items sent with their id are kept and renamed, new ones created, the others retired."""
    current = {item.id: item for item in await model.filter(call_id=call.id)}
    kept: set[int] = set()
    for position, item in enumerate(items):
        values = {k: v for k, v in item.items() if k != "id"}
        if item.get("id") is not None:
            existing = current.get(item["id"])
            if existing is None:
                raise Invalid({f"{field}.{position}.id": gettext(N_("This item is not part of the call."))})
            await model.filter(id=existing.id).update(**values, position=position, active=True)
            kept.add(existing.id)
        else:
            created = await model.create(call_id=call.id, position=position, **values)
            kept.add(created.id)
    retired = [item_id for item_id in current if item_id not in kept]
    if retired:
        await model.filter(id__in=retired).update(active=False)


async def put_call(user: User, event: Event, data: object) -> Call:
    """Create or replace the event's call; the audit row holds the call as it was and as it is."""
    values = validate_in(CallInput, data, event)
    promo = await _promo(event, values.presenter_promo_code)
    async with in_transaction():
        call = await event_call(event)
        before = await call_json(event, call) if call else None
        fields: dict[str, Any] = {
            "opens_at": values.opens_at,
            "closes_at": values.closes_at,
            "contribution_types": values.contribution_types,
            "max_words": values.max_words,
            "blind": values.blind,
            "presenter_promo_code_id": promo.id if promo else None,
        }
        if call is None:
            call = await Call.create(event_id=event.id, **fields)
        else:
            await Call.filter(id=call.id).update(**fields)
            await call.refresh_from_db()
        await _keep_items(Track, call, [t.model_dump() for t in values.tracks], "tracks")
        questions = [q.model_dump() for q in values.review_questions]
        await _keep_items(ReviewQuestion, call, questions, "review_questions")
        after = await call_json(event, call)
        after.pop("open")
        if before:
            before.pop("open")
        action = "call.updated" if before else "call.created"
        await audit.record(user, event.organisation_id, action, "call_for_abstracts", call.id, before, after)
    public_pages.clear()  # the event page links to the call
    return call


# ------------------------------------------------------------------ submissions


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def manage_url(abstract: Abstract) -> str:
    return f"{settings.base_url}/abstracts/{abstract.code}/{abstract.secret}"


async def published_event(slug: str) -> Event:
    """The call, its form and the book of abstracts are public while the event is published."""
    event = await Event.get_or_none(slug=slug[:80], status=EventStatus.PUBLISHED)
    if event is None:
        raise NotFound()
    return event


async def published_event_with_call(slug: str) -> tuple[Event, Call]:
    event = await published_event(slug)
    return event, await call_of(event)


async def _check_content(call: Call, track_id: int, contribution_type: str, body: str) -> Track:
    errors: dict[str, str] = {}
    track = await Track.get_or_none(id=track_id, call_id=call.id, active=True)
    if track is None:
        errors["track"] = gettext(N_("Choose one of the call's tracks."))
    if contribution_type not in call.contribution_types:
        errors["contribution_type"] = gettext(N_("Choose one of the call's contribution types."))
    words = word_count(body)
    if words > call.max_words:
        errors["body"] = ngettext(
            "{words} words: the call allows at most {n} word.",
            "{words} words: the call allows at most {n} words.",
            call.max_words,
            words=words,
        )
    if errors:
        raise Invalid(errors)
    assert track is not None
    return track


async def submit(slug: str, data: object, client: str) -> Abstract:
    """File a new abstract while the call is open, and write its confirmation e-mail to the outbox."""
    event, call = await published_event_with_call(slug)
    if not is_open(call):
        raise CallClosed()
    values = validate_in(SubmissionInput, data, event)
    track = await _check_content(call, values.track, values.contribution_type, values.body)
    await _check_rate(client)
    async with in_transaction():
        abstract = await Abstract.create(
            event_id=event.id,
            code=new_code(),
            secret=random.token_urlsafe(24),
            title=values.title,
            body=values.body,
            track_id=track.id,
            contribution_type=values.contribution_type,
            authors=[author.model_dump() for author in values.authors],
            submitter_name=values.submitter.name,
            submitter_email=values.submitter.email,
            locale=values.locale,
        )
        await _confirm(event, abstract, "submitted")
        if settings.order_throttle:
            await throttle.hit(THROTTLE_SCOPE, client)
    return abstract


async def _check_rate(client: str) -> None:
    """`ORDER_THROTTLE` submissions accepted per client address per minute (refused ones do not count)."""
    if settings.order_throttle:
        await throttle.check(THROTTLE_SCOPE, client, settings.order_throttle, THROTTLE_WINDOW)


async def _confirm(event: Event, abstract: Abstract, what: str) -> None:
    from events.mail.services import enqueue_template

    await enqueue_template(
        f"abstracts/mail/{what}",
        to=abstract.submitter_email,
        locale=abstract.locale,
        context={"event": event, "abstract": abstract, "manage_url": manage_url(abstract)},
        kind=f"abstract_{what}",
        dedupe_key=f"abstract-{what}:{abstract.id}",
    )


async def submitter_abstract(code: str, secret: str) -> Abstract:
    """The submitter's abstract, reached only with its secret; any mismatch is simply not found."""
    if len(code) > 12 or len(secret) > 64:
        raise NotFound()
    abstract = await Abstract.get_or_none(code=code.upper()).select_related("event", "track")
    if abstract is None or not _same(abstract.secret, secret):
        raise NotFound()
    return abstract


async def _editable(abstract: Abstract) -> Call:
    call = await call_of(abstract.event)
    if abstract.status != AbstractStatus.SUBMITTED or clock.now() >= call.closes_at:
        raise CallClosed(N_("This abstract can no longer be changed: the call has closed."))
    return call


async def edit(abstract: Abstract, data: object) -> Abstract:
    """Change what the submitter sent, until the call closes."""
    call = await _editable(abstract)
    changes = validate_in(SubmissionPatch, data, abstract.event).model_dump(
        exclude_unset=True, exclude_none=True
    )
    track = await _check_content(
        call,
        changes.get("track", abstract.track_id),
        changes.get("contribution_type", abstract.contribution_type),
        changes.get("body", abstract.body),
    )
    for name in ("title", "body", "contribution_type", "authors", "locale"):
        if name in changes:
            setattr(abstract, name, changes[name])
    abstract.track = track
    await abstract.save()
    return abstract


async def withdraw(abstract: Abstract) -> Abstract:
    """Take the abstract out of the call, until the call closes; reviewers no longer see it."""
    await _editable(abstract)
    abstract.status = AbstractStatus.WITHDRAWN
    await abstract.save(update_fields=["status", "updated_at"])
    return abstract


def authors_json(abstract: Abstract) -> list[dict[str, object]]:
    return [
        {
            "name": a.get("name", ""),
            "email": a.get("email", ""),
            "affiliation": a.get("affiliation", ""),
            "presenting": bool(a.get("presenting")),
        }
        for a in abstract.authors
    ]


def abstract_json(abstract: Abstract, track: Track, *, authors: bool = True) -> dict[str, object]:
    """The `Abstract` of API.md; `authors=False` for a blind reviewer, who sees no author data."""
    return {
        "id": abstract.id,
        "code": abstract.code,
        "title": abstract.title,
        "body": abstract.body,
        "track": {"id": track.id, "name": track.name},
        "contribution_type": abstract.contribution_type,
        "authors": authors_json(abstract) if authors else [],
        "status": str(abstract.status),
        "session_id": abstract.session_id,
        "poster_board": abstract.poster_board or None,
    }


def submitter_json(abstract: Abstract) -> dict[str, object]:
    data = abstract_json(abstract, abstract.track)
    data["submitter"] = {"name": abstract.submitter_name, "email": abstract.submitter_email}
    data["locale"] = abstract.locale
    data["manage_url"] = manage_url(abstract)
    return data
