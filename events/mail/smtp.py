"""Turning an outbox row into a MIME message and handing it to the SMTP server, or to a folder.

The SMTP target is read from the settings at call time through `smtp_config()`, so that a test (or a
future per-organisation relay) can point it elsewhere without reloading anything. One `Mailer` keeps one
connection open for a whole batch: opening a TLS session per message is the slow part of sending.

Without an SMTP server (a laptop, a demo), a `FolderMailer` writes each message whole, as the SMTP
server would have received it, to `OUTBOX_DIR` (`data/outbox/*.eml`): a person trying Colloque opens
the confirmation, its HTML and its attached tickets in any mail client, and nothing waits forever.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from types import TracebackType
from typing import Protocol

import aiosmtplib

import settings as settings_module
from events import clock
from events.mail.models import OutboxMessage

logger = logging.getLogger(__name__)

Attachment = tuple[str, str, bytes]
"""(file name, MIME type, content) of one attached file."""

IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    mail_from: str
    timeout: float = 30.0


def smtp_config() -> SmtpConfig | None:
    """Where to send, or None when no SMTP server is configured (mail then waits in the outbox)."""
    current = settings_module.settings
    if not current.smtp_host:
        return None
    return SmtpConfig(
        host=current.smtp_host,
        port=current.smtp_port,
        username=current.smtp_username,
        password=current.smtp_password,
        starttls=current.smtp_starttls,
        mail_from=current.mail_from,
    )


def destination() -> str:
    """Where mail goes, said once when the server starts (no password in it)."""
    config = smtp_config()
    if config is not None:
        return f"mail: sent through the SMTP server {config.host}:{config.port}"
    folder = settings_module.settings.outbox_dir
    try:
        shown = folder.relative_to(settings_module.ROOT)
    except ValueError:
        shown = folder
    return f"mail: SMTP_HOST is not set, each message is written to {shown}{os.sep}*.eml"


class Unreachable(Exception):
    """The server could not be reached or refused the session: every remaining message must wait."""


def _domain(address: str) -> str:
    _name, email = parseaddr(address)
    return email.rpartition("@")[2] or "colloque.localhost"


def build_message(message: OutboxMessage, mail_from: str, attachments: list[Attachment]) -> EmailMessage:
    """text/plain and text/html as alternatives, attachments beside them, headers in UTF-8.

    The Message-ID is derived from the row, so a message sent twice after a crash (the outbox delivers at
    least once) carries the same identifier and mail clients can fold the copies together.
    """
    email = EmailMessage()
    email["From"] = mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    created = int(message.created_at.timestamp()) if message.created_at else 0
    email["Message-ID"] = f"<outbox.{message.id}.{created}@{_domain(mail_from)}>"
    email["Content-Language"] = message.locale
    email["Auto-Submitted"] = "auto-generated"
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    for filename, mime_type, content in attachments:
        maintype, _slash, subtype = mime_type.partition("/")
        email.add_attachment(content, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)
    return email


class Transport(Protocol):
    """What the sender needs of a way out: the From address, sending one message, closing."""

    @property
    def mail_from(self) -> str: ...

    async def __aenter__(self) -> Transport: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    async def send(self, email: EmailMessage, recipient: str) -> None: ...


class Mailer:
    """One SMTP session, opened on the first message and closed at the end of the batch."""

    def __init__(self, config: SmtpConfig) -> None:
        implicit_tls = config.port == IMPLICIT_TLS_PORT
        self.config = config
        self._client = aiosmtplib.SMTP(
            hostname=config.host,
            port=config.port,
            username=config.username,
            password=config.password,
            use_tls=implicit_tls,
            start_tls=config.starttls and not implicit_tls,
            timeout=config.timeout,
        )

    @property
    def mail_from(self) -> str:
        return self.config.mail_from

    async def __aenter__(self) -> Mailer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def send(self, email: EmailMessage, recipient: str) -> None:
        """Send one message; `Unreachable` when no session can be opened."""
        if not self._client.is_connected:
            try:
                await self._client.connect()
            except (aiosmtplib.SMTPException, OSError) as error:
                raise Unreachable(f"{self.config.host}:{self.config.port}: {error}") from error
        _name, sender = parseaddr(self.config.mail_from)
        await self._client.send_message(email, sender=sender, recipients=[recipient])

    async def close(self) -> None:
        if not self._client.is_connected:
            return
        try:
            await self._client.quit()
        except (aiosmtplib.SMTPException, OSError):
            self._client.close()


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_OUTBOX_ID = re.compile(r"<outbox\.(\d+)\.(\d+)@")


def file_name(email: EmailMessage) -> str:
    """Named after the Message-ID, so a message delivered twice (at least once) is one file, and sorted
    by time then id in a folder listing: `20270301-080000-000012`."""
    message_id = str(email["Message-ID"] or "")
    match = _OUTBOX_ID.match(message_id)
    if match is None:
        return _UNSAFE.sub("-", message_id).strip("-.") or "message"
    created = datetime.fromtimestamp(int(match[2]), UTC)
    return f"{created:%Y%m%d-%H%M%S}-{int(match[1]):06d}"


class FolderMailer:
    """No SMTP server: each message is written whole (RFC 5322, every part) to `folder/<name>.eml`.

    The file appears complete or not at all (written beside, then renamed), so a mail client or a test
    reading the folder never sees half a message. A folder that cannot be written is `Unreachable`:
    every message of the batch waits and is retried, as with an SMTP server that does not answer.
    """

    def __init__(self, folder: Path, mail_from: str) -> None:
        self.folder = folder
        self._mail_from = mail_from

    @property
    def mail_from(self) -> str:
        return self._mail_from

    async def __aenter__(self) -> FolderMailer:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    async def send(self, email: EmailMessage, recipient: str) -> None:
        path = self.folder / f"{file_name(email)}.eml"
        partial = path.with_suffix(".eml.part")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(email.as_bytes())
            partial.replace(path)
        except OSError as error:
            raise Unreachable(f"{self.folder}: {error}") from error
        logger.info("outbox: written to %s", path.name)


def transport() -> Transport:
    """The SMTP server when one is configured, else the outbox folder."""
    config = smtp_config()
    if config is not None:
        return Mailer(config)
    current = settings_module.settings
    return FolderMailer(current.outbox_dir, current.mail_from)
