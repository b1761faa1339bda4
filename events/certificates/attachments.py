"""The certificate PDF attached to its e-mail (kind "certificate"), drawn when the message is sent."""

from __future__ import annotations

from events.certificates import documents
from events.certificates.models import Certificate
from events.mail.smtp import Attachment


async def certificate(spec: dict[str, object]) -> Attachment:
    found = await Certificate.get(id=int(str(spec["certificate_id"]))).select_related(
        "event", "event__organisation"
    )
    return documents.file_name(found), "application/pdf", await documents.render(found)
