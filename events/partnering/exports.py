"""The organiser's export of meetings and their outcomes, as CSV and as XLSX (openpyxl, write-only).

One row per meeting: when, table, both participants (name, organisation, kind), status, who was absent,
and each side's rating and outcome. E-mail addresses are left out: the export reports what came of
the meetings to funders, it is not a contact list. Cells that a spreadsheet would read as a formula
are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from events.catalogue.models import Event
from events.partnering.models import Feedback, Meeting, Participant, PartneringSetup, table_label

HEADER = [
    "meeting_id", "starts_at", "ends_at", "table", "status",
    "first_name", "first_organisation", "first_kind", "second_name", "second_organisation", "second_kind",
    "absent", "first_rating", "first_outcome", "second_rating", "second_outcome",
]  # fmt: skip


def _safe(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


async def rows(event: Event) -> list[list[object]]:
    setup = await PartneringSetup.get(event_id=event.id)
    found = (
        await Meeting.filter(event_id=event.id).select_related("slot").order_by("slot__starts_at", "table")
    )
    people = {p.id: p for p in await Participant.filter(event_id=event.id).select_related("ticket")}
    answers = {(f.meeting_id, f.participant_id): f for f in await Feedback.filter(meeting__event_id=event.id)}
    table: list[list[object]] = []
    for meeting in found:
        one, two = people[meeting.sender_id], people[meeting.receiver_id]
        first, second = answers.get((meeting.id, one.id)), answers.get((meeting.id, two.id))
        absent = "; ".join(people[pid].ticket.attendee_name for pid in meeting.absent if pid in people)
        table.append(
            [
                meeting.id,
                meeting.slot.starts_at.isoformat(),
                meeting.slot.ends_at.isoformat(),
                table_label(setup, meeting.table),
                str(meeting.status),
                one.ticket.attendee_name,
                one.ticket.attendee_organisation,
                str(one.organisation_kind),
                two.ticket.attendee_name,
                two.ticket.attendee_organisation,
                str(two.organisation_kind),
                absent,
                first.rating if first else "",
                str(first.outcome) if first else "",
                second.rating if second else "",
                str(second.outcome) if second else "",
            ]
        )
    return table


def to_csv(table: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows([[_safe(cell) for cell in row] for row in table])
    return ("\ufeff" + buffer.getvalue()).encode()


def to_xlsx(table: list[list[object]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("meetings")
    sheet.append(HEADER)
    for row in table:
        sheet.append([_safe(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def successful_pairs(event: Event) -> list[dict[str, object]]:
    """Meetings where at least one side reported a follow-up, a negotiation or an agreement."""
    rank = {"follow_up": 1, "negotiation": 2, "agreement": 3}
    best: dict[int, str] = {}
    for answer in await Feedback.filter(meeting__event_id=event.id, outcome__in=list(rank)):
        current = best.get(answer.meeting_id)
        if current is None or rank[str(answer.outcome)] > rank[current]:
            best[answer.meeting_id] = str(answer.outcome)
    found = await Meeting.filter(id__in=list(best))
    people = {p.id: p for p in await Participant.filter(event_id=event.id).select_related("ticket")}
    return [
        {
            "first": people[m.sender_id].ticket.attendee_name,
            "first_organisation": people[m.sender_id].ticket.attendee_organisation,
            "second": people[m.receiver_id].ticket.attendee_name,
            "second_organisation": people[m.receiver_id].ticket.attendee_organisation,
            "outcome": best[m.id],
        }
        for m in found
    ]
