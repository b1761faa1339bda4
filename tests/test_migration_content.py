"""0016_content: question options get keys, answers follow them, and no text written before is lost."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_migration_bilingual import _insert, _migrate

pytestmark = pytest.mark.sqlite_only


def _old_event(db: sqlite3.Connection) -> int:
    organisation = _insert(db, "organisation", {})
    return _insert(db, "event", {"organisation_id": organisation, "title": "Forum", "status": "draft"})


def test_option_texts_become_keys_and_answers_keep_their_meaning(tmp_path: Path) -> None:
    _migrate(tmp_path, "models.0012_bilingual")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        event = _old_event(db)
        diet = _insert(
            db,
            "question",
            {
                "event_id": event,
                "label": "Régime alimentaire",
                "kind": "choice",
                "options": json.dumps(["Végétarien", "Sans gluten"]),
            },
        )
        topics = _insert(
            db,
            "question",
            {
                "event_id": event,
                "label": "Thèmes",
                "kind": "multiple",
                "options": json.dumps(["Santé numérique", "Biotech"]),
            },
        )
        note = _insert(
            db, "question", {"event_id": event, "label": "Remarque", "kind": "text", "options": "[]"}
        )
        order = _insert(db, "order", {"event_id": event, "code": "ABC", "secret": "s1", "status": "paid"})
        kind = _insert(db, "ticket_type", {"event_id": event, "name": "Pass"})
        answers = {
            str(diet): "Sans gluten",
            str(topics): ["Biotech", "Santé numérique"],
            str(note): "Biotech",
        }
        _insert(
            db,
            "ticket",
            {
                "order_id": order,
                "event_id": event,
                "ticket_type_id": kind,
                "secret": "t1",
                "agenda_token": "a1",
                "attendee_name": "Ada",
                "answers": json.dumps(answers),
            },
        )
    _migrate(tmp_path, "")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        rows = db.execute("SELECT id, label, label_en, options FROM question ORDER BY id").fetchall()
        assert [(label, english) for _id, label, english, _o in rows] == [
            ("Régime alimentaire", ""),
            ("Thèmes", ""),
            ("Remarque", ""),
        ]
        assert json.loads(rows[0][3]) == [
            {"key": "vegetarien", "fr": "Végétarien", "en": ""},
            {"key": "sans-gluten", "fr": "Sans gluten", "en": ""},
        ]
        assert json.loads(rows[1][3]) == [
            {"key": "sante-numerique", "fr": "Santé numérique", "en": ""},
            {"key": "biotech", "fr": "Biotech", "en": ""},
        ]
        (stored,) = db.execute("SELECT answers FROM ticket").fetchone()
        assert json.loads(stored) == {
            str(diet): "sans-gluten",
            str(topics): ["biotech", "sante-numerique"],
            str(note): "Biotech",  # a free text that happens to read like an option is not touched
        }


def test_session_texts_are_kept_as_french(tmp_path: Path) -> None:
    _migrate(tmp_path, "models.0012_bilingual")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        event = _old_event(db)
        _insert(
            db,
            "session",
            {"event_id": event, "title": "Atelier IA", "description": "Pratique", "status": "scheduled"},
        )
    _migrate(tmp_path, "")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        assert db.execute("SELECT title, title_en, description, description_en FROM session").fetchall() == [
            ("Atelier IA", "", "Pratique", "")
        ]
