"""Test set-up: the environment first, then the app; one fresh database per test.

Two backends, run in separate pytest processes (Tortoise keeps global state per connection name):
- SQLite (default): a new database file per test, tables created from the models;
- PostgreSQL (`COLLOQUE_TEST_BACKEND=postgres`, `TEST_DATABASE_URL`): one database per run built by
  the real migrations, emptied before each test. When no server answers, those tests skip.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

os.environ["SECRET_KEY"] = "test-secret-key-not-for-production"
os.environ["BASE_URL"] = "http://testserver"
os.environ["DEFAULT_LOCALE"] = "en"
os.environ["RUN_WORKER_IN_PROCESS"] = "false"
# The limits are off for every test but their own (tests/ticketing/test_limits.py turns them on).
os.environ["ORDER_THROTTLE"] = "0"
os.environ["MAX_HELD_PLACES"] = "0"
os.environ["EINVOICE_DIR"] = tempfile.mkdtemp(prefix="colloque-einvoices-")
os.environ["OUTBOX_DIR"] = tempfile.mkdtemp(prefix="colloque-outbox-")
for name in ("SMTP_HOST", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE"):
    os.environ.pop(name, None)
# Paid tickets need Stripe settings; the payment tests point the real library at a local fake.
os.environ["STRIPE_SECRET_KEY"] = "sk_test_colloque"
os.environ["STRIPE_WEBHOOK_SECRET"] = "whsec_colloque_test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The fake Stripe's address is fixed before the app reads its settings; it starts on first use.
FAKE_STRIPE_URL = f"http://127.0.0.1:{_free_port()}"
os.environ["STRIPE_API_BASE"] = FAKE_STRIPE_URL

import httpx  # noqa: E402
import pytest  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from events import cache  # noqa: E402
from events.payments.fake_stripe import FakeStripe  # noqa: E402
from main import create_app  # noqa: E402
from tests.invoicing.facturx_check import check_all_documents  # noqa: E402

BACKEND = os.environ.get("COLLOQUE_TEST_BACKEND", "sqlite")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_pg = pytest.mark.skip(reason="PostgreSQL-only test: this run uses SQLite")
    for item in items:
        if BACKEND == "sqlite" and "postgres_only" in item.keywords:
            item.add_marker(skip_pg)


def _server_url(url: str, database: str) -> str:
    base, _, _old = url.rpartition("/")
    return f"{base}/{database}"


async def _create_pg_database(url: str) -> str:
    import asyncpg

    name = f"colloque_test_{uuid.uuid4().hex[:10]}"
    dsn = url.replace("postgres://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn, timeout=5)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return name


async def _drop_pg_database(url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def _migrate(url: str) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate

    from settings import tortoise_config

    await migrate(config=tortoise_config(url))
    await Tortoise.close_connections()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database for this run, dropped at the end."""
    server = os.environ.get("TEST_DATABASE_URL", "")
    try:
        name = asyncio.run(_create_pg_database(server))
    except Exception as error:  # no server, refused, wrong credentials: say why and skip
        pytest.skip(f"PostgreSQL not reachable at TEST_DATABASE_URL ({error.__class__.__name__})")
    url = _server_url(server, name)
    asyncio.run(_migrate(url))
    url += "?minsize=1&maxsize=20"  # enough real connections for the concurrency tests
    yield url
    asyncio.run(_drop_pg_database(server, name))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if BACKEND == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite://{tmp_path}/colloque.sqlite3"


async def _empty_tables() -> None:
    from tortoise import Tortoise

    connection = Tortoise.get_connection("default")
    tables = [model._meta.db_table for model in Tortoise.apps["models"].values()]
    quoted = ", ".join(f'"{table}"' for table in tables)
    await connection.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[Starlette]:
    cache.clear_all()
    application = create_app(database_url, generate_schemas=BACKEND == "sqlite")
    async with application.router.lifespan_context(application):
        if BACKEND == "postgres":
            await _empty_tables()
        yield application
        await check_all_documents()  # every invoice and credit note made by the test is valid Factur-X


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture(scope="session")
def fake_stripe_server() -> Iterator[FakeStripe]:
    """The fake Stripe API (events/payments/fake_stripe.py) on 127.0.0.1, in a thread, for the whole run."""
    import uvicorn

    fake = FakeStripe(
        api_key=os.environ["STRIPE_SECRET_KEY"],
        webhook_secret=os.environ["STRIPE_WEBHOOK_SECRET"],
        public_url=FAKE_STRIPE_URL,
    )
    port = int(FAKE_STRIPE_URL.rsplit(":", 1)[1])
    config = uvicorn.Config(
        fake.app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        ws="none",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-stripe", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the fake Stripe server did not start")
        time.sleep(0.02)
    yield fake
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def fake_stripe(fake_stripe_server: FakeStripe) -> FakeStripe:
    """The fake Stripe, emptied for this test."""
    fake_stripe_server.reset()
    return fake_stripe_server
