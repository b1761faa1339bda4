"""Ticket and badge PDFs, drawn with reportlab (pure Python: nothing to install on the server).

The functions here are pure: they take `Card`s (plain, already translated text) and return bytes, so
they can run in a worker thread without touching the database, and the same card makes a ticket, a
badge in a sheet of four, or a single badge for the printer at the welcome desk.

The QR is embedded as a bitmap with whole pixels per module: it stays sharp on paper and on a phone, and
an independent decoder can read it back straight out of the file. Under it the badge prints its short
code (`secrets.short_code`), for a person to type at the door when the QR is damaged.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from events.badges import qr
from events.fonts import BOLD, REGULAR
from events.ticketing import secrets

logger = logging.getLogger(__name__)

CODE = "Courier-Bold"
"""The short code in a fixed-width face: every character the same width, 0 and O told apart."""

Progress = Callable[[int, int], None]


class Layout(StrEnum):
    A6X4 = "a6x4"
    SINGLE = "single"


@dataclass(frozen=True)
class Card:
    """What a ticket or badge shows, already in the reader's language."""

    secret: str
    attendee_name: str
    organisation: str
    job_title: str
    ticket_type: str
    colour: str
    event_title: str
    when: str
    place: str
    reference: str
    # The organisation's logo (one reader shared by every card of a print run), if it has one.
    logo: ImageReader | None = None
    # The organisation's colour (#rrggbb), a strip along the badge's foot; empty: none.
    brand_colour: str = ""


@dataclass(frozen=True)
class TicketTexts:
    """The fixed sentences of a ticket page, translated by the caller."""

    title: str
    attendee: str
    show_code: str


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    if len(value) != 6:
        value = "0b5c8e"
    try:
        red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return 11 / 255, 92 / 255, 142 / 255
    return red, green, blue


def _on(colour: str) -> tuple[float, float, float]:
    """Black or white text, whichever reads better on `colour` (WCAG relative luminance)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    red, green, blue = (channel(c) for c in _rgb(colour))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return (0.0, 0.0, 0.0) if (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) else (1.0, 1.0, 1.0)


def _fit(text: str, font: str, largest: float, smallest: float, width: float) -> tuple[float, list[str]]:
    """The largest size at which `text` fits on one line, else two lines at a size that fits."""
    size = largest
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return size, [text]
    size = largest
    while size > 8:
        lines = simpleSplit(text, font, size, width)
        if len(lines) <= 2:
            return size, lines
        size -= 1
    return size, simpleSplit(text, font, size, width)[:2]


def _centred(
    canvas: Canvas, lines: Sequence[str], font: str, size: float, centre: float, top: float
) -> float:
    """Draw lines centred on `centre` from baseline `top` down; the y below the last line."""
    canvas.setFont(font, size)
    y = top
    for line in lines:
        canvas.drawCentredString(centre, y, line)
        y -= size * 1.15
    return y


def _qr(canvas: Canvas, secret: str, x: float, y: float, side: float) -> None:
    canvas.drawImage(ImageReader(qr.image(secret, box_size=8, border=2)), x, y, side, side)


# ---------------------------------------------------------------- badges


def _badge(canvas: Canvas, card: Card, x: float, y: float, width: float, height: float) -> None:
    """One A6 badge with its lower-left corner at (x, y)."""
    band = 20 * mm
    inner = width - 12 * mm
    centre = x + width / 2
    canvas.setFillColorRGB(*_rgb(card.colour))
    canvas.rect(x, y + height - band, width, band, stroke=0, fill=1)
    canvas.setFillColorRGB(*_on(card.colour))
    size, lines = _fit(card.ticket_type.upper(), BOLD, 16, 9, inner)
    _centred(canvas, lines[:1], BOLD, size, centre, y + height - band / 2 - size / 3)

    canvas.setFillColorRGB(0.11, 0.14, 0.2)
    size, lines = _fit(card.attendee_name, BOLD, 30, 18, inner)
    # Under the logo when there is one, so that the logo never covers the name.
    name_top = (24 if card.logo is not None else 14) * mm
    below = _centred(canvas, lines, BOLD, size, centre, y + height - band - name_top)
    for text, font, largest in ((card.organisation, REGULAR, 15), (card.job_title, REGULAR, 11)):
        if text:
            size, lines = _fit(text, font, largest, largest - 3, inner)
            below = _centred(canvas, lines, font, size, centre, below - 2 * mm)

    side = 48 * mm
    _qr(canvas, card.secret, centre - side / 2, y + 14 * mm, side)
    canvas.setFont(CODE, 10)
    canvas.drawCentredString(centre, y + 10 * mm, secrets.short_code(card.secret))
    canvas.setFillColorRGB(0.35, 0.39, 0.47)
    size, lines = _fit(card.event_title, REGULAR, 9, 6, inner)
    _centred(canvas, lines[:1], REGULAR, size, centre, y + 5 * mm)
    if card.logo is not None:
        canvas.drawImage(
            card.logo, centre - 15 * mm, y + height - band - 13 * mm, width=30 * mm, height=10 * mm,
            preserveAspectRatio=True, anchor="c", mask="auto",
        )  # fmt: skip
    if card.brand_colour:
        canvas.setFillColorRGB(*_rgb(card.brand_colour))
        canvas.rect(x, y, width, 2.5 * mm, stroke=0, fill=1)


def _cut_lines(canvas: Canvas) -> None:
    width, height = A4
    canvas.saveState()
    canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
    canvas.setLineWidth(0.3)
    canvas.setDash(2, 3)
    canvas.line(width / 2, 0, width / 2, height)
    canvas.line(0, height / 2, width, height / 2)
    canvas.restoreState()


def badges_pdf(
    cards: Sequence[Card], layout: Layout, *, title: str, progress: Progress | None = None
) -> bytes:
    """Badges on A4 sheets of four A6 (cut along the dotted lines) or one A6 page each."""
    buffer = io.BytesIO()
    page = A4 if layout is Layout.A6X4 else A6
    canvas = Canvas(buffer, pagesize=page, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Colloque")
    width, height = A6
    slots = ((0, A4[1] / 2), (A4[0] / 2, A4[1] / 2), (0, 0), (A4[0] / 2, 0))
    for index, card in enumerate(cards):
        if layout is Layout.A6X4:
            slot = index % 4
            if slot == 0 and index:
                canvas.showPage()
            if slot == 0:
                _cut_lines(canvas)
            x, y = slots[slot]
            _badge(canvas, card, x, y, A4[0] / 2, A4[1] / 2)
        else:
            if index:
                canvas.showPage()
            _badge(canvas, card, 0, 0, width, height)
        if progress is not None:
            progress(index + 1, len(cards))
    if not cards:
        canvas.setFont(REGULAR, 12)
        canvas.drawString(20 * mm, page[1] - 30 * mm, title)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------- tickets


def _ticket_page(canvas: Canvas, card: Card, texts: TicketTexts) -> None:
    width, height = A4
    margin = 20 * mm
    inner = width - 2 * margin
    canvas.setFillColorRGB(*_rgb(card.colour))
    canvas.rect(0, height - 28 * mm, width, 28 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(*_on(card.colour))
    canvas.setFont(BOLD, 13)
    canvas.drawString(margin, height - 12 * mm, texts.title.upper())
    size, lines = _fit(card.ticket_type, BOLD, 18, 10, inner)
    canvas.setFont(BOLD, size)
    canvas.drawString(margin, height - 22 * mm, lines[0])

    canvas.setFillColorRGB(0.11, 0.14, 0.2)
    y = height - 44 * mm
    for line in simpleSplit(card.event_title, BOLD, 20, inner)[:3]:
        canvas.setFont(BOLD, 20)
        canvas.drawString(margin, y, line)
        y -= 24
    canvas.setFont(REGULAR, 12)
    for line in [card.when, *simpleSplit(card.place, REGULAR, 12, inner)[:3]]:
        if line:
            canvas.drawString(margin, y, line)
            y -= 16
    y -= 10
    canvas.setFillColorRGB(0.35, 0.39, 0.47)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(margin, y, texts.attendee.upper())
    canvas.setFillColorRGB(0.11, 0.14, 0.2)
    size, lines = _fit(card.attendee_name, BOLD, 26, 14, inner)
    canvas.setFont(BOLD, size)
    for line in lines:
        y -= size * 1.15
        canvas.drawString(margin, y, line)
    canvas.setFont(REGULAR, 13)
    for text in (card.organisation, card.job_title):
        if text:
            y -= 17
            canvas.drawString(margin, y, simpleSplit(text, REGULAR, 13, inner)[0])

    side = 85 * mm
    _qr(canvas, card.secret, (width - side) / 2, 38 * mm, side)
    canvas.setFont(REGULAR, 11)
    canvas.drawCentredString(width / 2, 32 * mm, texts.show_code)
    canvas.setFont(CODE, 13)
    canvas.drawCentredString(width / 2, 26 * mm, secrets.short_code(card.secret))
    canvas.setFillColorRGB(0.35, 0.39, 0.47)
    canvas.setFont(REGULAR, 9)
    canvas.drawCentredString(width / 2, 20 * mm, card.reference)


def tickets_pdf(cards: Sequence[Card], texts: TicketTexts, *, title: str) -> bytes:
    """One A4 page per ticket: print it, or show it on a phone (the code fills a third of the page)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Colloque")
    for index, card in enumerate(cards):
        if index:
            canvas.showPage()
        _ticket_page(canvas, card, texts)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def notice_pdf(text: str) -> bytes:
    """A one-page PDF that only says `text` (where a ticket was expected but none is left)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont(REGULAR, 14)
    for index, line in enumerate(simpleSplit(text, REGULAR, 14, A4[0] - 40 * mm)):
        canvas.drawString(20 * mm, A4[1] - 30 * mm - index * 18, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
