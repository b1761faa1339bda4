"""A person's check-ins (which door, when), found through their tickets. A contributor of
`events.privacy.registry`: the check-in rows hold nothing personal themselves (a ticket, a list, a time),
so erasing the ticket's attendee (ticketing, a later stage) leaves them anonymous and counted. The
scanner's remembered answers (`ScanNonce`, kept a short while for retries) do show the name: those
about the person's tickets are deleted. Session attendance (entries in a session's room) is exported
with the check-ins; it is as anonymous as they are once the ticket is.
"""

from __future__ import annotations

from collections.abc import Mapping

from events.checkin.models import Checkin, ListTicketState, ScanNonce
from events.privacy.registry import register
from events.ticketing.privacy import persons_tickets


def _shown_ticket(response: Mapping[str, object]) -> object:
    ticket = response.get("ticket")
    return ticket.get("id") if isinstance(ticket, dict) else None


class CheckinData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        tickets = [t.id for t in await persons_tickets(email, organisation_id)]
        rows = await Checkin.filter(ticket_id__in=tickets).order_by("id").prefetch_related("checkin_list")
        rooms = (
            await ListTicketState.filter(
                ticket_id__in=tickets, entries__gt=0, checkin_list__session_id__isnull=False
            )
            .order_by("id")
            .prefetch_related("checkin_list__session")
        )
        return {
            "session_attendance": [
                {
                    "ticket": state.ticket_id,
                    "session": state.checkin_list.session_id,
                    "title": state.checkin_list.session.title if state.checkin_list.session else "",
                    "first_entry_at": state.first_entry_at.isoformat() if state.first_entry_at else None,
                }
                for state in rooms
            ],
            "checkins": [
                {
                    "ticket": row.ticket_id,
                    "list": row.checkin_list.name,
                    "type": str(row.type),
                    "at": row.created_at.isoformat(),
                }
                for row in rows
            ],
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        tickets = await persons_tickets(email, organisation_id)
        ids = {t.id for t in tickets}
        replies = await ScanNonce.filter(event_id__in={t.event_id for t in tickets})
        shown = [r.id for r in replies if _shown_ticket(r.response) in ids]
        await ScanNonce.filter(id__in=shown).delete()
        return {"checkins": await Checkin.filter(ticket_id__in=list(ids)).count()}


register(CheckinData())
