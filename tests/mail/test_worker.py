"""The worker: every area's jobs in one loop, in-process (SQLite) or as `python main.py worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette

from events import clock, worker
from events.accounts import throttle
from events.accounts.models import ThrottleHit
from events.mail import services
from events.mail.models import MailStatus, OutboxMessage
from main import create_app
from settings import settings
from tests.conftest import BACKEND
from tests.mail.conftest import Sink

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> dict[str, worker._Entry]:
    """The registry, restored after the test."""
    worker.load_jobs()
    registry = dict(worker._jobs)
    monkeypatch.setattr(worker, "_jobs", registry)
    return registry


async def _enqueue(to: str = "attendee@example.org") -> None:
    await services.enqueue(kind="test", to=to, subject="Confirmation", text="Bonjour.")


@pytest.mark.usefixtures("app")
async def test_run_once_runs_every_job_and_survives_a_failing_one(
    jobs: dict[str, worker._Entry], caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    async def broken() -> int:
        calls.append("broken")
        raise RuntimeError("expiry is broken")

    async def counting() -> int:
        calls.append("counting")
        return 3

    worker.register_job("broken", broken)
    worker.register_job("counting", counting)
    done = await worker.run_once()
    assert calls == ["broken", "counting"]
    assert done["counting"] == 3
    assert "broken" not in done
    assert {"send outbox", "purge old throttle hits"} <= set(done)
    assert "expiry is broken" in caplog.text


@pytest.mark.usefixtures("app")
async def test_run_once_drains_the_outbox_and_purges_old_throttle_hits(smtp_to_sink: Sink) -> None:
    await _enqueue()
    await throttle.hit("login", "someone")
    await ThrottleHit.filter().update(created_at=clock.now() - timedelta(days=2))
    await throttle.hit("login", "someone else")
    done = await worker.run_once()
    assert done["send outbox"] == 1
    assert done["purge old throttle hits"] == 1
    assert len(smtp_to_sink.messages) == 1
    assert await ThrottleHit.all().count() == 1


@pytest.mark.usefixtures("app")
async def test_outbox_job_sends_a_burst_larger_than_one_batch(smtp_to_sink: Sink) -> None:
    for n in range(120):
        await _enqueue(f"a{n}@example.org")
    assert (await worker.run_once())["send outbox"] == 120


@pytest.mark.usefixtures("app")
async def test_run_forever_keeps_cycling_until_stopped(jobs: dict[str, worker._Entry]) -> None:
    cycles = asyncio.Queue[int]()

    async def ticking() -> int:
        cycles.put_nowait(1)
        return 0

    async def hourly() -> int:
        cycles.put_nowait(100)
        return 0

    worker.register_job("ticking", ticking)
    worker.register_job("hourly", hourly, every=3600)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(stop, interval=0.01))
    seen = [await asyncio.wait_for(cycles.get(), 2) for _ in range(6)]
    stop.set()
    await asyncio.wait_for(task, 2)
    assert seen.count(100) == 1
    assert seen.count(1) >= 4


async def test_in_process_worker_runs_inside_the_app_and_stops_with_it(
    database_url: str, smtp_to_sink: Sink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker, "INTERVAL", 0.05)
    config = replace(settings, run_worker_in_process=True)
    application: Starlette = create_app(database_url, generate_schemas=BACKEND == "sqlite", config=config)
    async with application.router.lifespan_context(application):
        await _enqueue("in-process@example.org")
        for _ in range(100):
            if await OutboxMessage.filter(
                to_address="in-process@example.org", status=MailStatus.SENT
            ).exists():
                break
            await asyncio.sleep(0.05)
    assert "in-process@example.org" in [str(email["To"]) for email in smtp_to_sink.messages]
    assert not [task for task in asyncio.all_tasks() if task.get_name() == "colloque-worker"]


@pytest.mark.usefixtures("app")
async def test_app_without_in_process_worker_starts_none() -> None:
    assert not [task for task in asyncio.all_tasks() if task.get_name() == "colloque-worker"]


# ---------------------------------------------------------------- python main.py worker


def _worker_env(database_url: str, sink: Sink) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(sink.port),
        "MAIL_FROM": "Colloque <billetterie@colloque.example>",
    }


@pytest.mark.usefixtures("app")
async def test_worker_command_once_sends_what_is_pending(database_url: str, sink: Sink) -> None:
    await _enqueue("cli@example.org")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "worker", "--once",
        cwd=ROOT, env=_worker_env(database_url, sink),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert [str(email["To"]) for email in sink.messages] == ["cli@example.org"]
    assert (await OutboxMessage.get()).status == MailStatus.SENT


@pytest.mark.usefixtures("app")
async def test_worker_command_stops_cleanly_on_sigterm(database_url: str, sink: Sink) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "worker", "--interval", "0.2",
        cwd=ROOT, env=_worker_env(database_url, sink),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    started = b""
    while b"worker: started" not in started:
        line = await asyncio.wait_for(process.stderr.readline(), 60)
        assert line, "the worker exited before starting"
        started += line
    await _enqueue("while-running@example.org")
    for _ in range(100):
        if sink.messages:
            break
        await asyncio.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    assert b"worker: stopped" in err
    assert [str(email["To"]) for email in sink.messages] == ["while-running@example.org"]
