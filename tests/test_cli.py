"""The command line of the contract: migrate, create-organiser, demo (on a fresh SQLite file)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.sqlite_only


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3"}
    return subprocess.run(  # noqa: S603 — our own CLI, fixed arguments
        [sys.executable, "main.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _tables(tmp_path: Path) -> set[str]:
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migrate_builds_the_schema_and_is_repeatable(tmp_path: Path) -> None:
    assert _cli(tmp_path, "migrate").returncode == 0
    assert {"event", "organisation", "user", "audit_entry"} <= _tables(tmp_path)
    assert _cli(tmp_path, "migrate").returncode == 0


def test_create_organiser_then_refuses_a_duplicate(tmp_path: Path) -> None:
    _cli(tmp_path, "migrate")
    args = ("create-organiser", "--organisation", "Pôle", "--email", "a@example.org")
    created = _cli(tmp_path, *args, "--password", "long enough password")
    assert created.returncode == 0, created.stderr
    again = _cli(tmp_path, *args, "--password", "long enough password")
    assert again.returncode == 2
    short = _cli(tmp_path, "create-organiser", "--organisation", "P", "--email", "b@example.org",
                 "--password", "short")  # fmt: skip
    assert short.returncode == 2
    assert "password" in short.stderr


def test_demo_loads_once_and_never_touches_a_database_with_data(tmp_path: Path) -> None:
    _cli(tmp_path, "migrate")
    first = _cli(tmp_path, "demo", "--if-empty")
    assert "password:" in first.stdout
    second = _cli(tmp_path, "demo", "--if-empty")
    assert second.returncode == 0
    assert "password" not in second.stdout
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("SELECT status FROM event").fetchall() == [("published",)]


def test_serve_says_at_start_where_mail_goes(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3", "PORT": str(port),
           "RUN_WORKER_IN_PROCESS": "false", "OUTBOX_DIR": str(tmp_path / "outbox")}  # fmt: skip
    env.pop("SMTP_HOST", None)
    said = ""
    with subprocess.Popen(
        [sys.executable, "main.py", "serve"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    ) as server:
        assert server.stderr is not None
        for line in server.stderr:  # uvicorn logs to stderr; the line comes before "startup complete"
            if "mail:" in line or "startup complete" in line.lower():
                said = line
                break
        server.terminate()
    assert f"each message is written to {tmp_path / 'outbox'}{os.sep}*.eml" in said
