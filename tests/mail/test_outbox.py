"""The outbox: written in the caller's transaction, delivered at least once and never twice by two workers."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

import settings as settings_module
from events import clock
from events.mail import attachments, services, smtp
from events.mail.models import MailStatus, OutboxMessage
from tests.mail.conftest import REFUSED, Sink

pytestmark = pytest.mark.usefixtures("app")

T0 = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


async def _enqueue(n: int = 1, **overrides: Any) -> OutboxMessage:
    values: dict[str, Any] = {
        "kind": "test",
        "to": f"attendee{n}@example.org",
        "subject": f"Votre inscription n°{n} — Congrès Santé",
        "text": f"Bonjour, message {n}.",
        "html": f"<p>Bonjour, message <b>{n}</b>.</p>",
        "locale": "fr",
    }
    values.update(overrides)
    message = await services.enqueue(**values)
    assert message is not None
    return message


async def test_enqueued_message_arrives_once_with_utf8_subject_text_and_html(smtp_to_sink: Sink) -> None:
    await _enqueue(1)
    assert await services.send_pending() == 1
    [(sender, recipients, email)] = smtp_to_sink.received
    assert sender == "billetterie@colloque.example"
    assert recipients == ["attendee1@example.org"]
    assert email["To"] == "attendee1@example.org"
    assert email["Subject"] == "Votre inscription n°1 — Congrès Santé"
    assert email.get_content_type() == "multipart/alternative"
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None and text.get_content().strip() == "Bonjour, message 1."
    assert html is not None and "<b>1</b>" in html.get_content()
    stored = await OutboxMessage.get()
    assert stored.status == MailStatus.SENT
    assert stored.sent_at is not None


async def test_same_dedupe_key_enqueues_one_message() -> None:
    first = await services.enqueue(kind="test", to="a@example.org", subject="S", text="T", dedupe_key="k:1")
    second = await services.enqueue(kind="test", to="a@example.org", subject="S", text="T", dedupe_key="k:1")
    assert first is not None
    assert second is None
    assert await OutboxMessage.all().count() == 1


async def test_known_dedupe_key_leaves_the_callers_transaction_usable() -> None:
    await _enqueue(1, dedupe_key="order-confirmation:ABC")
    async with in_transaction():
        again = await services.enqueue(
            kind="t", to="b@example.org", subject="S", text="T", dedupe_key="order-confirmation:ABC"
        )
        assert again is None
        await _enqueue(2, dedupe_key="order-confirmation:DEF")
    assert await OutboxMessage.all().count() == 2


async def test_message_rolls_back_with_the_change_that_caused_it() -> None:
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await _enqueue(1)
            raise RuntimeError("the order could not be placed")
    assert await OutboxMessage.all().count() == 0


async def test_message_committed_before_a_crash_is_sent_by_a_later_run_exactly_once(
    smtp_to_sink: Sink,
) -> None:
    async with in_transaction():
        await _enqueue(1, dedupe_key="order-confirmation:XYZ")
    # The process dies here: committed, never sent. A later worker run picks it up.
    assert await services.send_pending() == 1
    assert await services.send_pending() == 0
    assert len(smtp_to_sink.messages) == 1


async def test_message_claimed_by_a_dead_worker_is_sent_when_its_lease_runs_out(smtp_to_sink: Sink) -> None:
    with clock.frozen(T0) as advance:
        await _enqueue(1)
        assert len(await services._claim(10)) == 1  # that worker dies before sending
        assert await services.send_pending() == 0
        advance(services.LEASE + timedelta(seconds=2))
        assert await services.send_pending() == 1
    assert len(smtp_to_sink.messages) == 1


async def test_worker_that_lost_its_lease_does_not_send(smtp_to_sink: Sink) -> None:
    with clock.frozen(T0) as advance:
        await _enqueue(1)
        [stalled] = await services._claim(10)
        advance(services.LEASE + timedelta(seconds=2))
        [taken_over] = await services._claim(10)
        assert not await services._renew_lease(stalled)
        assert await services._renew_lease(taken_over)


async def test_claims_of_a_worker_killed_mid_send_are_taken_over_within_a_minute(smtp_to_sink: Sink) -> None:
    with clock.frozen(T0) as advance:
        for n in range(50):
            await _enqueue(n)
        assert len(await services._claim(50)) == 50  # that worker is killed with all 50 claimed
        advance(timedelta(seconds=30))
        assert await services.send_pending() == 0
        advance(timedelta(seconds=30))
        assert await services.send_pending() == 50
    assert len(smtp_to_sink.messages) == 50
    assert await OutboxMessage.filter(status=MailStatus.SENT).count() == 50


async def test_heartbeat_keeps_a_live_workers_batch_past_its_first_lease(smtp_to_sink: Sink) -> None:
    with clock.frozen(T0) as advance:
        for n in range(3):
            await _enqueue(n)
        batch = await services._claim(10)
        advance(services.LEASE - timedelta(seconds=5))
        await services._heartbeat(batch[1:])
        advance(timedelta(seconds=10))  # the first lease has run out, the renewed one has not
        assert [m.id for m in await services._claim(10)] == [batch[0].id]
        assert all([await services._renew_lease(m) for m in batch[1:]])


async def test_unreachable_server_keeps_message_pending_then_it_is_sent(
    smtp_down: object, sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    with clock.frozen(T0) as advance:
        await _enqueue(1)
        assert await services.send_pending() == 0
        stored = await OutboxMessage.get()
        assert (stored.status, stored.attempts) == (MailStatus.PENDING, 1)
        assert "127.0.0.1" in stored.last_error
        assert stored.next_attempt_at == T0 + services.BACKOFF[0]

        monkeypatch.setattr(services.smtp, "smtp_config", sink.config)
        assert await services.send_pending() == 0  # backing off
        advance(services.BACKOFF[0])
        assert await services.send_pending() == 1
    assert len(sink.messages) == 1
    stored = await OutboxMessage.get()
    assert (stored.status, stored.attempts, stored.last_error) == (MailStatus.SENT, 2, "")


async def test_refused_recipient_fails_alone(smtp_to_sink: Sink) -> None:
    await _enqueue(1, to=REFUSED)
    await _enqueue(2)
    assert await services.send_pending() == 1
    refused = await OutboxMessage.get(to_address=REFUSED)
    assert (refused.status, refused.attempts) == (MailStatus.PENDING, 1)
    assert "550" in refused.last_error


async def test_message_is_marked_failed_after_the_last_attempt(smtp_down: object) -> None:
    with clock.frozen(T0) as advance:
        await _enqueue(1)
        for _attempt in range(services.MAX_ATTEMPTS):
            await services.send_pending()
            advance(timedelta(days=1))
    stored = await OutboxMessage.get()
    assert (stored.status, stored.attempts) == (MailStatus.FAILED, services.MAX_ATTEMPTS)


async def test_without_smtp_host_each_message_is_written_whole_to_the_outbox_folder(
    outbox_folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(attachments, "_builders", dict(attachments._builders))

    async def ticket_pdf(spec: dict[str, Any]) -> tuple[str, str, bytes]:
        return "billet.pdf", "application/pdf", b"%PDF-1.7 billet"

    attachments.register_attachment("test_pdf", ticket_pdf)
    await _enqueue(1, attachments=[{"kind": "test_pdf"}])
    with caplog.at_level(logging.INFO, logger="events.mail"):
        assert await services.send_pending() == 1
        assert await services.send_pending() == 0
    [written] = sorted(outbox_folder.glob("*.eml"))
    email = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert isinstance(email, EmailMessage)
    assert email["To"] == "attendee1@example.org"
    assert email["Subject"] == "Votre inscription n°1 — Congrès Santé"
    assert email["Message-ID"]
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None and text.get_content().strip() == "Bonjour, message 1."
    assert html is not None and "<b>1</b>" in html.get_content()
    [pdf] = list(email.iter_attachments())
    assert (pdf.get_filename(), pdf.get_content()) == ("billet.pdf", b"%PDF-1.7 billet")
    stored = await OutboxMessage.get()
    assert (stored.status, stored.attempts) == (MailStatus.SENT, 1)
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert not [line for line in info if "attendee1@example.org" in line]  # no address at INFO


async def test_an_outbox_folder_that_cannot_be_written_keeps_messages_pending(
    outbox_folder: Path,
) -> None:
    outbox_folder.parent.mkdir(parents=True, exist_ok=True)
    outbox_folder.write_text("a file where the folder should be")
    await _enqueue(1)
    assert await services.send_pending() == 0
    stored = await OutboxMessage.get()
    assert (stored.status, stored.attempts) == (MailStatus.PENDING, 1)
    assert stored.last_error


def test_without_smtp_host_mail_is_said_to_go_to_the_outbox_folder(
    outbox_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings_module, "ROOT", outbox_folder.parent)
    assert smtp.destination() == f"mail: SMTP_HOST is not set, each message is written to outbox{os.sep}*.eml"


def test_the_server_names_the_smtp_server_when_one_is_set(smtp_to_sink: Sink) -> None:
    assert smtp.destination() == f"mail: sent through the SMTP server 127.0.0.1:{smtp_to_sink.port}"


async def test_registered_attachment_arrives_attached(
    smtp_to_sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "_builders", dict(attachments._builders))

    async def ticket_pdf(spec: dict[str, Any]) -> tuple[str, str, bytes]:
        return f"billet-{spec['order']}.pdf", "application/pdf", b"%PDF-1.7 " + spec["order"].encode()

    services.register_attachment("ticket_pdf", ticket_pdf)
    await _enqueue(1, attachments=[{"kind": "ticket_pdf", "order": "ABC123"}])
    assert await services.send_pending() == 1
    [email] = smtp_to_sink.messages
    assert email.get_content_type() == "multipart/mixed"
    [attached] = list(email.iter_attachments())
    assert attached.get_filename() == "billet-ABC123.pdf"
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content() == b"%PDF-1.7 ABC123"
    assert email.get_body(("html",)) is not None


async def test_unknown_attachment_kind_is_skipped_and_the_message_still_sent(smtp_to_sink: Sink) -> None:
    await _enqueue(1, attachments=[{"kind": "no_such_kind"}])
    assert await services.send_pending() == 1
    [email] = smtp_to_sink.messages
    assert list(email.iter_attachments()) == []


async def test_failing_attachment_builder_retries_the_message_later(
    smtp_to_sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "_builders", dict(attachments._builders))

    async def broken(spec: dict[str, Any]) -> tuple[str, str, bytes]:
        raise OSError("disk full")

    services.register_attachment("invoice_pdf", broken)
    await _enqueue(1, attachments=[{"kind": "invoice_pdf", "invoice": 1}])
    assert await services.send_pending() == 0
    stored = await OutboxMessage.get()
    assert (stored.status, stored.attempts) == (MailStatus.PENDING, 1)
    assert "disk full" in stored.last_error
    assert smtp_to_sink.messages == []


async def test_attachment_without_kind_is_refused_at_enqueue() -> None:
    with pytest.raises(ValueError, match="kind"):
        await _enqueue(1, attachments=[{"order": 1}])


@pytest.mark.usefixtures("mail_templates")
async def test_template_is_rendered_in_the_recipients_language(smtp_to_sink: Sink) -> None:
    context = {"greeting": "Bienvenue", "name": "Zoé", "order_url": "http://testserver/orders/A/s"}
    message = await services.enqueue_template(
        "mail_test/welcome", to="zoe@example.org", locale="fr", context=context, kind="welcome"
    )
    assert message is not None
    assert message.subject == "Colloque · Bienvenue, Zoé (fr)"
    assert message.locale == "fr"
    assert "Bienvenue, Zoé!" in message.text_body
    assert "http://testserver/orders/A/s" in message.text_body
    assert "inscriptions et billetterie pour la recherche" in message.text_body
    assert '<html lang="fr">' in message.html_body
    assert 'href="http://testserver/orders/A/s"' in message.html_body
    assert "Zoé" in message.html_body
    assert await services.send_pending() == 1


@pytest.mark.usefixtures("mail_templates")
async def test_template_with_a_known_dedupe_key_is_not_enqueued_again() -> None:
    context = {"greeting": "Hello", "name": "Ann", "order_url": "http://testserver/o"}
    for _ in range(2):
        await services.enqueue_template(
            "mail_test/welcome", to="a@example.org", locale="en", context=context, kind="w", dedupe_key="w:1"
        )
    [message] = await OutboxMessage.all()
    assert '<html lang="en">' in message.html_body
    assert "event registration and ticketing" in message.text_body


async def test_html_escapes_what_the_context_brings(mail_templates: None) -> None:
    context = {"greeting": "Hi", "name": "<script>x</script>", "order_url": "http://testserver/o"}
    message = await services.enqueue_template(
        "mail_test/welcome", to="a@example.org", locale="en", context=context, kind="w"
    )
    assert message is not None
    assert "<script>x</script>" not in message.html_body
    assert "&lt;script&gt;" in message.html_body


# ---------------------------------------------------------------- several workers (PostgreSQL)


@pytest.mark.postgres_only
async def test_concurrent_workers_never_send_the_same_message(smtp_to_sink: Sink) -> None:
    for n in range(40):
        await _enqueue(n)

    async def worker() -> int:
        sent = 0
        while batch := await services.send_pending(limit=3):
            sent += batch
        return sent

    counts = await asyncio.gather(*(worker() for _ in range(4)))
    assert sum(counts) == 40
    recipients = sorted(str(email["To"]) for email in smtp_to_sink.messages)
    assert recipients == sorted(f"attendee{n}@example.org" for n in range(40))
    assert await OutboxMessage.filter(status=MailStatus.SENT).count() == 40


@pytest.mark.postgres_only
async def test_concurrent_enqueue_of_one_key_keeps_the_second_transaction(app: Starlette) -> None:
    first_inserted = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with in_transaction():
            await _enqueue(1, dedupe_key="order-confirmation:RACE")
            first_inserted.set()
            await release_first.wait()

    async def second() -> OutboxMessage | None:
        await first_inserted.wait()
        async with in_transaction():
            duplicate = await services.enqueue(
                kind="t", to="b@example.org", subject="S", text="T", dedupe_key="order-confirmation:RACE"
            )
            await _enqueue(2)
        return duplicate

    racing = asyncio.create_task(second())
    await asyncio.gather(first(), _release_after(release_first, 0.3))
    assert await racing is None
    assert await OutboxMessage.all().count() == 2


async def _release_after(event: asyncio.Event, seconds: float) -> None:
    await asyncio.sleep(seconds)
    event.set()
