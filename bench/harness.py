"""What the benches share: a free port, servers started and stopped as process groups, a scratch
PostgreSQL database, and the figures of `wrk --latency`. Imported as `harness` by the scripts of
this folder (run as `python bench/<name>.py`, so the folder is on the path)."""

from __future__ import annotations

import asyncio
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


class BenchError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _tail(log: Path | None, lines: int = 20) -> str:
    if log is None or not log.is_file():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_ready(
    port: int,
    processes: Sequence[subprocess.Popen[bytes]],
    path: str = "/healthz",
    log: Path | None = None,
    timeout: float = 30.0,
) -> None:
    """Until GET `path` answers 200; a server that exits meanwhile is an error, with its log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise BenchError(f"server exited with {process.returncode}:\n{_tail(log)}")
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise BenchError(f"server on port {port} did not answer in {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Stop a server and anything it started (its own process group: start it with start_new_session)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


async def _admin(server: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """A new database on the PostgreSQL `server` (a URL); yields its URL and drops it at the end."""
    name = f"colloque_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server, f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server.rpartition('/')[0]}/{name}"
    finally:
        asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _to_ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def wrk_figures(output: str) -> tuple[float, float, float]:
    """Requests/s and the 50th and 99th latency percentiles (ms) from `wrk --latency` output."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    p99 = re.search(r"^\s+99(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if not (rate and p50 and p99):
        raise BenchError(f"could not read wrk's output:\n{output}")
    return float(rate.group(1)), _to_ms(*p50.groups()), _to_ms(*p99.groups())
