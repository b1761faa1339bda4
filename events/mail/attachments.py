"""Attachments are described in the outbox row and built only when the message is sent.

A row stores `[{"kind": "ticket_pdf", "order_id": 12}, …]`, never the bytes: the row stays small, and a
ticket re-issued between enqueueing and sending is attached in its current state. Each kind's builder
is listed in `events.jobs.ATTACHMENT_BUILDERS`, which the sender reads before it resolves anything, so a
worker process that never loaded that area still knows every kind.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from events.mail.smtp import Attachment

logger = logging.getLogger(__name__)

AttachmentBuilder = Callable[[dict[str, object]], Awaitable[Attachment]]

_builders: dict[str, AttachmentBuilder] = {}


def register_attachment(kind: str, builder: AttachmentBuilder) -> None:
    """Make `kind` attachable; the builder gets the whole spec dict and returns (name, MIME type, bytes)."""
    _builders[kind] = builder


def load_builders() -> None:
    """Take in `events.jobs.ATTACHMENT_BUILDERS` (imported here: that list imports every area)."""
    from events.jobs import ATTACHMENT_BUILDERS

    for kind, builder in ATTACHMENT_BUILDERS.items():
        _builders.setdefault(kind, builder)


async def resolve(specs: list[dict[str, object]]) -> list[Attachment]:
    """Build every attachment of a message. An unknown kind is skipped with a warning (the message still
    matters more than the file); a builder's error propagates so that the whole message is retried."""
    load_builders()
    built: list[Attachment] = []
    for spec in specs:
        builder = _builders.get(str(spec.get("kind", "")))
        if builder is None:
            logger.warning("outbox: no builder for attachment %r, sent without it", spec)
            continue
        built.append(await builder(spec))
    return built
