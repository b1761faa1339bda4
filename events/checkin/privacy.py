"""A person's check-ins (which door, when), found through their tickets. A contributor of
`events.privacy.registry`: the check-in rows hold nothing personal themselves (a ticket, a list, a time),
so erasing the ticket's attendee (ticketing, a later stage) leaves them anonymous and counted.
"""

from __future__ import annotations

from typing import Any

from events.checkin.models import Checkin
from events.privacy.registry import register
from events.ticketing.privacy import persons_tickets


class CheckinData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, Any]]]:
        tickets = [t.id for t in await persons_tickets(email, organisation_id)]
        rows = await Checkin.filter(ticket_id__in=tickets).order_by("id").prefetch_related("checkin_list")
        return {
            "checkins": [
                {
                    "ticket": row.ticket_id,
                    "list": row.checkin_list.name,
                    "type": str(row.type),
                    "at": row.created_at.isoformat(),
                }
                for row in rows
            ]
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        tickets = [t.id for t in await persons_tickets(email, organisation_id)]
        return {"checkins": await Checkin.filter(ticket_id__in=tickets).count()}


register(CheckinData())
