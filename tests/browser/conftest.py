"""Browser tests: the real app in uvicorn on a thread, driven by Debian's Chromium via Playwright.

Every test here is marked `browser` and skips when no Chromium is installed. The tests stay plain
sync functions: the app runs on its own thread and event loop, so Playwright's sync API never meets
the event loop of the async tests. Playwright never downloads a browser (no `playwright install`).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright
from tortoise import Tortoise

from events.accounts.models import Organisation, Role
from events.accounts.services import create_organiser
from main import create_app
from settings import tortoise_config
from tests.factories import SELLER

HERE = Path(__file__).resolve().parent
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT = 20.0


@dataclass(frozen=True)
class Organiser:
    organisation: str
    email: str
    password: str


ORGANISER = Organiser("Pôle Test", "orga@example.org", "correct horse battery staple")
# A team member with role `reviewer` in the same organisation (the call-for-abstracts flow).
REVIEWER = Organiser("Pôle Test", "relectrice@chu-test.fr", "correct horse battery staple")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark this folder's tests before `-m "not browser"` deselects by marker."""
    no_chromium = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM_PATH} (CHROMIUM_PATH)")
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.browser)
        if not os.access(CHROMIUM_PATH, os.X_OK):
            item.add_marker(no_chromium)


async def _create_organiser(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    try:
        await Tortoise.generate_schemas()
        user = await create_organiser(ORGANISER.organisation, ORGANISER.email, ORGANISER.password)
        await Organisation.filter(id=user.organisation_id).update(**SELLER)
        await create_organiser(
            REVIEWER.organisation, REVIEWER.email, REVIEWER.password, name="Relectrice", role=Role.REVIEWER
        )
    finally:
        await Tortoise.close_connections()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the app server stopped during start-up")
        if time.monotonic() > deadline:
            raise TimeoutError("the app server did not start in time")
        time.sleep(0.02)


@pytest.fixture(scope="package")
def organiser() -> Organiser:
    return ORGANISER


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole app on 127.0.0.1 (free port) with its own SQLite file and one organiser.

    Package scope: it stops after this folder's tests, before another test opens its own database.
    """
    database_url = f"sqlite://{tmp_path_factory.mktemp('browser')}/browser.sqlite3"
    # On its own thread: Playwright's sync API may already run an event loop on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(_create_organiser(database_url))).result()
    app = create_app(database_url, generate_schemas=True)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="browser-app", daemon=True)
    thread.start()
    try:
        _wait_until_started(server, thread)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_FLAGS)
    yield chromium
    chromium.close()


def _new_context(browser: Browser, base_url: str) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/Paris")
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies), e.g. for the organiser."""
    fresh = _new_context(browser, live_server)
    yield fresh
    fresh.close()


@pytest.fixture
def visitor_context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    """A second, separate profile: an anonymous visitor who shares nothing with the organiser."""
    fresh = _new_context(browser, live_server)
    yield fresh
    fresh.close()
