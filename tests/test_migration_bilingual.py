"""0012_bilingual: the texts written before translation existed stay, read as French, with no English."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.sqlite_only

_MIGRATE = """
import asyncio, sys
from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate
from settings import tortoise_config

async def run(target):
    await migrate(config=tortoise_config(), target=target or None)
    await Tortoise.close_connections()

asyncio.run(run(sys.argv[1]))
"""


def _migrate(tmp_path: Path, target: str) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/m.sqlite3"}
    done = subprocess.run(  # noqa: S603 — our own migrations, fixed arguments
        [sys.executable, "-c", _MIGRATE, target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _insert(db: sqlite3.Connection, table: str, values: dict[str, object]) -> int:
    """A row with every NOT NULL column without a default filled in, as an older release wrote it."""
    row = dict(values)
    for _cid, name, kind, notnull, default, pk in db.execute(f'PRAGMA table_info("{table}")'):
        if name in row or pk or not notnull or default is not None:
            continue
        upper = str(kind).upper()
        if "INT" in upper or "BOOL" in upper:
            row[name] = 0
        elif "REAL" in upper or "FLOAT" in upper:
            row[name] = 0.0
        elif "TIMESTAMP" in upper or "DATE" in upper:
            row[name] = "2027-04-01 09:00:00+00:00"
        else:
            row[name] = f"{name}-x"
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    cursor = db.execute(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', tuple(row.values()))  # noqa: S608
    return int(cursor.lastrowid or 0)


def test_existing_texts_are_kept_as_french(tmp_path: Path) -> None:
    _migrate(tmp_path, "models.0010_door")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        organisation = _insert(db, "organisation", {})
        event = _insert(
            db,
            "event",
            {
                "organisation_id": organisation,
                "title": "Pass santé",
                "description": "Deux jours",
                "venue": "Palais",
                "status": "draft",
            },
        )
        _insert(db, "ticket_type", {"event_id": event, "name": "Pass 2 jours", "description": "Tout"})
    _migrate(tmp_path, "")
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        assert db.execute(
            "SELECT title, title_en, description, description_en, venue, venue_en FROM event"
        ).fetchall() == [("Pass santé", "", "Deux jours", "", "Palais", "")]
        assert db.execute(
            "SELECT name, name_en, description, description_en FROM ticket_type"
        ).fetchall() == [("Pass 2 jours", "", "Tout", "")]
