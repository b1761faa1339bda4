"""Orders, tickets, the per-event signing keys, session bookings and the waiting list.

An order's status:

    pending ──paid──▶ paid ──refund──▶ refunded
       │                └──cancel──▶ cancelled
       ├──hold lapses──▶ expired
       └──cancel──▶ cancelled

A pending order holds its places until `expires_at`; a free order is paid at once. An order paid on
invoice (`payment_method` "invoice") is pending with no `expires_at` and a `due_date`: its tickets are
valid at once and it holds its places until it is paid (transfers recorded) or cancelled. A ticket is `valid`
until its order is cancelled or refunded (or the ticket alone is cancelled). An organiser's complimentary
order is paid at once with nothing to pay (`payment_method` "none") and keeps its reason.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import StrEnum

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import BulkCreateQuery

from events.catalogue.models import Event, PromoCode, Session, TicketType

SEARCHED_FIELDS = ("attendee_name", "attendee_email", "attendee_organisation")
# Letters that Unicode does not decompose into a base letter and an accent, spelt as a reader types them.
_LIGATURES = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ı": "i"})


def fold(text: str) -> str:
    """`text` as the search compares it: lower case, accents dropped, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.translate(_LIGATURES).split())


def searchable(*parts: str) -> str:
    """The search column of a ticket: each searched detail folded, one per line."""
    return "\n".join(fold(part or "") for part in parts)[:700]


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    CARD = "card"
    INVOICE = "invoice"
    NONE = "none"
    """Free, complimentary or manual orders: nothing to pay."""


class TicketStatus(StrEnum):
    VALID = "valid"
    CANCELLED = "cancelled"


class EventKey(Model):
    """The Ed25519 key pair that signs an event's ticket secrets (scanners need only the public key)."""

    id = fields.IntField(primary_key=True)
    event: fields.OneToOneRelation[Event] = fields.OneToOneField(
        "models.Event", related_name="signing_key", on_delete=fields.CASCADE
    )
    private_key = fields.CharField(max_length=64)
    public_key = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    event_id: int

    class Meta:
        table = "event_key"


class Order(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="orders", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=12, unique=True)
    secret = fields.CharField(max_length=43, unique=True)
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.PENDING)
    buyer_name = fields.CharField(max_length=200)
    # The name in two parts, for sorting by surname; `buyer_name` stays the whole name as written.
    buyer_first_name = fields.CharField(max_length=200, default="", db_default="")
    buyer_last_name = fields.CharField(max_length=200, default="", db_default="")
    buyer_email = fields.CharField(max_length=254, db_index=True)
    buyer_organisation = fields.CharField(max_length=200, default="")
    buyer_vat_id = fields.CharField(max_length=32, default="")
    buyer_address = fields.TextField(default="")
    buyer_country = fields.CharField(max_length=2, default="")
    buyer_siret = fields.CharField(max_length=14, default="", db_default="")
    payment_method = fields.CharEnumField(
        PaymentMethod, max_length=16, default=PaymentMethod.CARD, db_default="card"
    )
    purchase_order = fields.CharField(max_length=100, default="", db_default="")
    buyer_reference = fields.CharField(max_length=100, default="", db_default="")
    due_date = fields.DateField(null=True)
    amount_paid_cents = fields.IntField(default=0, db_default=0)
    member_name = fields.CharField(max_length=200, default="", db_default="")
    # An order the organiser made on the dashboard or the API (`manual.py`): who made it, and for a
    # complimentary one (nothing to pay: speakers, invited guests) why it was given.
    created_by_id = fields.IntField(null=True)
    complimentary_reason = fields.CharField(max_length=500, default="", db_default="")
    # When the automatic payment reminders went out (one before the due date, one after), so each goes once.
    reminded_before_at = fields.DatetimeField(null=True)
    reminded_after_at = fields.DatetimeField(null=True)
    locale = fields.CharField(max_length=5, default="fr")
    subtotal_cents = fields.IntField(default=0)
    discount_cents = fields.IntField(default=0)
    total_cents = fields.IntField(default=0)
    refunded_cents = fields.IntField(default=0)
    currency = fields.CharField(max_length=3, default="EUR")
    promo_code: fields.ForeignKeyNullableRelation[PromoCode] = fields.ForeignKeyField(
        "models.PromoCode", related_name="orders", null=True, on_delete=fields.RESTRICT
    )
    consents: dict[str, object] = fields.JSONField(default=dict)
    expires_at = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    stripe_session_id = fields.CharField(max_length=255, null=True, unique=True)
    stripe_payment_intent = fields.CharField(max_length=255, null=True)
    # Set once the Checkout Session can no longer take a payment (expired by us or by Stripe, or completed).
    stripe_session_closed_at = fields.DatetimeField(null=True)
    needs_attention = fields.BooleanField(default=False)
    attention_reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int
    promo_code_id: int | None

    class Meta:
        table = "order"
        indexes = (("event_id", "status"), ("promo_code_id", "status"))


class Ticket(Model):
    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="tickets", on_delete=fields.CASCADE
    )
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="tickets", on_delete=fields.RESTRICT
    )
    ticket_type: fields.ForeignKeyRelation[TicketType] = fields.ForeignKeyField(
        "models.TicketType", related_name="tickets", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(TicketStatus, max_length=16, default=TicketStatus.VALID)
    secret = fields.CharField(max_length=160, unique=True)
    attendee_name = fields.CharField(max_length=200)
    # `attendee_name` is the whole name as printed; its two parts sort badges and lists by surname.
    attendee_first_name = fields.CharField(max_length=200, default="", db_default="")
    attendee_last_name = fields.CharField(max_length=200, default="", db_default="")
    attendee_email = fields.CharField(max_length=254, default="")
    attendee_organisation = fields.CharField(max_length=200, default="")
    attendee_job_title = fields.CharField(max_length=200, default="")
    answers: dict[str, object] = fields.JSONField(default=dict)
    price_cents = fields.IntField(default=0)
    discount_cents = fields.IntField(default=0)
    vat_rate_bp = fields.IntField(default=0)
    # The attendee's own links (`/tickets/{token}`, `/agenda/{token}.ics`): one unguessable token per ticket.
    agenda_token = fields.CharField(max_length=43, unique=True)
    # The attendee's own news consent, given or withdrawn by them (at registration or on their ticket page).
    news_consent = fields.BooleanField(default=False, db_default=False)
    news_consent_at = fields.DatetimeField(null=True)
    # The attendee agreed that the door staff see their answers to "show at the door" questions.
    door_consent = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # What the organiser's search reads: name, e-mail and organisation folded by `searchable` (lower
    # case, no accents), so that "helene" finds "Hélène" and "HÉLÈNE" on SQLite as on PostgreSQL. Kept
    # in step by `save` and `bulk_create`; on PostgreSQL a trigram index serves substring searches.
    search_text = fields.CharField(max_length=700, default="", db_default="")

    order_id: int
    event_id: int
    ticket_type_id: int

    class Meta:
        table = "ticket"
        indexes = (
            ("ticket_type_id", "status"),
            ("event_id", "status"),
            ("order_id",),
            ("event_id", "attendee_name"),
            ("event_id", "status", "search_text", "order_id"),
        )

    def refresh_search_text(self) -> None:
        self.search_text = searchable(self.attendee_name, self.attendee_email, self.attendee_organisation)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        """Every write of the searched details rewrites the search column with them."""
        self.refresh_search_text()
        if update_fields is not None:
            update_fields = list(update_fields)
            if set(update_fields) & set(SEARCHED_FIELDS) and "search_text" not in update_fields:
                update_fields.append("search_text")
        await super().save(using_db, update_fields, force_create, force_update)

    @classmethod
    def bulk_create(
        cls,
        objects: Iterable[Ticket],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_fields: Iterable[str] | None = None,
        on_conflict: Iterable[str] | None = None,
        using_db: BaseDBAsyncClient | None = None,
    ) -> BulkCreateQuery[Ticket]:
        tickets = list(objects)
        for ticket in tickets:
            ticket.refresh_search_text()
        return super().bulk_create(
            tickets, batch_size, ignore_conflicts, update_fields, on_conflict, using_db
        )


class SessionBooking(Model):
    """A place booked by one ticket's attendee in a session that has a capacity."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="bookings", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="bookings", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    ticket_id: int
    session_id: int

    class Meta:
        table = "session_booking"
        unique_together = (("ticket", "session"),)
        indexes = (("session_id",),)


class WaitingStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    CONVERTED = "converted"
    LAPSED = "lapsed"


class WaitingListEntry(Model):
    """A visitor waiting for a sold-out ticket type.

    When a place frees up, the first one waiting is offered it: the offer holds one place (it counts
    against availability) until `offer_expires_at`, then passes to the next person.
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="waiting_list", on_delete=fields.CASCADE
    )
    ticket_type: fields.ForeignKeyRelation[TicketType] = fields.ForeignKeyField(
        "models.TicketType", related_name="waiting_list", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    locale = fields.CharField(max_length=5, default="fr")
    status = fields.CharEnumField(WaitingStatus, max_length=16, default=WaitingStatus.WAITING)
    offer_token = fields.CharField(max_length=43, null=True, unique=True)
    offered_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True)
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="waiting_entries", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    event_id: int
    ticket_type_id: int

    class Meta:
        table = "waiting_list_entry"
        indexes = (("ticket_type_id", "status"),)
        ordering = ("created_at", "id")
