"""A real SMTP server for the mail tests (aiosmtpd on a free local port) and test-only mail templates."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from jinja2 import ChoiceLoader, FileSystemLoader

import settings as settings_module
from events.mail import smtp
from events.web.templating import environment

REFUSED = "refused@example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sink:
    """Collects what the SMTP server accepted; refuses `REFUSED` at RCPT time like a real server would."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self._lock = threading.Lock()
        self.port = 0

    # aiosmtpd calls its hooks handle_RCPT and handle_DATA.
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [message for _sender, _rcpt, message in self.received]

    def config(self) -> smtp.SmtpConfig:
        return smtp.SmtpConfig(
            host="127.0.0.1",
            port=self.port,
            username=None,
            password=None,
            starttls=False,
            mail_from="Colloque <billetterie@colloque.example>",
            timeout=5.0,
        )


@pytest.fixture
def sink() -> Iterator[Sink]:
    """A running SMTP server; the outbox is pointed at it."""
    collector = Sink()
    collector.port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=collector.port)
    controller.start()
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def smtp_to_sink(sink: Sink, monkeypatch: pytest.MonkeyPatch) -> Sink:
    monkeypatch.setattr(smtp, "smtp_config", sink.config)
    return sink


@pytest.fixture
def smtp_down(monkeypatch: pytest.MonkeyPatch) -> smtp.SmtpConfig:
    """An SMTP target where nothing listens."""
    down = smtp.SmtpConfig("127.0.0.1", free_port(), None, None, False, "Colloque <a@colloque.example>", 2.0)
    monkeypatch.setattr(smtp, "smtp_config", lambda: down)
    return down


@pytest.fixture(autouse=True)
def outbox_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Without an SMTP server, messages land in this test's own folder."""
    folder = tmp_path / "outbox"
    monkeypatch.setattr(settings_module, "settings", replace(settings_module.settings, outbox_dir=folder))
    return folder


@pytest.fixture
def mail_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test-only mail templates (under tests/mail/templates) beside the real ones."""
    here = FileSystemLoader(Path(__file__).parent / "templates")
    assert environment.loader is not None
    monkeypatch.setattr(environment, "loader", ChoiceLoader([here, environment.loader]))
