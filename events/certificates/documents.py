"""A certificate's PDF and its file name, and the organiser's ZIP of one institution's certificates."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import unicodedata
import zipfile

from events.accounts import branding
from events.catalogue.models import Event
from events.certificates import services
from events.certificates.models import Certificate
from events.certificates.pdf import certificate_pdf
from events.errors import NotFound

INSTITUTION_MAX_LENGTH = 200


def file_name(certificate: Certificate) -> str:
    ascii_name = unicodedata.normalize("NFKD", certificate.attendee_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower() or "attendee"
    return f"certificate-{slug}-{certificate.id}.pdf"


async def logo(event: Event) -> bytes | None:
    """The organisation's logo (already re-encoded PNG or JPEG by branding), or None when it has none.

    `event` with its organisation loaded."""
    with contextlib.suppress(NotFound):
        return bytes((await branding.logo(event.organisation.slug)).content)
    return None


async def render(certificate: Certificate) -> bytes:
    """`certificate` with its event and the event's organisation loaded."""
    return await _pdf(certificate, await logo(certificate.event))


async def _pdf(certificate: Certificate, logo_bytes: bytes | None) -> bytes:
    event = certificate.event
    rules = await services.rules(event)
    url = services.certificate_url(certificate.code)
    issuer = event.organisation.name
    return await asyncio.to_thread(certificate_pdf, certificate, event, rules, issuer, url, logo_bytes)


async def institution_zip(event: Event, institution: str) -> bytes:
    """Every certificate of one institution (empty: attendees without one) in one file, for the organiser to
    send to its training office."""
    wanted = institution[:INSTITUTION_MAX_LENGTH]
    found = [c for c in await services.issued(event) if c.organisation == wanted]
    await event.fetch_related("organisation")
    logo_bytes = await logo(event)  # read once for the whole file
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in found:
            certificate.event = event
            archive.writestr(file_name(certificate), await _pdf(certificate, logo_bytes))
    return buffer.getvalue()


def zip_name(event: Event) -> str:
    return f"certificates-{event.slug}.zip"
