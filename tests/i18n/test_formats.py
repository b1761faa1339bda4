"""Amounts and dates follow the reader's full locale: the interface language, the region for formats."""

from __future__ import annotations

import re

import httpx

from events import i18n
from events.i18n import format_amount, format_calendar_date, format_money, format_when, use_locale
from tests.factories import make_event, make_organiser, make_ticket_type, paris

SPRING = paris(2027, 4, 1, 9, 0)


async def _event_page(client: httpx.AsyncClient, accept_language: str) -> str:
    user = await make_organiser()
    event = await make_event(
        user, published=True, starts_at=SPRING.isoformat(), ends_at=paris(2027, 4, 1, 18).isoformat()
    )
    await make_ticket_type(event, name="Pass 2 jours", price="290.00")
    answer = await client.get(f"/events/{event.slug}", headers={"Accept-Language": accept_language})
    assert answer.status_code == 200
    return answer.text


async def test_british_visitor_reads_british_dates(client: httpx.AsyncClient) -> None:
    html = await _event_page(client, "en-GB,en;q=0.9")
    assert "1 April 2027" in html
    assert "09:00" in html
    assert "April 1, 2027" not in html


async def test_american_visitor_reads_american_dates(client: httpx.AsyncClient) -> None:
    html = await _event_page(client, "en-US,en;q=0.9")
    assert "April 1, 2027" in html
    assert "9:00\u202fAM" in html or "9:00 AM" in html
    assert "1 April 2027" not in html


async def test_french_visitor_reads_french_amounts_and_dates(client: httpx.AsyncClient) -> None:
    html = await _event_page(client, "fr-FR,fr;q=0.9")
    assert "290,00\xa0€" in html
    assert "1 avril 2027" in html
    assert not re.search(r"\b290\.00\b", html)


async def test_english_visitor_reads_english_amounts(client: httpx.AsyncClient) -> None:
    html = await _event_page(client, "en-GB")
    assert "€290.00" in html
    assert "290,00" not in html


async def test_cached_public_page_is_not_shared_between_regions(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(
        user, published=True, starts_at=SPRING.isoformat(), ends_at=paris(2027, 4, 1, 18).isoformat()
    )
    british = await client.get(f"/events/{event.slug}", headers={"Accept-Language": "en-GB"})
    american = await client.get(f"/events/{event.slug}", headers={"Accept-Language": "en-US"})
    assert "1 April 2027" in british.text
    assert "April 1, 2027" in american.text


def test_region_of_another_language_does_not_format() -> None:
    assert i18n.negotiate_region("de-DE,en-GB;q=0.8", "en") == "en_GB"
    assert i18n.negotiate_region("de-DE", "en") is None
    assert i18n.negotiate_region("en-XX", "en") is None
    assert i18n.negotiate_region("fr-CA;q=0,fr-BE", "fr") == "fr_BE"


def test_formats_without_a_region_use_the_language() -> None:
    with use_locale("fr"):
        assert format_money(29000, "EUR") == "290,00\xa0€"
        assert format_amount(9000) == "90,00"
        assert format_calendar_date(SPRING.date()) == "1 avril 2027"
    with use_locale("en"):
        assert format_money(29000, "EUR") == "€290.00"
        assert format_amount(9000) == "90.00"
        assert format_when(SPRING, "Europe/Paris") == "Thursday, April 1, 2027, 9:00\u202fAM"
