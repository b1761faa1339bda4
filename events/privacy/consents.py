"""Consent records for the optional consents of an order, and their part of a person's data."""

from __future__ import annotations

import hashlib

from events import clock
from events.catalogue.models import Event
from events.privacy.models import ConsentRecord
from events.privacy.registry import register
from events.ticketing.models import Order, Ticket

NOTICE_VERSION = "2026-12"
"""The version of the standard notice text (templates/privacy/notice.html); change it with the text."""

OPTIONAL = ("marketing", "partners")
"""The consents a buyer may give or refuse; the privacy acknowledgement itself is required to register."""

DOOR = "door"
"""An attendee's own consent that the door staff see their answers to "show at the door" questions."""


def notice_version(event: Event) -> str:
    """The notice as shown for this event: the standard text's version and the event's own addition."""
    extra = hashlib.sha256(event.privacy_notice.encode()).hexdigest()[:8] if event.privacy_notice else "0"
    return f"{NOTICE_VERSION}.{extra}"


def order_consent_rows(order: Order, event: Event) -> list[ConsentRecord]:
    """One row per optional consent of a new order (saved, so it has its id), given or refused, with
    the notice version."""
    choices = order.consents or {}
    version = notice_version(event)
    return [
        ConsentRecord(
            organisation_id=event.organisation_id,
            event_id=event.id,
            order_id=order.id,
            email=order.buyer_email,
            purpose=purpose,
            granted=bool(choices.get(purpose)),
            notice_version=version,
            created_at=clock.now(),
        )
        for purpose in OPTIONAL
    ]


def door_consent_rows(order: Order, event: Event, tickets: list[Ticket]) -> list[ConsentRecord]:
    """One row per attendee asked whether the door may see their "show at the door" answers."""
    version = notice_version(event)
    return [
        ConsentRecord(
            organisation_id=event.organisation_id,
            event_id=event.id,
            order_id=order.id,
            email=ticket.attendee_email or order.buyer_email,
            purpose=DOOR,
            granted=ticket.door_consent,
            notice_version=version,
            created_at=clock.now(),
        )
        for ticket in tickets
    ]


async def record_consents(rows: list[ConsentRecord]) -> None:
    if rows:
        await ConsentRecord.bulk_create(rows)


class ConsentData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        rows = await ConsentRecord.filter(email=email, organisation_id=organisation_id).order_by("id")
        return {
            "consents": [
                {
                    "purpose": row.purpose,
                    "granted": row.granted,
                    "notice_version": row.notice_version,
                    "event_id": row.event_id,
                    "order_id": row.order_id,
                    "at": row.created_at.isoformat(),
                }
                for row in rows
            ]
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        """The record stays (what was agreed, when, under which notice), without whose it was."""
        count = await ConsentRecord.filter(email=email, organisation_id=organisation_id).update(email="")
        return {"consents": count}


register(ConsentData())
