"""What partnering holds about a person (profile, requests, meetings, feedback), and how it is erased.

The person is found through their tickets (attendee address, or the buyer's when the ticket has none),
so this contributor runs before ticketing blanks those addresses. Erasing keeps the rows, so that the
organiser's figures stay true, but empties the profile and the free texts, closes the space (its link,
derived from the ticket's agenda token, stops working once ticketing rotates that token), and cancels
what was still to come. A contributor of `events.privacy.registry`.
"""

from __future__ import annotations

from tortoise.expressions import Q

from events.partnering.models import (
    Feedback,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Participant,
    RequestStatus,
    profile_values,
)
from events.partnering.services import cancel_meeting
from events.privacy.registry import register


def _people(email: str, organisation_id: int) -> Q:
    return Q(event__organisation_id=organisation_id) & (
        Q(ticket__attendee_email=email) | Q(ticket__attendee_email="", ticket__order__buyer_email=email)
    )


def _mine(ids: list[int]) -> Q:
    return Q(sender_id__in=ids) | Q(receiver_id__in=ids)


class PartneringData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        found = await Participant.filter(_people(email, organisation_id)).select_related("event")
        ids = [p.id for p in found]
        requests = await MeetingRequest.filter(_mine(ids)).order_by("id") if ids else []
        meetings = await Meeting.filter(_mine(ids)).select_related("slot").order_by("id") if ids else []
        feedback = await Feedback.filter(participant_id__in=ids).order_by("id") if ids else []
        rows: list[dict[str, object]] = []
        for participant in found:
            rows.append(
                {
                    "event": participant.event.slug,
                    "profile": profile_values(participant),
                    "requests": [
                        {
                            "id": r.id,
                            "sent": r.sender_id == participant.id,
                            "message": r.message,
                            "status": str(r.status),
                            "created_at": r.created_at.isoformat(),
                        }
                        for r in requests
                        if participant.id in (r.sender_id, r.receiver_id)
                    ],
                    "meetings": [
                        {
                            "id": m.id,
                            "starts_at": m.slot.starts_at.isoformat(),
                            "table": m.table,
                            "status": str(m.status),
                        }
                        for m in meetings
                        if participant.id in (m.sender_id, m.receiver_id)
                    ],
                    "feedback": [
                        {
                            "meeting": f.meeting_id,
                            "rating": f.rating,
                            "outcome": str(f.outcome),
                            "comment": f.comment,
                        }
                        for f in feedback
                        if f.participant_id == participant.id
                    ],
                }
            )
        return {"partnering": rows}

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        found = await Participant.filter(_people(email, organisation_id))
        ids = [p.id for p in found]
        if not ids:
            return {"partnering_profiles": 0}
        await Participant.filter(id__in=ids).update(
            visible=False, closed=True, headline="", description="", topics=[], offers=[], looking_for=[],
            languages=[], available_slots=[],
        )  # fmt: skip
        sent = await MeetingRequest.filter(sender_id__in=ids).update(message="")
        await MeetingRequest.filter(_mine(ids), status=RequestStatus.PENDING).update(
            status=RequestStatus.CANCELLED
        )
        for meeting in await Meeting.filter(_mine(ids), status=MeetingStatus.SCHEDULED):
            await cancel_meeting(meeting)
        comments = await Feedback.filter(participant_id__in=ids).update(comment="")
        return {"partnering_profiles": len(ids), "partnering_messages": sent, "partnering_comments": comments}


register(PartneringData())
