"""Every page has an icon: no 404 in the browser's console on each visit."""

from __future__ import annotations

import httpx


async def test_favicon_ico_leads_to_the_icon(client: httpx.AsyncClient) -> None:
    answer = await client.get("/favicon.ico", follow_redirects=True)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in answer.content


async def test_pages_link_the_icon(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert 'rel="icon"' in page.text
    assert "/static/favicon.svg" in page.text
