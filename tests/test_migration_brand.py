"""0020_brand: one organisation look (colours kept, old logo addresses kept in the audit log) and the
folded search column filled for the attendees already there."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_migration_bilingual import _insert, _migrate

pytestmark = pytest.mark.sqlite_only


def test_existing_look_and_attendees_are_migrated(tmp_path: Path) -> None:
    _migrate(tmp_path, "models.0012_bilingual")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        branded = _insert(db, "organisation", {"slug": "a", "brand_colour": "#AA3300", "colour": ""})
        invoiced = _insert(
            db, "organisation", {"slug": "b", "brand_colour": "", "colour": "#112233",
                                 "logo_url": "https://example.org/logo.png"},
        )  # fmt: skip
        event = _insert(db, "event", {"organisation_id": branded, "title": "Forum", "status": "draft"})
        kind = _insert(db, "ticket_type", {"event_id": event, "name": "Pass"})
        order = _insert(db, "order", {"event_id": event, "code": "ABC234", "status": "paid"})
        _insert(
            db, "ticket",
            {"order_id": order, "event_id": event, "ticket_type_id": kind, "status": "valid",
             "attendee_name": "HÉLÈNE Dupont", "attendee_email": "H@Example.org",
             "attendee_organisation": "Université", "answers": "{}"},
        )  # fmt: skip
    _migrate(tmp_path, "")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        colours = dict(db.execute("SELECT id, colour FROM organisation").fetchall())
        assert colours == {branded: "#aa3300", invoiced: "#112233"}
        columns = {row[1] for row in db.execute("PRAGMA table_info(organisation)")}
        assert not {"brand_colour", "logo_url"} & columns
        retired = db.execute(
            "SELECT organisation_id, before FROM audit_entry WHERE action = 'organisation.logo_url_retired'"
        ).fetchall()
        assert [(row[0], json.loads(row[1])) for row in retired] == [
            (invoiced, {"logo_url": "https://example.org/logo.png"})
        ]
        assert db.execute("SELECT search_text FROM ticket").fetchall() == [
            ("helene dupont\nh@example.org\nuniversite",)
        ]
