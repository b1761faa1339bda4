"""The input guard: one pure-ASGI layer that refuses what no route should ever see.

Why here and not in each route: a NUL byte in a path or query string reaches PostgreSQL through any
lookup and makes it fail (SQLite accepts it), and a body without a size cap is read into memory whole.
Both are properties of the request, not of a route, so they are checked once, before routing:

- a path or query string holding control bytes (NUL above all) or invalid UTF-8 is a 400 `bad_request`;
- a body larger than its kind's limit is a 413 `too_large`: JSON and urlencoded forms at `BODY_LIMIT`,
  multipart at `MULTIPART_LIMIT`. A declared `Content-Length` over the limit is refused before reading;
  a chunked body is counted as it arrives and stopped at the limit.

The answer goes through the application's one error handler (`reject`), so it is the JSON error of
API.md under `/api/` and the HTML error page elsewhere. The guard is placed inside the session and
locale middleware, so that page is in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events.errors import BadRequest, DomainError, PayloadTooLarge

BODY_LIMIT = 1024 * 1024
MULTIPART_LIMIT = 10 * 1024 * 1024

Reject = Callable[[Request, Exception], Awaitable[Response]]

_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


def _clean(raw: bytes) -> bool:
    """No control byte, and valid UTF-8, once percent-decoded."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if _CONTROL.search(decoded):
        return False
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def clean_target(scope: Scope) -> bool:
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
    return _clean(raw_path) and not _CONTROL.search(scope["path"].encode()) and _clean(scope["query_string"])


def body_limit(content_type: str) -> int:
    return MULTIPART_LIMIT if content_type.lower().startswith("multipart/") else BODY_LIMIT


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


class InputGuard:
    def __init__(self, app: ASGIApp, reject: Reject) -> None:
        self.app = app
        self.reject = reject

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, error: DomainError) -> None:
        response = await self.reject(Request(scope, receive), error)
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not clean_target(scope):
            await self._refuse(scope, receive, send, BadRequest())
            return
        limit = body_limit(_header(scope, b"content-type"))
        declared = _header(scope, b"content-length")
        if declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
            await self._refuse(scope, receive, send, PayloadTooLarge())
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge()
            return message

        await self.app(scope, counted_receive, send)
