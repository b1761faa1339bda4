"""0022_sesstype: sessions already there stay open to every ticket type, and can then be limited."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_migration_bilingual import _insert, _migrate

pytestmark = pytest.mark.sqlite_only


def test_existing_sessions_keep_their_bookings_and_are_open_to_every_type(tmp_path: Path) -> None:
    _migrate(tmp_path, "models.0020_brand")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        organisation = _insert(db, "organisation", {"slug": "a"})
        event = _insert(db, "event", {"organisation_id": organisation, "title": "Forum", "status": "draft"})
        kind = _insert(db, "ticket_type", {"event_id": event, "name": "Pass"})
        session = _insert(db, "session", {"event_id": event, "title": "Atelier", "capacity": 10})
        order = _insert(db, "order", {"event_id": event, "code": "ABC234", "status": "paid"})
        ticket = _insert(
            db, "ticket",
            {"order_id": order, "event_id": event, "ticket_type_id": kind, "status": "valid",
             "answers": "{}"},
        )  # fmt: skip
        _insert(db, "session_booking", {"session_id": session, "ticket_id": ticket})
    _migrate(tmp_path, "")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        assert db.execute("SELECT id, title, capacity FROM session").fetchall() == [(session, "Atelier", 10)]
        assert db.execute("SELECT session_id, ticket_id FROM session_booking").fetchall() == [
            (session, ticket)
        ]
        assert db.execute("SELECT * FROM session_ticket_type").fetchall() == []
        db.execute(
            "INSERT INTO session_ticket_type (session_id, tickettype_id) VALUES (?, ?)", (session, kind)
        )
        assert db.execute("SELECT session_id, tickettype_id FROM session_ticket_type").fetchall() == [
            (session, kind)
        ]
