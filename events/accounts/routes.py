"""Signing in and out (pages) and API tokens."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts import auth, services
from events.accounts.models import Role
from events.errors import InvalidCredentials
from events.validation import validate
from events.web.api import answer, documented, json_body
from events.web.templating import render


class Credentials(BaseModel):
    email: str
    password: str


class TokenOut(BaseModel):
    token: str


def _safe_next(target: str | None) -> str | None:
    """Only a local path may be a redirect target after sign-in."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


async def login_page(request: Request) -> Response:
    return render(request, "accounts/login.html", {"next": request.query_params.get("next", "")})


async def login(request: Request) -> Response:
    form = await auth.checked_form(request)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    try:
        user = await services.authenticate(email, password, auth.client_ip(request))
    except InvalidCredentials as error:
        context = {"email": email, "next": form.get("next", ""), "error": error}
        return render(request, "accounts/login.html", context, status_code=401)
    auth.start_session(request, user)
    home = {Role.DOOR: "scanner_index", Role.REVIEWER: "my_reviews"}.get(user.role, "dashboard")
    target = _safe_next(str(form.get("next", ""))) or request.url_for(home)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await auth.checked_form(request)
    user = await auth.session_user(request)
    if user is not None:
        await services.end_sessions(user)
    request.session.clear()
    return RedirectResponse(request.url_for("home"), status_code=303)


@documented(
    "Exchange an e-mail and password for an API token",
    body=Credentials,
    response=TokenOut,
    status=201,
    auth=False,
)
async def create_token(request: Request) -> Response:
    credentials = validate(Credentials, await json_body(request))
    user = await services.authenticate(credentials.email, credentials.password, auth.client_ip(request))
    return answer({"token": await services.issue_token(user)}, status_code=201)


routes = [
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login, methods=["POST"], name="login_submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]

api_routes = [
    Route("/auth/token", create_token, methods=["POST"], name="api_token"),
]
