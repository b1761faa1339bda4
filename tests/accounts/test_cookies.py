from __future__ import annotations

import dataclasses

import httpx

from main import create_app
from settings import settings
from tests.factories import login, make_organiser


async def test_https_deployment_sets_secure_host_cookie_and_hsts(database_url: str) -> None:
    config = dataclasses.replace(settings, base_url="https://events.example.org")
    app = create_app(database_url, generate_schemas=database_url.startswith("sqlite"), config=config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            user = await make_organiser()
            answer = await login(client, user.email)
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith("__host-colloque=")
    assert "secure" in cookie
    assert "httponly" in cookie
    assert "domain=" not in cookie
    assert "max-age=63072000" in answer.headers["strict-transport-security"]
