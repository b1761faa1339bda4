"""A database outage answers 503 with Retry-After, and says so in one log line, not a traceback per request.

When PostgreSQL restarts or the network drops, every request fails in its first query. Those are not
bugs of the request: the right answer is "try again shortly" (503 `unavailable`, `Retry-After`), as
`/healthz` already says, and the log should show the outage once, not one traceback per visitor.
The pool reconnects by itself when the server is back, so the app recovers with no one's help.

The middleware sits inside the session and locale layers, so the page is in the reader's language;
an exception that is not a lost database goes on to the ordinary 500 handler, unchanged.
"""

from __future__ import annotations

import logging
import time

import asyncpg
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise.exceptions import DBConnectionError

from events.errors import ServiceUnavailable
from events.web.guards import Reject

logger = logging.getLogger(__name__)

RETRY_AFTER = 5
"""Seconds a client should wait: about what a PostgreSQL restart or a fail-over takes."""

LOG_EVERY = 30.0
"""While the outage lasts, one line per this many seconds and process."""

_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, "cannot connect now"
    asyncpg.InterfaceError,  # "connection is closed", a pool closing under the request
    # "cannot switch to state …; another operation is in progress": a connection that broke under one
    # query while the driver reconnected it for another; seen only while the server goes away.
    asyncpg.exceptions.InternalClientError,
    DBConnectionError,
    ConnectionError,  # refused or reset while the pool reconnects
)


def database_lost(error: BaseException) -> BaseException | None:
    """The connection failure behind `error` (itself, or its cause or context), if there is one."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _LOST):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class _Reporter:
    """Logs the outage once per `LOG_EVERY` seconds, with the number of requests refused meanwhile."""

    def __init__(self) -> None:
        self.last = 0.0
        self.refused = 0

    def report(self, cause: BaseException) -> None:
        self.refused += 1
        now = time.monotonic()
        if now - self.last >= LOG_EVERY:
            logger.warning(
                "database unavailable (%s), %d request(s) answered 503", type(cause).__name__, self.refused
            )
            self.last, self.refused = now, 0


reporter = _Reporter()


class OutageGuard:
    def __init__(self, app: ASGIApp, reject: Reject) -> None:
        self.app = app
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:
            cause = database_lost(error)
            if cause is None or started:
                raise
            reporter.report(cause)
            response = await self.reject(Request(scope, receive), ServiceUnavailable(RETRY_AFTER))
            await response(scope, receive, send)
