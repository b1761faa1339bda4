"""Builds the Colloque web application and holds its command line.

python main.py serve | migrate | create-organiser | demo | worker
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import secrets
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise

from events import i18n, worker
from events.abstracts import api as abstracts_api
from events.abstracts import reviewer_routes
from events.abstracts import routes as abstracts_routes
from events.accounts import branding_routes, invitation_routes, members_api, team_api
from events.accounts import routes as accounts_routes
from events.audit import api as audit_api
from events.badges import routes as badges_routes
from events.catalogue import api as catalogue_api
from events.catalogue import duplicate_api, offers_api, session_api, session_routes
from events.catalogue import routes as catalogue_routes
from events.certificates import api as certificates_api
from events.certificates import routes as certificates_routes
from events.checkin import api as checkin_api
from events.checkin import app_shell as checkin_app_shell
from events.checkin import routes as checkin_routes
from events.dashboard import routes as dashboard_routes
from events.errors import N_, DomainError, NotFound, ServiceUnavailable, Throttled, Unauthenticated
from events.ical import routes as ical_routes
from events.invoicing import api as invoicing_api
from events.invoicing import routes as invoicing_routes
from events.mail import api as mail_api
from events.mail import smtp
from events.partnering import api as partnering_api
from events.partnering import routes as partnering_routes
from events.payments import api as payments_api
from events.payments import routes as payments_routes
from events.privacy import api as privacy_api
from events.privacy import routes as privacy_routes
from events.ticketing import api as ticketing_api
from events.ticketing import roster_api, ticket_routes
from events.ticketing import routes as ticketing_routes
from events.web import links
from events.web.api import openapi_document
from events.web.guards import InputGuard
from events.web.middleware import LocaleMiddleware, SecurityHeadersMiddleware, security_headers
from events.web.outage import OutageGuard
from events.web.secret_urls import NoReferrer, scrub
from events.web.templating import render
from settings import ROOT, Settings, settings, tortoise_config

logger = logging.getLogger("colloque")


async def healthz(request: Request) -> Response:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception as error:  # any database failure is reported, not raised (one line, no trace)
        logger.warning("health check: database unreachable (%s)", type(error).__name__)
        return JSONResponse({"status": "error", "database": "error"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document(request.app.routes, settings.base_url))


API_ROUTES: list[BaseRoute] = [
    # The door's routes first: routes are tried in order, and a scan is the API's most frequent call
    # (thousands a minute at opening). No earlier route matches their paths: nothing else changes.
    *checkin_api.routes,
    *accounts_routes.api_routes,
    *team_api.routes,
    *audit_api.routes,
    *catalogue_api.routes,
    *duplicate_api.routes,
    *offers_api.routes,
    *session_api.routes,
    *ticketing_api.routes,
    *roster_api.routes,
    *payments_api.routes,
    *invoicing_api.routes,
    *members_api.routes,
    *certificates_api.routes,
    *mail_api.routes,
    *privacy_api.routes,
    *partnering_api.routes,
    *abstracts_api.routes,
    Route("/openapi.json", openapi, name="openapi"),
]


async def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    return RedirectResponse(request.url_for("static", path="favicon.svg"), status_code=301)


def _routes() -> list[BaseRoute]:
    return [
        Route("/healthz", healthz, name="healthz"),
        Route("/favicon.ico", favicon, name="favicon"),
        Mount("/api/v1", routes=API_ROUTES, name="api"),
        Mount("/static", app=StaticFiles(directory=ROOT / "static"), name="static"),
        *accounts_routes.routes,
        *invitation_routes.routes,
        *branding_routes.routes,
        *ical_routes.routes,
        *ticketing_routes.routes,
        *ticket_routes.routes,
        *payments_routes.routes,
        *invoicing_routes.routes,
        *badges_routes.routes,
        *certificates_routes.routes,
        *checkin_app_shell.routes,
        *checkin_routes.routes,
        *partnering_routes.routes,
        *session_routes.routes,
        *abstracts_routes.routes,
        *reviewer_routes.routes,
        *catalogue_routes.routes,
        *dashboard_routes.routes,
        *privacy_routes.routes,
    ]


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/stripe/"))


def _error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_json(request):
        body = {"error": {"code": code, "message": message, "details": details or {}}}
        return JSONResponse(body, status_code=status, headers=headers)
    context = {"status": status, "code": code, "message": message, "details": details or {}}
    response = render(request, "error.html", context, status_code=status)
    response.headers.update(headers or {})
    return response


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    if isinstance(exc, Unauthenticated) and not _wants_json(request):
        login = request.url_for("login").include_query_params(next=request.url.path)
        return RedirectResponse(str(login), status_code=303)
    retry = exc.retry_after if isinstance(exc, Throttled | ServiceUnavailable) else None
    headers = {"Retry-After": str(retry)} if retry is not None else None
    message = i18n.gettext(exc.message, **exc.params)
    return _error_response(request, exc.status, exc.code, message, exc.details, headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await domain_error(request, NotFound())
    code = {405: "method_not_allowed", 400: "bad_request"}.get(exc.status_code, "error")
    message = i18n.gettext(N_("The request could not be completed."))
    return _error_response(request, exc.status_code, code, message)


async def server_error(request: Request, exc: Exception) -> Response:
    """Outside every middleware: add the security headers here, and never show the trace."""
    logger.error("unhandled error on %s %s", request.method, scrub(request.url.path), exc_info=exc)
    message = i18n.gettext(N_("Something went wrong on our side. Please try again."))
    response = _error_response(request, 500, "internal_error", message)
    response.headers.update(security_headers(settings.https))
    return response


def _settle_memory() -> None:
    """Move everything alive after start-up (modules, templates, routes) out of the garbage collector's
    sight: a full collection then walks only what requests made, so it stops adding pauses of tens of
    milliseconds to the slowest requests under load."""
    gc.collect()
    gc.freeze()


def create_app(
    database_url: str | None = None,
    *,
    generate_schemas: bool = False,
    config: Settings = settings,
) -> Starlette:
    """The application; tests pass their own database (and create its tables) or settings."""

    run_worker = config.run_worker_in_process

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        config = tortoise_config(database_url)
        async with (
            RegisterTortoise(app, config=config, generate_schemas=generate_schemas),
            worker.in_background() if run_worker else nullcontext(),
        ):
            _settle_memory()
            logger.info("%s", smtp.destination())
            yield

    routes = _routes()
    links.use_routes(routes)
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeadersMiddleware, https=config.https),
            Middleware(
                SessionMiddleware,
                secret_key=config.secret_key,
                session_cookie="__Host-colloque" if config.https else "colloque_session",
                max_age=8 * 3600,
                same_site="lax",
                https_only=config.https,
            ),
            Middleware(LocaleMiddleware, default=config.default_locale),
            Middleware(InputGuard, reject=domain_error),
            Middleware(OutageGuard, reject=domain_error),
            Middleware(NoReferrer),
        ],
        exception_handlers={
            DomainError: domain_error,
            HTTPException: http_error,
            500: server_error,
        },
        lifespan=lifespan,
    )


app = create_app()


# ---------------------------------------------------------------- command line


async def _migrate() -> None:
    from tortoise.migrations.api.migrate import migrate

    try:
        await migrate(config=tortoise_config())
    finally:
        await Tortoise.close_connections()


async def _with_db(work: Any) -> Any:
    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        return await work()
    finally:
        await Tortoise.close_connections()


async def _create_organiser(args: argparse.Namespace) -> None:
    from events.accounts.services import create_organiser

    user = await create_organiser(args.organisation, args.email, args.password, name=args.name)
    print(f"Organiser {user.email} created in '{args.organisation}'.")


async def _demo(first_run: bool) -> None:
    from events.demo import database_is_empty, load_demo

    if first_run and not await database_is_empty():
        return
    password = secrets.token_urlsafe(12)
    email = await load_demo(password)
    if email is None:
        print("The demo is already loaded.")
        return
    print("Demo loaded. Sign in at", f"{settings.base_url}/login")
    print(f"  e-mail:   {email}\n  password: {password}   (shown once)")


def _badges(args: argparse.Namespace) -> int:
    from pathlib import Path

    from events.badges.cli import print_badges
    from events.badges.pdf import Layout

    work = lambda: print_badges(  # noqa: E731
        args.event, args.ticket_type or [], Layout(args.format), Path(args.output), sys.stderr, args.locale
    )
    try:
        count = asyncio.run(_with_db(work))
    except DomainError as error:
        print(f"error: {args.event}: {i18n.gettext(error.message)}", file=sys.stderr)
        return 2
    print(f"{count} badges written to {args.output}", file=sys.stderr)
    return 0


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, every line through the scrubber, and our own loggers shown at INFO too."""
    from copy import deepcopy

    from uvicorn.config import LOGGING_CONFIG

    config = deepcopy(LOGGING_CONFIG)
    config["filters"] = {"scrub": {"()": "events.web.secret_urls.ScrubFilter"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["scrub"]
    config["root"] = {"handlers": ["default"], "level": "INFO"}
    return config


def _serve() -> None:
    import uvicorn

    uvicorn.run(
        "main:app",
        host=settings.host,
        port=settings.port,
        proxy_headers=True,
        log_level="info",
        log_config=_log_config(),
        access_log=settings.access_log,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="Colloque")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the web application")
    commands.add_parser("migrate", help="apply database migrations")
    organiser = commands.add_parser("create-organiser", help="create an organiser account")
    organiser.add_argument("--organisation", required=True)
    organiser.add_argument("--email", required=True)
    organiser.add_argument("--password", required=True)
    organiser.add_argument("--name", default="")
    demo = commands.add_parser("demo", help="load a realistic demo event")
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds nothing yet")
    jobs = commands.add_parser("worker", help="run the background jobs (outbox, expiry, reconciliation)")
    jobs.add_argument("--once", action="store_true", help="run every job once, then exit")
    jobs.add_argument("--interval", type=float, default=worker.INTERVAL, help="seconds between cycles")
    badges = commands.add_parser("badges", help="print an event's badges into a PDF (progress on stderr)")
    badges.add_argument("--event", required=True, help="the event's slug")
    badges.add_argument("--ticket-type", type=int, action="append", help="only this ticket type (repeatable)")
    badges.add_argument("--format", choices=["a6x4", "single"], default="a6x4", help="4 A6 per A4, or one A6")
    badges.add_argument("--output", required=True, help="the PDF file to write")
    badges.add_argument("--locale", choices=["fr", "en"], default=settings.default_locale)
    return parser


def cli(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = _parser().parse_args(argv)
    if args.command == "serve":
        _serve()
    elif args.command == "migrate":
        asyncio.run(_migrate())
    elif args.command == "create-organiser":
        try:
            asyncio.run(_with_db(lambda: _create_organiser(args)))
        except DomainError as error:
            details = "; ".join(f"{k}: {v}" for k, v in error.details.items())
            print(f"error: {i18n.gettext(error.message)} {details}", file=sys.stderr)
            return 2
    elif args.command == "demo":
        asyncio.run(_with_db(lambda: _demo(first_run=args.if_empty)))
    elif args.command == "worker":
        asyncio.run(_with_db(lambda: worker.run_command(once=args.once, interval=args.interval)))
    elif args.command == "badges":
        return _badges(args)
    return 0


if __name__ == "__main__":
    sys.exit(cli(sys.argv[1:]))
