"""An event's registration rules: how long a hold lasts, self-cancel, the attendee-edit deadline, the
waiting-list offer time and the privacy notice shown at registration.

They sit apart from the event's description (`catalogue.services.update_event`) because they change the
behaviour of orders rather than what the public reads, and they are audited as such.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from tortoise.transactions import in_transaction

from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, EventStatus
from events.errors import N_, EventNotEditable, Invalid
from events.i18n import gettext
from events.validation import validate
from events.web.pagecache import public_pages

FIELDS = (
    "hold_minutes",
    "allow_self_cancel",
    "attendee_edit_until",
    "waiting_list_offer_hours",
    "privacy_notice",
    "invoice_payment_days",
)


class RegistrationRules(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    hold_minutes: int = Field(default=15, ge=5, le=1440)
    allow_self_cancel: bool = True
    attendee_edit_until: datetime | None = None
    waiting_list_offer_hours: int = Field(default=24, ge=1, le=336)
    privacy_notice: str = Field(default="", max_length=10000)
    invoice_payment_days: int | None = Field(default=None, ge=1, le=60)


def rule_values(event: Event) -> dict[str, object]:
    return {name: getattr(event, name) for name in FIELDS}


def _snapshot(event: Event) -> dict[str, object]:
    values = rule_values(event)
    if event.attendee_edit_until is not None:
        values["attendee_edit_until"] = event.attendee_edit_until.isoformat()
    return values


async def update_rules(user: User, event: Event, data: object) -> Event:
    if event.status == EventStatus.CANCELLED:
        raise EventNotEditable()
    values = validate(RegistrationRules, data)
    deadline = values.attendee_edit_until
    if deadline is not None and deadline.tzinfo is None:
        deadline = deadline.replace(tzinfo=ZoneInfo(event.timezone))
    if deadline is not None and deadline > event.ends_at:
        raise Invalid({"attendee_edit_until": gettext(N_("Choose a time before the end of the event."))})
    async with in_transaction():
        before = _snapshot(event)
        event.hold_minutes = values.hold_minutes
        event.allow_self_cancel = values.allow_self_cancel
        event.attendee_edit_until = deadline
        event.waiting_list_offer_hours = values.waiting_list_offer_hours
        event.privacy_notice = values.privacy_notice
        event.invoice_payment_days = values.invoice_payment_days
        await event.save(update_fields=[*FIELDS, "updated_at"])
        await audit.record(
            user, user.organisation_id, "event.registration_updated", "event", event.id,
            before=before, after=_snapshot(event),
        )  # fmt: skip
    public_pages.clear()
    return event
