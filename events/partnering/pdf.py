"""The printable agenda of a participant's B2B meetings: time, table and who with, in their language.

Built with reportlab's platypus in a worker thread (the page answers other requests meanwhile).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from events import fonts, i18n
from events.errors import N_
from events.i18n import gettext
from events.partnering import meetings
from events.partnering.models import Participant


@dataclass(frozen=True)
class AgendaLine:
    when: str
    table: str
    who: str
    status: str


_STATUS = {
    "scheduled": N_("Scheduled"),
    "held": N_("Held"),
    "no_show": N_("Missed"),
    "cancelled": N_("Cancelled"),
}


def _para(text: str, size: int = 10, bold: bool = False) -> Paragraph:
    style = ParagraphStyle(
        "p", fontName=fonts.BOLD if bold else fonts.REGULAR, fontSize=size, leading=size * 1.3
    )
    return Paragraph(escape(text), style)


def build(title: str, name: str, lines: list[AgendaLine], headings: tuple[str, str, str, str]) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, title=title)
    rows = [[_para(h, bold=True) for h in headings]]
    rows += [
        [_para(line.when), _para(line.table, bold=True), _para(line.who), _para(line.status)]
        for line in lines
    ]
    table = Table(rows, colWidths=[52 * mm, 28 * mm, 70 * mm, 24 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#d9dee7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f4f6fa")),
            ]
        )
    )
    document.build(
        [_para(title, 16, bold=True), Spacer(1, 4 * mm), _para(name, 12), Spacer(1, 6 * mm), table]
    )
    return buffer.getvalue()


async def agenda_pdf(participant: Participant) -> bytes:
    event = participant.ticket.event
    locale = i18n.get_locale()
    agenda = await meetings.agenda(participant)
    with i18n.use_locale(locale):
        lines = []
        for entry in agenda:
            starts = meetings.parse_time(entry["starts_at"])
            ends = meetings.parse_time(entry["ends_at"])
            when = f"{i18n.format_when(starts, event.timezone)} – {i18n.format_hour(ends, event.timezone)}"
            other = entry["with"]
            who = ", ".join(part for part in (other["name"], other["organisation"]) if part)
            lines.append(AgendaLine(when, entry["table_label"], who, gettext(_STATUS[entry["status"]])))
        title = gettext(N_("B2B meetings: {title}"), title=event.i18n.title)
        headings = (gettext(N_("When")), gettext(N_("Table")), gettext(N_("With")), gettext(N_("Status")))
    return await asyncio.to_thread(build, title, participant.ticket.attendee_name, lines, headings)
