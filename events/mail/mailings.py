"""Mailings: the organiser writes to an event's attendees; each recipient gets one message in their language.

Recipients are the attendees of the audience at their own address, or the buyer for an attendee who
gave none, one message per address. Sending writes every message into the outbox in one transaction:
the mailing leaves `draft` by a conditional update (a second send finds it gone and adds nothing),
and each row's dedupe key (`mailing:<id>:<address>`) is unique. The rows become due one after the
other at `RATE` per second, so the worker sends a large mailing at a bounded rate. A worker killed
between the SMTP server's acceptance and its record sends that one message again on restart, with the
same Message-ID (derived from the row), and no other.

Every message carries a `List-Unsubscribe` header and a link to the recipient's own ticket page,
where the news consent is withdrawn without an account.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.branding import brand
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, TicketType
from events.checkin.models import Checkin, CheckinType
from events.errors import N_, Conflict, Invalid, NotFound
from events.i18n import gettext, use_locale
from events.mail.models import Mailing, MailingStatus, MailStatus, OutboxMessage
from events.mail.sender import Sender, sender_of
from events.mail.services import SUBJECT_LENGTH
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus
from events.ticketing.order_schemas import order_url, ticket_url
from events.validation import validate
from events.web import links
from events.web.templating import environment
from settings import settings

RATE = 10  # messages per second a mailing becomes due at
PLACEHOLDERS = ("name", "event", "ticket_url", "agenda_url", "order_url")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LANGUAGES = ("fr", "en")
BODY_LENGTH = 20_000


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    fr: str = ""
    en: str = ""


class AudienceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_types: list[int] = Field(default_factory=list, max_length=200)
    checked_in: bool | None = None
    order_status: list[OrderStatus] = Field(default_factory=lambda: [OrderStatus.PAID], min_length=1)
    news_consent: bool = False


class MailingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: Texts
    body: Texts
    audience: AudienceIn = Field(default_factory=AudienceIn)

    @field_validator("subject", "body", mode="before")
    @classmethod
    def _plain_sets_both(cls, value: object) -> object:
        return {"fr": value, "en": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _texts(self) -> MailingIn:
        for texts, longest in ((self.subject, SUBJECT_LENGTH), (self.body, BODY_LENGTH)):
            if not (texts.fr or texts.en):
                raise ValueError(N_("Write it in French or in English."))
            if max(len(texts.fr), len(texts.en)) > longest:
                raise ValueError(N_("This text is too long."))
        return self


def _texts(texts: Texts) -> dict[str, str]:
    """Both languages; one left empty falls back to the other."""
    return {"fr": texts.fr or texts.en, "en": texts.en or texts.fr}


async def _check_types(event: Event, audience: AudienceIn) -> None:
    if not audience.ticket_types:
        return
    known = await TicketType.filter(event_id=event.id, id__in=audience.ticket_types).count()
    if known != len(set(audience.ticket_types)):
        raise Invalid({"audience.ticket_types": gettext(N_("Choose one of the offered values."))})


async def create_mailing(user: User, event: Event, data: object) -> Mailing:
    if not isinstance(data, dict):
        raise Invalid({"__root__": gettext(N_("Send a JSON object."))})
    wanted = _validated(data)
    await _check_types(event, wanted.audience)
    async with in_transaction():
        mailing = await Mailing.create(
            event_id=event.id,
            subject=_texts(wanted.subject),
            body=_texts(wanted.body),
            audience=wanted.audience.model_dump(mode="json"),
            created_by_id=user.id,
        )
        await audit.record(
            user, event.organisation_id, "mailing.created", "mailing", mailing.id,
            after={"subject": mailing.subject, "audience": mailing.audience}, event_id=event.id,
        )  # fmt: skip
    return mailing


def _unknown_placeholder(value: object) -> str | None:
    texts = [value] if isinstance(value, str) else list(value.values()) if isinstance(value, dict) else []
    for text in texts:
        if isinstance(text, str):
            for found in _PLACEHOLDER.findall(text):
                if found not in PLACEHOLDERS:
                    return "{" + str(found) + "}"
    return None


def _validated(data: dict[str, object]) -> MailingIn:
    """The mailing, with an unknown placeholder named in the field's own message."""
    errors: dict[str, str] = {}
    for name in ("subject", "body"):
        unknown = _unknown_placeholder(data.get(name))
        if unknown:
            errors[name] = gettext(N_("Unknown placeholder: {name}."), name=unknown)
    if errors:
        raise Invalid(errors)
    return validate(MailingIn, data)


async def organiser_mailing(event: Event, mailing_id: int) -> Mailing:
    mailing = await Mailing.get_or_none(id=mailing_id, event_id=event.id)
    if mailing is None:
        raise NotFound()
    return mailing


async def event_mailings(event: Event) -> list[Mailing]:
    return await Mailing.filter(event_id=event.id).order_by("-id")


# ---------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    locale: str
    ticket: Ticket
    order: Order
    is_buyer: bool


async def recipients(event: Event, audience: Mapping[str, object]) -> list[Recipient]:
    """One recipient per address, in ticket order: each attendee of the audience, or their buyer."""
    wanted = AudienceIn.model_validate(audience)
    statuses = [str(status) for status in wanted.order_status]
    found = Ticket.filter(event_id=event.id, order__status__in=statuses)
    if set(statuses) <= {OrderStatus.PAID, OrderStatus.PENDING}:
        found = found.filter(status=TicketStatus.VALID)
    if wanted.ticket_types:
        found = found.filter(ticket_type_id__in=wanted.ticket_types)
    entered = Subquery(Checkin.filter(type=CheckinType.ENTRY, ticket__event_id=event.id).values("ticket_id"))
    if wanted.checked_in is True:
        found = found.filter(id__in=entered)
    elif wanted.checked_in is False:
        found = found.exclude(id__in=entered)
    seen: set[str] = set()
    chosen: list[Recipient] = []
    for ticket in await found.order_by("id").select_related("order"):
        order = ticket.order
        own = bool(ticket.attendee_email)
        address = (ticket.attendee_email or order.buyer_email).strip().lower()
        consented = ticket.news_consent if own else bool(order.consents.get("marketing"))
        if not address or address in seen or (wanted.news_consent and not consented):
            continue
        seen.add(address)
        is_buyer = address == order.buyer_email.strip().lower()
        name = ticket.attendee_name if own else order.buyer_name
        chosen.append(Recipient(address, name, order.locale, ticket, order, is_buyer))
    return chosen


# ---------------------------------------------------------------- rendering


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


def _values(event: Event, recipient: Recipient) -> dict[str, str]:
    own_page = ticket_url(recipient.ticket)
    return {
        "name": recipient.name,
        "event": event.title,
        "ticket_url": own_page,
        "agenda_url": links.absolute("ical_agenda", token=recipient.ticket.agenda_token),
        "order_url": order_url(recipient.order) if recipient.is_buyer else own_page,
    }


def unsubscribe_url(ticket: Ticket) -> str:
    return links.absolute("own_ticket_unsubscribe_page", token=ticket.agenda_token)


def render(
    mailing: Mailing,
    event: Event,
    recipient: Recipient,
    brand: dict[str, str] | None = None,
    sender: Sender | None = None,
) -> tuple[str, str, str, str]:
    """(locale, subject, text, html) of the message to `recipient`, in their language."""
    locale = recipient.locale if recipient.locale in LANGUAGES else settings.default_locale
    values = _values(event, recipient)
    subject = " ".join(_fill(mailing.subject[locale], values).split())[:SUBJECT_LENGTH]
    body = _fill(mailing.body[locale], values)
    context = {
        "base_url": settings.base_url,
        "event": event,
        "paragraphs": [
            html.escape(part).replace("\n", "<br>") for part in re.split(r"\n\s*\n", body.strip())
        ],
        "body": body.strip(),
        "ticket_page": values["ticket_url"],
        "unsubscribe": unsubscribe_url(recipient.ticket),
        "subject": subject,
        "brand": brand,
        "sender": sender,
    }
    with use_locale(locale):
        text = environment.get_template("mail/mailing.txt").render(context)
        rendered = environment.get_template("mail/mailing.html").render(context)
    return locale, subject, text.strip() + "\n", rendered


async def preview(event: Event, mailing: Mailing) -> dict[str, object]:
    """How many would receive it, and the message the first of them would get."""
    chosen = await recipients(event, mailing.audience)
    sample = None
    if chosen:
        _locale, subject, text, rendered = render(
            mailing,
            event,
            chosen[0],
            await brand(event.organisation_id),
            await sender_of(event.organisation_id),
        )
        sample = {"subject": subject, "text": text, "html": rendered, "to": chosen[0].address}
    return {"recipients": len(chosen), "sample": sample}


# ---------------------------------------------------------------- sending


def _message(
    mailing: Mailing,
    event: Event,
    recipient: Recipient,
    due: datetime,
    look: dict[str, str] | None,
    sender: Sender | None,
) -> OutboxMessage:
    locale, subject, text, rendered = render(mailing, event, recipient, look, sender)
    link = unsubscribe_url(recipient.ticket)
    return OutboxMessage(
        kind="mailing",
        dedupe_key=f"mailing:{mailing.id}:{recipient.address}"[:120],
        to_address=recipient.address,
        subject=subject,
        text_body=text,
        html_body=rendered,
        locale=locale,
        attachments=[],
        status=MailStatus.PENDING,
        next_attempt_at=due,
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        event_id=event.id,
        mailing_id=mailing.id,
    )


async def send(user: User, event: Event, mailing: Mailing) -> Mailing:
    """Queue one message per recipient, once: sending the same mailing again adds nothing."""
    chosen = await recipients(event, mailing.audience)
    now = clock.now()
    look = await brand(event.organisation_id)
    sender = await sender_of(event.organisation_id)
    messages = [
        _message(mailing, event, recipient, now + timedelta(seconds=index / RATE), look, sender)
        for index, recipient in enumerate(chosen)
    ]
    async with in_transaction():
        moved = await Mailing.filter(id=mailing.id, status=MailingStatus.DRAFT).update(
            status=MailingStatus.SENDING, recipients=len(messages)
        )
        if not moved:
            raise Conflict(N_("This mailing has already been sent."))
        await OutboxMessage.bulk_create(messages, batch_size=500)
        await audit.record(
            user, event.organisation_id, "mailing.sent", "mailing", mailing.id,
            before={"status": "draft"}, after={"status": "sending", "recipients": len(messages)},
            event_id=event.id,
        )  # fmt: skip
    await mailing.refresh_from_db()
    return mailing


async def figures(mailing_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Sent, failed and pending counts per mailing, and when the last one went out (one query)."""
    found: dict[int, dict[str, Any]] = {
        i: {"sent": 0, "failed": 0, "pending": 0, "last": None} for i in mailing_ids
    }
    rows = await OutboxMessage.filter(mailing_id__in=mailing_ids).values("mailing_id", "status", "sent_at")
    for row in rows:
        entry = found[row["mailing_id"]]
        entry[str(row["status"])] += 1
        if row["sent_at"] and (entry["last"] is None or row["sent_at"] > entry["last"]):
            entry["last"] = row["sent_at"]
    return found


def mailing_out(mailing: Mailing, counts: dict[str, Any]) -> dict[str, object]:
    status = mailing.status
    if status == MailingStatus.SENDING and counts["pending"] == 0:
        status = MailingStatus.SENT
    sent_at = counts["last"] if status == MailingStatus.SENT else None
    return {
        "id": mailing.id,
        "subject": mailing.subject,
        "body": mailing.body,
        "audience": mailing.audience,
        "status": str(status),
        "recipients": mailing.recipients,
        "sent": counts["sent"],
        "failed": counts["failed"],
        "created_at": mailing.created_at.isoformat(),
        "sent_at": sent_at.isoformat() if sent_at else None,
    }


async def mailings_out(mailings: list[Mailing]) -> list[dict[str, object]]:
    counts = await figures([m.id for m in mailings])
    return [mailing_out(m, counts[m.id]) for m in mailings]


async def mail_log(event: Event, limit: int = 500) -> list[OutboxMessage]:
    """The event's messages, newest first: sent, queued, or failed with the reason."""
    return await OutboxMessage.filter(event_id=event.id).order_by("-id").limit(limit)


async def messages_to(event: Event, address: str, limit: int = 100) -> list[OutboxMessage]:
    """The event's messages to one address (a person's page), newest first."""
    if not address:
        return []
    return (
        await OutboxMessage.filter(event_id=event.id, to_address=address.strip().lower())
        .order_by("-id")
        .limit(limit)
    )


async def unsubscribe(ticket: Ticket) -> None:
    """The recipient withdraws their news consent (the one-click link of `List-Unsubscribe`)."""
    async with in_transaction():
        ticket.news_consent = False
        ticket.news_consent_at = clock.now()
        await ticket.save(update_fields=["news_consent", "news_consent_at", "updated_at"])
        if not ticket.attendee_email:
            order = await Order.get(id=ticket.order_id)
            order.consents = {**order.consents, "marketing": False}
            await order.save(update_fields=["consents", "updated_at"])
