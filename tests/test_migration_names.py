"""0019_dash: names stored before first and last names existed are split once at their last space, and
the whole name is kept as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_migration_bilingual import _insert, _migrate

pytestmark = pytest.mark.sqlite_only

NAMES = ["Marie Curie", "Jean de La Fontaine", "Madonna", "Zoé Ébrard-Lefèvre", ""]


def test_existing_names_are_split_at_the_last_space_and_kept_whole(tmp_path: Path) -> None:
    _migrate(tmp_path, "models.0012_bilingual")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        organisation = _insert(db, "organisation", {})
        event = _insert(
            db, "event", {"organisation_id": organisation, "title": "Pass santé", "status": "draft"}
        )
        ticket_type = _insert(db, "ticket_type", {"event_id": event, "name": "Pass"})
        for n, name in enumerate(NAMES):
            order = _insert(db, "order", {"event_id": event, "code": f"C{n}", "secret": f"s{n}",
                                          "buyer_name": name, "status": "paid"})  # fmt: skip
            _insert(db, "ticket", {"order_id": order, "event_id": event, "ticket_type_id": ticket_type,
                                   "secret": f"t{n}", "agenda_token": f"a{n}", "attendee_name": name,
                                   "status": "valid"})  # fmt: skip
    _migrate(tmp_path, "")
    expected = [
        ("Marie Curie", "Marie", "Curie"),
        ("Jean de La Fontaine", "Jean de La", "Fontaine"),
        ("Madonna", "", "Madonna"),
        ("Zoé Ébrard-Lefèvre", "Zoé", "Ébrard-Lefèvre"),
        ("", "", ""),
    ]
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        tickets = db.execute(
            "SELECT attendee_name, attendee_first_name, attendee_last_name FROM ticket ORDER BY id"
        ).fetchall()
        orders = db.execute(
            'SELECT buyer_name, buyer_first_name, buyer_last_name FROM "order" ORDER BY id'
        ).fetchall()
    assert tickets == expected
    assert orders == expected
