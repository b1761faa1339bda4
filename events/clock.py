"""The one source of "now", so that tests can move time (holds, throttles, sales windows)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """The current instant, always timezone-aware UTC."""
    return _source()


@contextmanager
def frozen(at: datetime) -> Iterator[Callable[[timedelta], None]]:
    """Freeze the clock at `at`; the yielded function moves it forward."""
    global _source
    current = [at]

    def advance(delta: timedelta) -> None:
        current[0] = current[0] + delta

    previous = _source
    _source = lambda: current[0]  # noqa: E731
    try:
        yield advance
    finally:
        _source = previous
