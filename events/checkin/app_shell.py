"""The door page as an installable web app: its service worker and its web manifest.

The service worker keeps the scanner page and every file it loads (`SHELL`) on the device; its cache is
named after a digest of those files, so a new version of any of them replaces the whole cache on the
door's next visit online. Both are served under `/scan/`, the worker's scope.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events.errors import N_
from events.i18n import gettext
from settings import ROOT

SHELL = (
    "css/colloque.css",
    "css/scanner.css",
    "js/door-offline.js",
    "js/scanner.js",
    "vendor/zxing-browser-0.2.1/zxing-browser.min.js",
    "vendor/noble-ed25519-3.2.0/ed25519.js",
    "img/door-icon.svg",
)
WORKER = ROOT / "static" / "js" / "door-sw.js"
TOKEN_MAX_LENGTH = 100


@cache
def _version() -> str:
    """A digest of the worker and the files it keeps: read once per process (files change by deploys)."""
    digest = hashlib.sha256(WORKER.read_bytes())
    for path in SHELL:
        digest.update((ROOT / "static" / path).read_bytes())
    return digest.hexdigest()[:16]


async def service_worker(request: Request) -> Response:
    shell = [request.url_for("static", path=path).path for path in SHELL]
    head = f"var CACHE = {json.dumps('colloque-door-' + _version())};\nvar SHELL = {json.dumps(shell)};\n"
    return Response(
        head + WORKER.read_text(encoding="utf-8"),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


def _door_token(request: Request) -> str | None:
    token = request.query_params.get("token", "")
    usable = (
        0 < len(token) <= TOKEN_MAX_LENGTH
        and token.isascii()
        and token.replace("_", "").replace("-", "").isalnum()
    )
    return token if usable else None


async def manifest(request: Request) -> Response:
    """Installing the page keeps its door link: the installed app opens this event's door directly."""
    slug = request.path_params["slug"]
    start = request.url_for("scanner", slug=slug).path
    token = _door_token(request)
    body = {
        "name": gettext(N_("Colloque door")),
        "short_name": gettext(N_("Door")),
        "start_url": f"{start}?token={token}" if token else start,
        "scope": request.url_for("scanner_index").path + "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d3f72",
        "icons": [
            {
                "src": request.url_for("static", path="img/door-icon.svg").path,
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json", headers={"Cache-Control": "no-cache"})


routes = [
    Route("/scan/sw.js", service_worker, methods=["GET"], name="scanner_service_worker"),
    Route("/scan/{slug:slug}/manifest.webmanifest", manifest, methods=["GET"], name="scanner_manifest"),
]
