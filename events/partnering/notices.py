"""The partnering e-mails, written to the outbox in the transaction of the change, in each person's language.

Each is a `mail/partnering_notice` message: a heading, a few lines, optional label/value rows and a link
to the participant's space. Nobody's e-mail address is ever shown to another participant: the message
goes to its own reader only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from events import clock, i18n
from events.catalogue.models import Event
from events.errors import N_
from events.i18n import gettext
from events.mail.services import enqueue_template
from events.partnering import tokens
from events.partnering.models import (
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Participant,
    PartneringSetup,
    Slot,
    table_label,
)
from events.ticketing.availability import live_ticket_filter
from events.ticketing.models import Ticket

Rows = list[tuple[str, str]]


async def _send(
    ticket: Ticket,
    kind: str,
    write: Callable[[], tuple[str, str, list[str], Rows]],
    dedupe_key: str | None = None,
) -> None:
    """Render `write()` in the ticket's language and enqueue it; a ticket without an address gets nothing."""
    if not ticket.attendee_email:
        return
    await ticket.fetch_related("order")
    locale = ticket.order.locale
    with i18n.use_locale(locale):
        subject, heading, lines, rows = write()
        link_label = gettext(N_("Open my partnering space"))
    event = await Event.get(id=ticket.event_id)
    await enqueue_template(
        "mail/partnering_notice",
        to=ticket.attendee_email,
        locale=locale,
        organisation_id=event.organisation_id,
        kind=kind,
        dedupe_key=dedupe_key,
        context={
            "subject": subject,
            "heading": heading,
            "lines": lines,
            "rows": rows,
            "name": ticket.attendee_name,
            "link": tokens.space_url(ticket),
            "link_label": link_label,
        },
    )


async def opened(event: Event) -> None:
    """Partnering is open: every attendee with an address, once (tickets bought later see the link)."""
    for ticket in await Ticket.filter(live_ticket_filter(clock.now()), event_id=event.id):

        def write() -> tuple[str, str, list[str], Rows]:
            title = gettext(N_("B2B meetings are open: {title}"), title=event.i18n.title)
            lines = [
                gettext(N_("Make your profile, find the people you want to meet and send them requests.")),
                gettext(N_("Your profile stays hidden until you choose to make it visible.")),
            ]
            return title, title, lines, []

        await _send(ticket, "partnering_opened", write, dedupe_key=f"partnering-opened-{ticket.id}")


async def _ticket_of(participant_id: int) -> Ticket:
    participant = await Participant.get(id=participant_id).select_related("ticket__event")
    return participant.ticket


async def request_received(request: MeetingRequest) -> None:
    sender = await _ticket_of(request.sender_id)
    receiver = await _ticket_of(request.receiver_id)

    def write() -> tuple[str, str, list[str], Rows]:
        heading = gettext(N_("{name} would like to meet you"), name=sender.attendee_name)
        lines = [request.message] if request.message else []
        lines.append(gettext(N_("Accept or decline the request in your partnering space.")))
        rows = (
            [(gettext(N_("Organisation")), sender.attendee_organisation)]
            if sender.attendee_organisation
            else []
        )
        return heading, heading, lines, rows

    await _send(receiver, "partnering_request", write)


async def request_answered(request: MeetingRequest) -> None:
    sender = await _ticket_of(request.sender_id)
    receiver = await _ticket_of(request.receiver_id)
    accepted = str(request.status) == "accepted"

    def write() -> tuple[str, str, list[str], Rows]:
        if accepted:
            heading = gettext(N_("{name} accepted your meeting request"), name=receiver.attendee_name)
            lines = [gettext(N_("The organisers will give you a time and a table."))]
        else:
            heading = gettext(N_("{name} declined your meeting request"), name=receiver.attendee_name)
            lines = []
        return heading, heading, lines, []

    await _send(sender, "partnering_answer", write)


def _when(slot: Slot, event: Event) -> str:
    start = i18n.format_when(slot.starts_at, event.timezone)
    return f"{start} – {i18n.format_hour(slot.ends_at, event.timezone)}"


def meeting_rows(meeting: Meeting, other: Ticket, setup: PartneringSetup, event: Event) -> Rows:
    return [
        (gettext(N_("With")), f"{other.attendee_name} ({other.attendee_organisation})".replace(" ()", "")),
        (gettext(N_("When")), _when(meeting.slot, event)),
        (gettext(N_("Table")), table_label(setup, meeting.table)),
    ]


async def meeting_changed(meeting: Meeting) -> None:
    """After publishing, both people hear of every change (moved, cancelled, added)."""
    setup = await PartneringSetup.get(event_id=meeting.event_id)
    if setup.published_at is None:
        return
    await meeting.fetch_related("slot", "event")
    for me, other in ((meeting.sender_id, meeting.receiver_id), (meeting.receiver_id, meeting.sender_id)):
        mine, theirs = await _ticket_of(me), await _ticket_of(other)

        def write(theirs: Ticket = theirs) -> tuple[str, str, list[str], Rows]:
            if meeting.status == MeetingStatus.CANCELLED:
                heading = gettext(N_("Meeting cancelled"))
            else:
                heading = gettext(N_("Your meeting has a new time or table"))
            return heading, heading, [], meeting_rows(meeting, theirs, setup, meeting.event)

        await _send(
            mine,
            "partnering_meeting",
            write,
            dedupe_key=f"partnering-meeting-{meeting.id}-{meeting.sequence}-{me}",
        )


async def agenda(
    participant: Participant, lines: list[tuple[Meeting, Ticket]], setup: PartneringSetup
) -> None:
    """The published agenda: every meeting with its time, table and partner."""
    event = await Event.get(id=participant.event_id)

    def write() -> tuple[str, str, list[str], Rows]:
        heading = gettext(N_("Your B2B meetings: {title}"), title=event.i18n.title)
        rows: Rows = []
        for meeting, other in lines:
            rows.append(
                (
                    _when(meeting.slot, event),
                    gettext(
                        N_("{name}, table {table}"),
                        name=other.attendee_name,
                        table=table_label_of(setup, meeting),
                    ),
                )
            )
        intro = [gettext(N_("Here is your agenda. It is also in your personal calendar feed."))]
        return heading, heading, intro, rows

    await _send(participant.ticket, "partnering_agenda", write)


def table_label_of(setup: PartneringSetup, meeting: Meeting) -> str:
    return table_label(setup, meeting.table)


async def reminder(participant: Participant, first: Meeting, day: datetime) -> None:
    event = await Event.get(id=participant.event_id)

    def write() -> tuple[str, str, list[str], Rows]:
        heading = gettext(
            N_("Your B2B meetings start at {time}"),
            time=i18n.format_hour(first.slot.starts_at, event.timezone),
        )
        return heading, heading, [gettext(N_("Your agenda for the day is in your partnering space."))], []

    key = f"partnering-reminder-{participant.id}-{day.date().isoformat()}"
    await _send(participant.ticket, "partnering_reminder", write, dedupe_key=key)


async def follow_up(participant: Participant, meeting: Meeting, other: Ticket) -> None:
    def write() -> tuple[str, str, list[str], Rows]:
        heading = gettext(N_("What came of your meeting with {name}?"), name=other.attendee_name)
        lines = [gettext(N_("A few months have passed: tell the organisers whether it led to something."))]
        return heading, heading, lines, []

    key = f"partnering-follow-up-{meeting.id}-{participant.id}"
    await _send(participant.ticket, "partnering_follow_up", write, dedupe_key=key)
