"""A lost database is a 503 with Retry-After (HTML and JSON) and one log line, and the app recovers alone."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from events.web import outage
from main import create_app
from tests.factories import make_event, make_order, make_organiser, make_ticket_type

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _lost_connection(request: object) -> None:
    raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")


@pytest.mark.parametrize("path", ["/lost", "/api/v1/lost"])
async def test_lost_database_is_503_with_retry_after_and_no_traceback(
    app: Starlette, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    app.router.routes.insert(0, Route("/lost", _lost_connection))
    app.router.routes.insert(0, Route("/api/v1/lost", _lost_connection))
    outage.reporter.last = 0.0
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = [await client.get(path) for _ in range(5)]
    assert {a.status_code for a in answers} == {503}
    assert answers[0].headers["retry-after"] == str(outage.RETRY_AFTER)
    if path.startswith("/api/"):
        assert answers[0].json()["error"]["code"] == "unavailable"
    else:
        assert "text/html" in answers[0].headers["content-type"]
    assert not [r for r in caplog.records if r.exc_info]
    assert len([r for r in caplog.records if "database unavailable" in r.getMessage()]) == 1


# ---------------------------------------------------------------- a real PostgreSQL, stopped and restarted


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """A throwaway PostgreSQL cluster on its own port (never the shared server), owned by `postgres`."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="colloque-outage-"))
        self.data = self.root / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)  # noqa: S603

    def create(self) -> None:
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l",
                  str(self.root / "log"), "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"no PostgreSQL 15 server binaries in {PG_BIN}")
    cluster = Cluster()
    cluster.create()
    cluster.start()
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped by the test
            cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


async def _burst(client: httpx.AsyncClient, paths: list[str], rounds: int) -> list[httpx.Response]:
    answers: list[httpx.Response] = []

    async def one(path: str) -> None:
        for _ in range(rounds):
            answers.append(await client.get(path))

    await asyncio.gather(*(one(path) for path in paths * 4))
    return answers


@pytest.mark.postgres_only  # Tortoise keeps one dialect per process: this runs in the PostgreSQL pass
async def test_database_stopped_under_load_gives_503s_and_the_app_recovers_alone(
    cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(cluster.url + "?minsize=1&maxsize=8", generate_schemas=True)
    outage.reporter.last = 0.0
    async with app.router.lifespan_context(app):
        event = await make_event(await make_organiser(), published=True)
        order = await make_order(event, (await make_ticket_type(event)).id)
        paths = [f"/orders/{order.code}/{order.secret}", f"/api/v1/orders/{order.code}/{order.secret}"]
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            before = Counter(a.status_code for a in await _burst(client, paths, 3))
            stopping = asyncio.create_task(asyncio.to_thread(cluster.stop))
            during: Counter[int] = Counter()
            while not stopping.done():
                during.update(a.status_code for a in await _burst(client, paths, 1))
            await stopping
            down = await _burst(client, paths, 2)
            during.update(a.status_code for a in down)
            caplog.clear()
            await asyncio.to_thread(cluster.start)
            after: Counter[int] = Counter()
            for _ in range(50):
                after = Counter(a.status_code for a in await _burst(client, paths, 1))
                if set(after) == {200}:
                    break
                await asyncio.sleep(0.2)
    assert before == {200: 24}
    assert set(during) <= {200, 503} and during[503] > 0
    assert all(a.headers.get("retry-after") for a in down)
    assert set(after) == {200}
    # asyncpg's pool says once per retry that it cannot refill itself; no request logs a traceback.
    assert not [r for r in caplog.records if r.exc_info and not r.name.startswith("asyncpg")]
