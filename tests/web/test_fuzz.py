"""Schemathesis over every /api/v1 operation of the app under uvicorn: no 5xx, every answer as documented.

Bounded for the suite (a few derandomised examples per operation); `make fuzz` runs it longer through
`FUZZ_EXAMPLES`. The server has an organisation with a published event, a ticket type and a door token, so
the fuzzer reaches past the 404s; it calls with the organiser's token, then the door operations with the
door token. The PostgreSQL pass (`COLLOQUE_TEST_BACKEND=postgres`) serves from a database of its own, built
by the real migrations, since PostgreSQL refuses what SQLite lets through (NUL bytes, integers beyond a
column's range, over-long strings).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from settings import ROOT
from tests.conftest import BACKEND, _create_pg_database, _drop_pg_database, _server_url
from tests.web.test_server_logs import OWNER, PASSWORD, _free_port, _run, _start, _wait

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
PHASES = "examples,coverage,fuzzing,stateful"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


class Served:
    def __init__(self, base: str, organiser: str, door: str) -> None:
        self.base, self.organiser, self.door = base, organiser, door


def _seed(base: str) -> tuple[str, str]:
    """An event the fuzzer can reach, and the two tokens it calls with."""
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.post("/api/v1/auth/token", json={"email": OWNER, "password": PASSWORD}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        dates = {"starts_at": "2030-03-10T09:00:00", "ends_at": "2030-03-10T18:00:00"}
        slug = http.post(
            "/api/v1/events", headers=auth, json={"title": "Fuzz", "slug": "fuzz", **dates}
        ).json()["slug"]
        http.post(f"/api/v1/events/{slug}/ticket-types", headers=auth, json={"name": "Pass", "price": "0.00"})
        http.post(f"/api/v1/events/{slug}/publish", headers=auth)
        door = http.post(f"/api/v1/events/{slug}/door-tokens", headers=auth, json={"name": "Door A"}).json()
        return token, str(door["token"])


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """The served app's own database: a file, or on the PostgreSQL pass a new database dropped afterwards."""
    if BACKEND != "postgres":
        yield f"sqlite://{tmp_path}/app.sqlite3"
        return
    server = os.environ.get("TEST_DATABASE_URL", "")
    try:
        name = asyncio.run(_create_pg_database(server))
    except Exception as error:  # no server: the same skip as every other PostgreSQL test
        pytest.skip(f"PostgreSQL not reachable at TEST_DATABASE_URL ({error.__class__.__name__})")
    try:
        yield _server_url(server, name)
    finally:
        asyncio.run(_drop_pg_database(server, name))


@pytest.fixture
def served(tmp_path: Path, database: str) -> Iterator[Served]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "COLLOQUE_"))},
        "DATABASE_URL": database,
        "HOST": "127.0.0.1", "PORT": str(port), "BASE_URL": base,
        "ORDER_THROTTLE": "0", "MAX_HELD_PLACES": "0",
    }  # fmt: skip
    _run([sys.executable, "main.py", "migrate"], env)
    _run([sys.executable, "main.py", "create-organiser", "--organisation", "Fuzz", "--email", OWNER,
          "--password", PASSWORD], env)  # fmt: skip
    with (tmp_path / "server.log").open("wb") as out:
        app = _start([sys.executable, "main.py", "serve"], env, out)
        try:
            _wait(f"{base}/healthz", app)
            yield Served(base, *_seed(base))
        finally:
            app.terminate()
            app.wait(timeout=20)


def _schemathesis(served: Served, token: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{served.base}/api/v1/openapi.json",
        "--url", served.base, "--phases", PHASES, "--checks", CHECKS,
        "--max-examples", str(EXAMPLES), "--seed", "1", "--generation-deterministic", "--no-color",
        "--workers", "1", "--request-timeout", "30", "--warnings", "off",
        "-H", f"Authorization: Bearer {token}", *extra,
    ]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603


def test_fuzzer_finds_no_server_error_and_no_schema_mismatch(served: Served) -> None:
    organiser = _schemathesis(served, served.organiser)
    assert organiser.returncode == 0, organiser.stdout[-20000:]
    door = _schemathesis(served, served.door, "--include-path-regex", "/(scan|offline|checkin)")
    assert door.returncode == 0, door.stdout[-20000:]
