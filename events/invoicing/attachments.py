"""The invoice or credit note attached to an e-mail (kind "invoice"), built when the message is sent."""

from __future__ import annotations

from events.invoicing import documents
from events.invoicing.models import Invoice
from events.mail.smtp import Attachment


async def invoice(spec: dict[str, object]) -> Attachment:
    document = await Invoice.get(id=int(str(spec["invoice_id"])))
    return f"{document.number}.pdf", "application/pdf", await documents.render(document)
