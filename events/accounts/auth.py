"""Who is calling: the organiser's signed session, API bearer tokens, and CSRF tokens for forms.

These helpers are what routes use to establish identity; the rules themselves stay in services.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import FormData
from starlette.requests import Request

from events.accounts import services
from events.accounts.models import Role, User
from events.errors import CsrfFailed, Forbidden, Unauthenticated
from events.validation import without_control_characters

SESSION_USER = "uid"
SESSION_EPOCH = "epoch"
SESSION_CSRF = "csrf"
CSRF_FIELD = "csrf_token"
ORGANISER_ROLES = (Role.OWNER, Role.MANAGER)
DOOR_TOKEN_PREFIX = "door_"  # noqa: S105 — door links (events.checkin.tokens) open scanners, nothing else


def csrf_token(request: Request) -> str:
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def check_csrf(request: Request, sent: object) -> None:
    """Refuse unless `sent` (a form field or a header) is this session's CSRF token."""
    expected = request.session.get(SESSION_CSRF)
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise CsrfFailed()
    if not secrets.compare_digest(sent.encode(), expected.encode()):
        raise CsrfFailed()


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's, without control characters.

    Every organiser and public form comes through here, so a NUL byte typed into any field (which
    PostgreSQL refuses) is dropped once, the same way `validation.validate` drops it from JSON.
    """
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    return FormData(
        [
            (name, without_control_characters(value) if isinstance(value, str) else value)
            for name, value in form.multi_items()
        ]
    )


def bearer_token(request: Request) -> str | None:
    """The token of `Authorization: Bearer <token>`, if there is one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def start_login_session(request: Request, user: User) -> None:
    """A fresh session at sign-in: nothing from before survives, the CSRF token changes too."""
    locale = request.session.get("locale")
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.session[SESSION_EPOCH] = user.session_epoch
    request.session[SESSION_CSRF] = secrets.token_urlsafe(32)
    if locale:
        request.session["locale"] = locale


async def login_session_user(request: Request) -> User | None:
    return await services.user_for_login_session(
        request.session.get(SESSION_USER), request.session.get(SESSION_EPOCH)
    )


async def organiser(request: Request) -> User:
    """The signed-in organiser (owner or manager), for dashboard pages."""
    user = await login_session_user(request)
    if user is None:
        raise Unauthenticated()
    if user.role not in ORGANISER_ROLES:
        raise Forbidden()
    return user


async def token_organiser(request: Request) -> User | None:
    """The organiser whose valid token the call carries, or None (anonymous, or not an organiser's)."""
    if bearer_token(request) is None:
        return None
    try:
        return await api_organiser(request)
    except (Unauthenticated, Forbidden):
        return None


async def api_organiser(request: Request) -> User:
    """The organiser behind `Authorization: Bearer <token>`."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated()
    if token.startswith(DOOR_TOKEN_PREFIX):
        raise Forbidden()
    user = await services.user_for_token(token)
    if user.role not in ORGANISER_ROLES:
        raise Forbidden()
    return user


async def reviewer(request: Request) -> User:
    """The signed-in reviewer, for the "my reviews" pages; every other role is refused."""
    user = await login_session_user(request)
    if user is None:
        raise Unauthenticated()
    if user.role != Role.REVIEWER:
        raise Forbidden()
    return user


async def api_reviewer(request: Request) -> User:
    """The reviewer behind `Authorization: Bearer <token>`; organisers and door staff are refused."""
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated()
    if token.startswith(DOOR_TOKEN_PREFIX):
        raise Forbidden()
    user = await services.user_for_token(token)
    if user.role != Role.REVIEWER:
        raise Forbidden()
    return user
