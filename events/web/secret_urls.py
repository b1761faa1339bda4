"""URLs that carry a secret: kept out of logs, and out of other sites' Referer headers.

An order's page (`/orders/{code}/{secret}`), a personal agenda (`/agenda/{token}.ics`), a door link
(`/scan/{slug}?token=`), an invitation, a waiting-list offer (`?offer=`): whoever holds the URL holds
the right. So:

- `scrub(text)` masks those parts (and any e-mail address) in a line about to be logged; the
  `ScrubFilter` applies it to uvicorn's access log and to our own records that name a path. The
  access log itself is off by default (`ACCESS_LOG`), this is the second belt;
- `NoReferrer` answers such pages with `Referrer-Policy: no-referrer`, so a link or an image on them
  never tells another site the URL (the default policy already sends only the origin across sites;
  this also keeps it from our own other pages and from any downgrade).

A new kind of secret URL is one more pattern in `_PATH_SECRETS` or `_QUERY_SECRETS`.
"""

from __future__ import annotations

import logging
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MASK = "***"

_PATH_SECRETS = re.compile(
    r"(/(?:api/v1/)?orders/[^/?#\s\"]+/)[^/?#\s\"]+"  # the buyer's order: code, then secret
    r"|(/(?:agenda|invitations|tickets|partnering|password-reset|offers)/)[^/?#\s\"]+"
)
_QUERY_SECRETS = re.compile(r"([?&](?:token|offer|secret|key|code|email)=)[^&#\s\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@/?&=\"'<>]+(?:@|%40)[^\s@/?&=\"'<>]+\.[A-Za-z]{2,}")


def _masked(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(2) or "") + MASK


def scrub(text: str) -> str:
    text = _PATH_SECRETS.sub(_masked, text)
    text = _QUERY_SECRETS.sub(lambda m: m.group(1) + MASK, text)
    return _EMAIL.sub(MASK, text)


def holds_secret(path: str, query: str) -> bool:
    return scrub(path) != path or scrub("?" + query) != "?" + query


class ScrubFilter(logging.Filter):
    """Masks secrets in a record's message and arguments (uvicorn's access log passes the path as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        return True


class NoReferrer:
    """Pure ASGI: `Referrer-Policy: no-referrer` on every answer to a URL that holds a secret."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not holds_secret(
            scope["path"], scope["query_string"].decode("latin-1")
        ):
            await self.app(scope, receive, send)
            return

        async def send_without_referrer(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["Referrer-Policy"] = "no-referrer"
            await send(message)

        await self.app(scope, receive, send_without_referrer)
