"""A certificate's PDF and its file name, and the organiser's ZIP of one institution's certificates."""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
import zipfile

from events.certificates import services
from events.certificates.models import Certificate
from events.certificates.pdf import certificate_pdf


def file_name(certificate: Certificate) -> str:
    ascii_name = unicodedata.normalize("NFKD", certificate.attendee_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "attendee"
    return f"certificate-{slug}-{certificate.id}.pdf"


async def render(certificate: Certificate) -> bytes:
    """`certificate` with its event and the event's organisation loaded."""
    event = certificate.event
    rules = await services.rules(event)
    url = services.certificate_url(certificate.code)
    issuer = event.organisation.name
    return await asyncio.to_thread(certificate_pdf, certificate, event, rules, issuer, url)


async def institution_zip(certificates: list[Certificate]) -> bytes:
    """Every certificate of one institution in one file, for the organiser to send to its training office."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(file_name(certificate), await render(certificate))
    return buffer.getvalue()
