"""How fast is the public event page, compared with the fastest page this stack can serve?

    .venv/bin/python bench/pages.py            (or: make bench-pages)

Loads the demo into a temporary SQLite database, serves the app with uvicorn (one process), and
measures GET /events/biomed-forum-2027 with wrk. Then it serves a bare Starlette app that answers
the same bytes from memory, measured the same way. The ratio app/bare is the figure to watch: the
target is at least 10 %. Everything runs on 127.0.0.1 and every process started here is stopped.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import PYTHON, ROOT, BenchError, free_port, get, stop, wait_ready, wrk_figures

DEMO_PATH = "/events/biomed-forum-2027"
TARGET_RATIO = 10.0
STARTUP_TIMEOUT = 30.0

BARE_APP = '''"""A bare Starlette app: one route answering fixed bytes from memory (benchmark baseline)."""
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

BODY = (Path(__file__).parent / "body.html").read_bytes()


async def page(request):
    return HTMLResponse(BODY)


app = Starlette(routes=[Route("/", page)])
'''


@dataclass(frozen=True)
class Result:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: str


# ------------------------------------------------------------------ processes


@contextmanager
def uvicorn(target: str, app_dir: Path, env: dict[str, str], log: Path, ready_path: str) -> Iterator[int]:
    """`python -m uvicorn target` on a free 127.0.0.1 port; yields the port."""
    port = free_port()
    command = [
        PYTHON, "-m", "uvicorn", target, "--app-dir", str(app_dir),
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=app_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_ready(port, [process], ready_path, log, STARTUP_TIMEOUT)
        yield port
    finally:
        stop(process)


# ------------------------------------------------------------------ wrk


def parse_wrk(output: str) -> Result:
    """Requests/s and the 50th and 99th latency percentiles from `wrk --latency` output."""
    rate, p50, p99 = wrk_figures(output)
    problems = re.findall(r"^\s*(Non-2xx or 3xx responses: \d+|Socket errors: .*)$", output, re.M)
    return Result(requests_per_s=rate, p50_ms=p50, p99_ms=p99, errors="; ".join(problems))


def wrk(url: str, args: argparse.Namespace) -> Result:
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}"]
    if args.warmup > 0:
        subprocess.run(
            [*base, f"-d{args.warmup}s", url],
            check=True,
            capture_output=True,
            timeout=args.warmup + 30,
        )
    run = subprocess.run(
        [*base, f"-d{args.duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
        timeout=args.duration + 30,
    )
    return parse_wrk(run.stdout)


# ------------------------------------------------------------------ the benchmark


def _environment(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        RUN_WORKER_IN_PROCESS="false",
        PYTHONDONTWRITEBYTECODE="1",
        ORDER_THROTTLE="0",  # the load comes from one address
        MAX_HELD_PLACES="0",
    )
    return env


def load_demo(env: dict[str, str]) -> None:
    for command in ("migrate", "demo"):
        try:
            done = subprocess.run(
                [PYTHON, "main.py", command],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=60,
            )
        except subprocess.TimeoutExpired as error:
            output = error.stderr or error.stdout or b""
            text = output.decode(errors="replace") if isinstance(output, bytes) else output
            raise BenchError(f"main.py {command} did not finish in 60 s:\n{text}") from error
        if done.returncode != 0:
            raise BenchError(f"main.py {command} failed:\n{done.stdout}{done.stderr}")


def bench_app(work: Path, args: argparse.Namespace) -> tuple[Result, bytes]:
    env = _environment(f"sqlite://{work}/bench.sqlite3")
    print("loading the demo into a temporary SQLite database…", flush=True)
    load_demo(env)
    with uvicorn("main:app", ROOT, env, work / "app.log", "/healthz") as port:
        status, body = get(port, DEMO_PATH)
        if status != 200:
            raise BenchError(f"GET {DEMO_PATH} answered {status}")
        print(f"app: GET {DEMO_PATH} → {len(body)} bytes; wrk running…", flush=True)
        return wrk(f"http://127.0.0.1:{port}{DEMO_PATH}", args), body


def bench_bare(work: Path, body: bytes, args: argparse.Namespace) -> Result:
    bare = work / "bare"
    bare.mkdir()
    (bare / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    (bare / "body.html").write_bytes(body)
    env = _environment("sqlite://:memory:")
    with uvicorn("bare_app:app", bare, env, work / "bare.log", "/") as port:
        status, answer = get(port, "/")
        if status != 200 or len(answer) != len(body):
            raise BenchError(f"bare app answered {status} with {len(answer)} bytes")
        print(f"bare: GET / → {len(answer)} bytes; wrk running…", flush=True)
        return wrk(f"http://127.0.0.1:{port}/", args)


def report(app: Result, bare: Result, size: int, args: argparse.Namespace) -> bool:
    ratio = 100.0 * app.requests_per_s / bare.requests_per_s
    print()
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, one uvicorn process each, "
        f"body {size} bytes, {os.cpu_count()} CPUs shared by server and wrk"
    )
    print(f"{'':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, result in ((f"app {DEMO_PATH}", app), ("bare Starlette, same bytes", bare)):
        print(f"{name:<28}{result.requests_per_s:>10.0f}{result.p50_ms:>10.2f}{result.p99_ms:>10.2f}")
        if result.errors:
            print(f"  warning: {result.errors}")
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"ratio app/bare: {ratio:.1f} % ({verdict} the target of ≥ {TARGET_RATIO:.0f} %)")
    return ratio >= TARGET_RATIO


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=10, help="seconds of measurement")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--strict", action="store_true", help="exit with status 3 when below the target")
    return parser.parse_args()


def _stop_cleanly(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every server started here is stopped."""
    raise SystemExit(128 + signum)


def main() -> int:
    args = _arguments()
    signal.signal(signal.SIGTERM, _stop_cleanly)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if shutil.which("wrk") is None:
        print("wrk is not installed. On Debian: sudo apt-get install -y wrk", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="colloque-bench-") as tmp:
        work = Path(tmp)
        try:
            app, body = bench_app(work, args)
            bare = bench_bare(work, body, args)
        except (BenchError, subprocess.SubprocessError) as error:
            print(f"benchmark failed: {error}", file=sys.stderr)
            return 2
    meets = report(app, bare, len(body), args)
    return 0 if meets or not args.strict else 3


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
