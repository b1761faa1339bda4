"""Events: creating, changing, publishing, cancelling, and what the public may see.

Every organiser query starts from the caller's organisation: another organisation's event is simply
not found.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from events import clock, texts
from events.accounts.models import User
from events.accounts.services import slugify
from events.audit import services as audit
from events.catalogue.models import Event, EventStatus, TicketType
from events.catalogue.schemas import BILINGUAL_FIELDS, EventInput, EventPatch, event_values
from events.errors import N_, Conflict, EventNotEditable, Invalid, InvalidTransition, NotFound
from events.i18n import gettext
from events.invoicing.seller import require_complete as require_seller
from events.ticketing.models import Order, OrderStatus
from events.validation import validate
from events.web.pagecache import public_pages

_TRANSITIONS = {
    EventStatus.DRAFT: {EventStatus.PUBLISHED},
    EventStatus.PUBLISHED: {EventStatus.DRAFT},
    EventStatus.CANCELLED: {EventStatus.DRAFT, EventStatus.PUBLISHED},
}


async def organiser_events(user: User) -> list[Event]:
    return await Event.filter(organisation_id=user.organisation_id).order_by("-starts_at")


async def organiser_event(user: User, slug: str) -> Event:
    event = await Event.get_or_none(slug=slug, organisation_id=user.organisation_id)
    if event is None:
        raise NotFound()
    return event


async def public_events() -> list[Event]:
    """Published events that have not ended, soonest first."""
    return await Event.filter(status=EventStatus.PUBLISHED, ends_at__gt=clock.now()).order_by("starts_at")


async def public_event(slug: str) -> Event:
    """A published or cancelled event; drafts do not exist for the public."""
    event = await Event.filter(slug=slug).exclude(status=EventStatus.DRAFT).first()
    if event is None:
        raise NotFound()
    return event


async def _unique_slug(wanted: str | None, title: str, exclude_id: int | None = None) -> str:
    taken = Event.all()
    if exclude_id is not None:
        taken = taken.exclude(id=exclude_id)
    if wanted:
        if await taken.filter(slug=wanted).exists():
            raise Invalid({"slug": gettext(N_("This address is already used by another event."))})
        return wanted
    base = slugify(title)
    slug, n = base, 1
    while await taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


async def create_event(user: User, data: object) -> Event:
    values = validate(EventInput, data)
    async with in_transaction():
        fields = values.model_dump()
        fields["slug"] = await _unique_slug(values.slug, values.title or values.title_en)
        event = await Event.create(organisation_id=user.organisation_id, **fields)
        await audit.record(
            user, user.organisation_id, "event.created", "event", event.id, after=_snapshot(event)
        )
    return event


async def update_event(user: User, event: Event, patch: EventPatch) -> Event:
    if event.status == EventStatus.CANCELLED:
        raise EventNotEditable()
    changes = texts.expand(patch.model_dump(exclude_unset=True), BILINGUAL_FIELDS)
    merged = {**event_values(event), **changes}
    values = validate(EventInput, merged)
    async with in_transaction():
        before = _snapshot(event)
        fields = values.model_dump()
        fields["slug"] = await _unique_slug(values.slug, values.title or values.title_en, exclude_id=event.id)
        for name, value in fields.items():
            setattr(event, name, value)
        event.sequence += 1  # calendars replace their copy of the event
        await event.save()
        await audit.record(
            user,
            user.organisation_id,
            "event.updated",
            "event",
            event.id,
            before=before,
            after=_snapshot(event),
        )
    public_pages.clear()
    return event


async def change_status(user: User, event: Event, target: EventStatus) -> Event:
    if event.status not in _TRANSITIONS[target]:
        raise InvalidTransition()
    async with in_transaction():
        before = _snapshot(event)
        event.status = target
        event.sequence += 1
        await event.save(update_fields=["status", "sequence", "updated_at"])
        await audit.record(
            user,
            user.organisation_id,
            f"event.{target}",
            "event",
            event.id,
            before=before,
            after=_snapshot(event),
        )
    public_pages.clear()
    return event


async def publish_event(user: User, event: Event) -> Event:
    """Publishing opens sales: paid tickets need a seller that its invoices can name (issue 13)."""
    if await TicketType.filter(event_id=event.id, price_cents__gt=0).exists():
        await require_seller(event.organisation_id, transfer=event.invoice_payment_days is not None)
    return await change_status(user, event, EventStatus.PUBLISHED)


UNPUBLISH_BLOCKED_BY = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.REFUNDED)
"""An order in one of these states has a buyer who holds (or held, and was refunded) a place: their
event stays published, or is cancelled to tell them. Expired and cancelled orders hold nothing."""


async def unpublish_event(user: User, event: Event) -> Event:
    """Back to draft, hidden from the public again: only while no order holds or held a place."""
    if event.status == EventStatus.PUBLISHED and await Order.exists(
        event_id=event.id, status__in=UNPUBLISH_BLOCKED_BY
    ):
        raise Conflict(
            N_("People have registered for this event: cancel it to tell them instead of unpublishing it.")
        )
    return await change_status(user, event, EventStatus.DRAFT)


async def cancel_event(user: User, event: Event) -> Event:
    return await change_status(user, event, EventStatus.CANCELLED)


def _snapshot(event: Event) -> dict[str, object]:
    values = event_values(event)
    values["starts_at"] = event.starts_at.isoformat()
    values["ends_at"] = event.ends_at.isoformat()
    values["status"] = str(event.status)
    return values
