"""The certificate of attendance as a PDF (reportlab): one A4 page in the order's language.

It names the person, the event with its dates and place, each session attended with its date and hours
(in the event's time zone), the signatory, the issuing organisation (with its logo when it has one), and
carries a QR code of the public page that confirms it, so a reader can check the paper against the
organiser's own record.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from events import i18n, texts
from events.badges import qr
from events.badges.services import place, when
from events.catalogue.models import Event
from events.certificates.models import Certificate, CertificateRules
from events.errors import N_
from events.fonts import BOLD, REGULAR
from events.i18n import gettext

DEFAULT_TITLE = N_("Certificate of attendance")


def _lines(canvas: Canvas, text: str, font: str, size: float, x: float, y: float, width: float) -> float:
    canvas.setFont(font, size)
    for line in simpleSplit(text, font, size, width):
        canvas.drawString(x, y, line)
        y -= size * 1.3
    return y


def _session_text(line: Mapping[str, object], timezone: str) -> str:
    starts = datetime.fromisoformat(str(line["starts_at"]))
    ends = datetime.fromisoformat(str(line["ends_at"]))
    day = i18n.format_day(starts, timezone)
    hours = f"{i18n.format_hour(starts, timezone)}–{i18n.format_hour(ends, timezone)}"
    return f"{texts.pick(line.get('title'), line.get('title_en'))} · {day}, {hours}"


def certificate_pdf(
    certificate: Certificate,
    event: Event,
    rules: CertificateRules | None,
    issuer: str,
    url: str,
    logo: bytes | None = None,
) -> bytes:
    """The certificate in its own language (the order's), whatever the language of whoever asks for it;
    `logo` is the organisation's (PNG or JPEG), printed at the top when it has one."""
    with i18n.use_locale(certificate.locale):
        return _draw(certificate, event, rules, issuer, url, logo)


def _draw(
    certificate: Certificate,
    event: Event,
    rules: CertificateRules | None,
    issuer: str,
    url: str,
    logo: bytes | None,
) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    title = ""
    if rules is not None:
        title = rules.title_en if certificate.locale == "en" else rules.title_fr
    title = title or gettext(DEFAULT_TITLE)
    canvas.setTitle(f"{title} · {certificate.attendee_name}")
    width, height = A4
    margin = 22 * mm
    inner = width - 2 * margin
    canvas.setFillColorRGB(0.11, 0.25, 0.45)
    canvas.rect(0, height - 18 * mm, width, 18 * mm, stroke=0, fill=1)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.setFont(BOLD, 12)
    canvas.drawString(margin, height - 11 * mm, issuer.upper())

    top = height - 42 * mm
    if logo is not None:
        canvas.drawImage(
            ImageReader(io.BytesIO(logo)), margin, height - 42 * mm, width=60 * mm, height=18 * mm,
            preserveAspectRatio=True, anchor="sw", mask="auto",
        )  # fmt: skip
        top -= 16 * mm
    canvas.setFillColorRGB(0.11, 0.14, 0.2)
    y = _lines(canvas, title, BOLD, 26, margin, top, inner) - 8
    y = _lines(canvas, gettext(N_("This certifies that")), REGULAR, 13, margin, y, inner) - 4
    y = _lines(canvas, certificate.attendee_name, BOLD, 22, margin, y, inner)
    if certificate.organisation:
        y = _lines(canvas, certificate.organisation, REGULAR, 13, margin, y, inner)
    y = _lines(canvas, gettext(N_("attended")), REGULAR, 13, margin, y - 6, inner) - 2
    y = _lines(canvas, event.i18n.title, BOLD, 17, margin, y, inner)
    y = _lines(
        canvas,
        " · ".join(part for part in (when(event), place(event)) if part),
        REGULAR,
        11,
        margin,
        y,
        inner,
    )
    if certificate.sessions:
        y = _lines(canvas, gettext(N_("Sessions attended")), BOLD, 13, margin, y - 10, inner)
        for line in certificate.sessions:
            y = _lines(canvas, "• " + _session_text(line, event.timezone), REGULAR, 10.5, margin, y, inner)
            if y < 75 * mm:
                break

    side = 38 * mm
    canvas.drawImage(
        ImageReader(qr.image(url, box_size=6, border=2)), width - margin - side, 22 * mm, side, side
    )
    canvas.setFont(REGULAR, 10)
    issued = i18n.format_day(certificate.issued_at, event.timezone)
    canvas.drawString(margin, 48 * mm, gettext(N_("Issued on {date}"), date=issued))
    if rules is not None and rules.signatory:
        canvas.setFont(BOLD, 12)
        canvas.drawString(margin, 40 * mm, rules.signatory)
    canvas.setFont(REGULAR, 8.5)
    canvas.drawString(margin, 26 * mm, gettext(N_("Check this certificate: {url}"), url=url))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
