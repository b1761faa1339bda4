"""The outbox: enqueue e-mails inside the caller's transaction, send them later from a worker.

Why a table and not a direct SMTP call: the e-mail must exist if and only if the change that caused it
committed (an order confirmation for an order that rolled back is a lie; a paid order without its
confirmation is a lost ticket). So callers enqueue in their own transaction, and `send_pending` delivers
at least once: a crash after the SMTP server accepted a message but before it was marked sent delivers it
again (with the same Message-ID), never zero times.

A message's life:

    pending ──SMTP accepted──▶ sent
       │ ▲
       │ └── failure: attempts + 1, next_attempt_at backs off (1, 5, 15, 60 min … 12 h)
       └──── MAX_ATTEMPTS failures ──▶ failed (kept with its last_error, for a person to look at)

Several workers (PostgreSQL): a worker claims due rows with `SELECT … FOR UPDATE SKIP LOCKED` and, in the
same short transaction, moves their `next_attempt_at` a lease into the future, so no other worker sees
them as due while it sends. The lease also works as a fencing token: before each message the worker
renews it only if the row still holds the exact value it wrote, so a worker that stalled past its lease
cannot send a message another worker has taken over. The lease is short (`LEASE`, under a minute) and
renewed as a heartbeat while the worker sends: after each message, the rest of its batch gets a fresh
lease in one statement (again only where the row still holds its token). So a live worker keeps its
batch however long it takes, and a worker that dies mid-batch leaves its rows to be taken over by
another within a minute. A single message whose sending outlasts the lease (SMTP timeout plus its
attachments) may be sent twice, with the same Message-ID: at least once, never zero times.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

import settings as settings_module
from events import clock, i18n
from events.accounts import branding
from events.mail import attachments, smtp
from events.mail.attachments import register_attachment
from events.mail.models import MailStatus, OutboxMessage
from events.mail.sender import sender_of
from events.web.secret_urls import scrub
from events.web.templating import environment

__all__ = ["enqueue", "enqueue_template", "register_attachment", "render_template", "send_pending"]

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720))
LEASE = timedelta(seconds=45)
SUBJECT_LENGTH = 300
ERROR_LENGTH = 2000


def _validate_attachments(specs: list[dict[str, object]]) -> list[dict[str, object]]:
    for spec in specs:
        if not isinstance(spec.get("kind"), str):
            raise ValueError(f"an attachment needs a 'kind': {spec!r}")
    return specs


def _message(
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    locale: str,
    dedupe_key: str | None,
    attachments: list[dict[str, object]] | None,
) -> OutboxMessage:
    """An unsaved pending message, its subject on one line and within the column's length."""
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    return OutboxMessage(
        kind=kind,
        dedupe_key=dedupe_key,
        to_address=to.strip(),
        subject=subject,
        text_body=text,
        html_body=html,
        locale=locale,
        attachments=_validate_attachments(attachments or []),
        status=MailStatus.PENDING,
        next_attempt_at=clock.now(),
    )


async def enqueue(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    locale: str = "fr",
    dedupe_key: str | None = None,
    attachments: list[dict[str, object]] | None = None,
) -> OutboxMessage | None:
    """Write a pending message in the current transaction; None when `dedupe_key` was already enqueued.

    The existence check comes first because a unique violation aborts a PostgreSQL transaction. The
    insert runs in a savepoint, so that the unique constraint (the last safety net, against a concurrent
    transaction enqueueing the same key) costs the caller nothing but this message.
    """
    if await _already_enqueued(dedupe_key):
        return None
    return await _insert(_message(kind, to, subject, text, html, locale, dedupe_key, attachments))


async def _already_enqueued(dedupe_key: str | None) -> bool:
    return dedupe_key is not None and await OutboxMessage.filter(dedupe_key=dedupe_key).exists()


async def _insert(message: OutboxMessage) -> OutboxMessage | None:
    """Save in a savepoint; None when a concurrent transaction enqueued the same dedupe key first."""
    try:
        async with in_transaction():
            await message.save()
            return message
    except IntegrityError:
        if message.dedupe_key is None:
            raise
        return None


def render_template(template: str, *, locale: str, context: dict[str, object]) -> tuple[str, str, str]:
    """(subject, text, html) of `templates/{template}.subject.txt|.txt|.html` in the reader's language.

    Mail has no request, so `url_for` does not exist here: callers pass absolute URLs (built on
    `base_url`, which every template also receives). The layout's header and footer name `sender`
    (a `Sender`, see `sender_of`); without one they name only Colloque.
    """
    values = {"base_url": settings_module.settings.base_url, "locale": locale, "sender": None, **context}
    with i18n.use_locale(locale):
        subject = environment.get_template(f"{template}.subject.txt").render(values)
        text = environment.get_template(f"{template}.txt").render(values)
        html = environment.get_template(f"{template}.html").render(values)
    return " ".join(subject.split()), text.strip() + "\n", html


async def with_sender(context: dict[str, object], organisation_id: int | None = None) -> dict[str, object]:
    """The context with what the layout shows of the organisation: its `sender` (name and contact) and its
    `brand` (logo and colour, see mail/_brand.html), unless the caller already set them."""
    if organisation_id is None:
        organisation_id = getattr(context.get("event"), "organisation_id", None)
    out = dict(context)
    if "sender" not in out:
        out["sender"] = await sender_of(organisation_id)
    if "brand" not in out and isinstance(organisation_id, int):
        out["brand"] = await branding.brand(organisation_id)
    return out


def prepare_template(
    template: str,
    *,
    to: str,
    locale: str,
    context: dict[str, object],
    kind: str,
    dedupe_key: str | None = None,
    attachments: list[dict[str, object]] | None = None,
) -> OutboxMessage:
    """A rendered, unsaved message: render outside a hot transaction, then `save()` it inside.

    The context's `sender` comes from the caller here (`with_sender`): rendering does not query.

    For a message whose dedupe key is new by construction (a brand-new order's confirmation), the
    save is one insert, with no existence check and no savepoint.
    """
    subject, text, html = render_template(template, locale=locale, context=context)
    return _message(kind, to, subject, text, html, locale, dedupe_key, attachments)


async def enqueue_template(
    template: str,
    *,
    to: str,
    locale: str,
    context: dict[str, object],
    kind: str,
    dedupe_key: str | None = None,
    attachments: list[dict[str, object]] | None = None,
    organisation_id: int | None = None,
) -> OutboxMessage | None:
    """Render a mail template in the recipient's language and enqueue it (see `enqueue`).

    The sender is the organisation of `organisation_id`, or else of the context's `event`.
    """
    if await _already_enqueued(dedupe_key):
        return None
    message = prepare_template(
        template,
        to=to,
        locale=locale,
        context=await with_sender(context, organisation_id),
        kind=kind,
        dedupe_key=dedupe_key,
        attachments=attachments,
    )
    return await _insert(message)


# ---------------------------------------------------------------- sending


async def send_pending(limit: int = 50) -> int:
    """Send up to `limit` due messages; the number sent. Without an SMTP server, each is written to
    the outbox folder as an `.eml` file instead (`smtp.transport`)."""
    claimed = await _claim(limit)
    if not claimed:
        return 0
    sent = 0
    async with smtp.transport() as mailer:
        for index, message in enumerate(claimed):
            try:
                sent += await _deliver(mailer, message)
                await _heartbeat(claimed[index + 1 :])
            except smtp.Unreachable as error:
                logger.warning(
                    "outbox: mail cannot go out, %d messages wait: %s", len(claimed) - index, error
                )
                for waiting in claimed[index:]:
                    await _record_failure(waiting, error)
                break
    return sent


def _lease_until() -> datetime:
    """A lease end that is also this claim's token: random microseconds keep two claims apart."""
    return clock.now() + LEASE + timedelta(microseconds=secrets.randbelow(1_000_000))


async def _claim(limit: int) -> list[OutboxMessage]:
    now = clock.now()
    lease = _lease_until()
    async with in_transaction():
        due = (
            await OutboxMessage.filter(status=MailStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        if due:
            await OutboxMessage.filter(id__in=[m.id for m in due]).update(next_attempt_at=lease)
    for message in due:
        message.next_attempt_at = lease
    return due


async def _heartbeat(waiting: list[OutboxMessage]) -> None:
    """Renew the lease of the batch's messages still to send, those still carrying the batch's token."""
    if not waiting:
        return
    token = waiting[0].next_attempt_at
    ours = [m for m in waiting if m.next_attempt_at == token]
    lease = _lease_until()
    await OutboxMessage.filter(
        id__in=[m.id for m in ours], status=MailStatus.PENDING, next_attempt_at=token
    ).update(next_attempt_at=lease)
    for message in ours:
        message.next_attempt_at = lease


async def _renew_lease(message: OutboxMessage) -> bool:
    """Extend our lease, only if the row still carries our token (nobody took it over)."""
    lease = _lease_until()
    renewed = await OutboxMessage.filter(
        id=message.id, status=MailStatus.PENDING, next_attempt_at=message.next_attempt_at
    ).update(next_attempt_at=lease)
    if renewed:
        message.next_attempt_at = lease
    return bool(renewed)


async def _deliver(mailer: smtp.Transport, message: OutboxMessage) -> int:
    """1 when sent, 0 when it failed (and will be retried) or is no longer ours."""
    if not await _renew_lease(message):
        logger.warning("outbox: message %s was taken over by another worker, skipped", message.id)
        return 0
    try:
        files = await attachments.resolve(message.attachments)
        email = smtp.build_message(message, mailer.mail_from, files)
        await mailer.send(email, message.to_address)
    except smtp.Unreachable:
        raise
    except Exception as error:  # any failure of one message (refused, attachment error) is retried later
        await _record_failure(message, error)
        return 0
    await OutboxMessage.filter(id=message.id, status=MailStatus.PENDING).update(
        status=MailStatus.SENT, sent_at=clock.now(), attempts=message.attempts + 1, last_error=""
    )
    logger.info("outbox: sent %s %s", message.kind, message.id)
    return 1


async def _record_failure(message: OutboxMessage, error: BaseException) -> None:
    attempts = message.attempts + 1
    status = MailStatus.FAILED if attempts >= MAX_ATTEMPTS else MailStatus.PENDING
    delay = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    reason = f"{error.__class__.__name__}: {error}"[:ERROR_LENGTH]
    await OutboxMessage.filter(id=message.id, status=MailStatus.PENDING).update(
        attempts=attempts, status=status, last_error=reason, next_attempt_at=clock.now() + delay
    )
    if status is MailStatus.FAILED:
        logger.error("outbox: giving up on %s %s: %s", message.kind, message.id, scrub(reason))
    else:
        logger.warning(
            "outbox: attempt %d of %s %s failed: %s", attempts, message.kind, message.id, scrub(reason)
        )
