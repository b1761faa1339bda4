"""A person's certificates of attendance. A contributor of `events.privacy.registry`.

Erasure blanks the name and institution a certificate prints and gives it a new code: the public page
that confirmed it no longer answers, and the old link names nobody. The row stays, so the organiser's
count of certificates issued stays true.
"""

from __future__ import annotations

import secrets

from events.certificates import services
from events.certificates.models import Certificate
from events.privacy.registry import register
from events.ticketing.privacy import persons_tickets


class CertificateData:
    async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
        tickets = [t.id for t in await persons_tickets(email, organisation_id)]
        found = await Certificate.filter(ticket_id__in=tickets).order_by("id").prefetch_related("event")
        return {
            "certificates": [
                {
                    "ticket": c.ticket_id,
                    "event": c.event.slug,
                    "attendee_name": c.attendee_name,
                    "organisation": c.organisation,
                    "sessions": c.sessions,
                    "issued_at": c.issued_at.isoformat(),
                    "certificate_url": services.certificate_url(c.code),
                }
                for c in found
            ]
        }

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
        tickets = [t.id for t in await persons_tickets(email, organisation_id)]
        found = await Certificate.filter(ticket_id__in=tickets)
        for certificate in found:
            certificate.attendee_name = ""
            certificate.organisation = ""
            certificate.code = secrets.token_urlsafe(16)
            await certificate.save(update_fields=["attendee_name", "organisation", "code"])
        return {"certificates": len(found)}


register(CertificateData())
