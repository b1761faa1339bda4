"""Handing Factur-X documents over to the organisation's e-invoicing channel.

Under the French reform a Factur-X file only e-mailed is not yet a compliant B2B e-invoice: it must go
through an approved platform (PA) or, for public buyers, Chorus Pro. Colloque produces the files and
hands them over; it does not become a platform. A `Transmitter` is that hand-over: the first one,
`FileTransmitter`, leaves each day's documents in a folder (one per organisation and day, with a
`manifest.csv`) for the organisation's platform connector or for a manual deposit on Chorus Pro. A real
platform's API can be added later as another `Transmitter` without touching invoicing.

`export_day` sends the documents issued on a day (Paris time) not sent yet, and marks them sent in
the same transaction, so a document is handed over once.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol

from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import Organisation
from events.invoicing import documents
from events.invoicing.models import Invoice
from events.invoicing.services import INVOICE_ZONE
from settings import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One document to hand over: its row and its Factur-X PDF."""

    invoice: Invoice
    pdf: bytes


class Transmitter(Protocol):
    async def send(self, organisation: Organisation, day: date, outgoing: list[Outgoing]) -> str:
        """Hand the documents over; a reference of the deposit (a folder, a platform's receipt)."""
        ...


def manifest(outgoing: list[Outgoing]) -> str:
    """One line per document: what a platform or a person depositing on Chorus Pro needs to check."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["number", "type", "issued_on", "buyer", "buyer_siret", "purchase_order",
                     "buyer_reference", "total_incl", "currency", "file"])  # fmt: skip
    for item in outgoing:
        invoice = item.invoice
        buyer = invoice.buyer
        writer.writerow([
            invoice.number, "381" if invoice.kind == "credit_note" else "380",
            invoice.issued_at.astimezone(INVOICE_ZONE).date().isoformat(),
            buyer.get("organisation") or buyer.get("name", ""), buyer.get("siret", ""),
            buyer.get("purchase_order", ""), buyer.get("buyer_reference", ""),
            f"{invoice.total_incl_cents / 100:.2f}", invoice.currency, f"{invoice.number}.pdf",
        ])  # fmt: skip
    return buffer.getvalue()


@dataclass(frozen=True)
class FileTransmitter:
    """Writes `<root>/<organisation>/<day>/<number>.pdf` and `manifest.csv`."""

    root: Path

    async def send(self, organisation: Organisation, day: date, outgoing: list[Outgoing]) -> str:
        folder = self.root / organisation.slug / day.isoformat()
        await asyncio.to_thread(self._write, folder, outgoing)
        return str(folder)

    @staticmethod
    def _write(folder: Path, outgoing: list[Outgoing]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for item in outgoing:
            (folder / f"{item.invoice.number}.pdf").write_bytes(item.pdf)
        with (folder / "manifest.csv").open("a", encoding="utf-8", newline="") as file:
            file.write(manifest(outgoing))


def default_transmitter() -> Transmitter:
    return FileTransmitter(settings.einvoice_dir)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=INVOICE_ZONE)
    return start, start + timedelta(days=1)


async def documents_of_day(organisation_id: int, day: date) -> list[Invoice]:
    start, end = day_bounds(day)
    return await Invoice.filter(
        organisation_id=organisation_id, issued_at__gte=start, issued_at__lt=end
    ).order_by("year", "sequence")


async def rendered(found: list[Invoice]) -> list[Outgoing]:
    return [Outgoing(invoice, await documents.render(invoice)) for invoice in found]


async def export_day(organisation: Organisation, day: date, transmitter: Transmitter) -> list[Invoice]:
    """Hand over the day's documents not handed over yet; the ones sent."""
    pending = [i for i in await documents_of_day(organisation.id, day) if i.transmitted_at is None]
    if not pending:
        return []
    async with in_transaction():
        taken = await Invoice.filter(id__in=[i.id for i in pending], transmitted_at__isnull=True).update(
            transmitted_at=clock.now()
        )
        if taken != len(pending):  # another worker is sending them
            raise RuntimeError("documents already being transmitted")
        reference = await transmitter.send(organisation, day, await rendered(pending))
    logger.info("e-invoicing: %d documents of %s handed over (%s)", len(pending), day, reference)
    return pending


async def export_yesterday() -> int:
    """The worker's daily hand-over: every organisation's documents of the day before (Paris time)."""
    yesterday = clock.now().astimezone(INVOICE_ZONE).date() - timedelta(days=1)
    sent = 0
    for organisation in await Organisation.filter(invoices__issued_at__isnull=False).distinct():
        sent += len(await export_day(organisation, yesterday, default_transmitter()))
    return sent
