"""Every public page on a 390 px phone and a 1280 px laptop, in French and in English.

A visitor walks the pages (home, event, programme, register, a promo code, the waiting list, the order and its
ticket, the call for abstracts, the privacy notice) and registers an order. On each page: nothing scrolls
sideways, French pages show no English text of the catalogue, and every amount is written the locale's way.
Screenshots go to $SCREENSHOT_DIR when it is set (they are looked at by a person, not compared).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Organiser
from tests.factories import call_data

ROOT = Path(__file__).resolve().parents[2]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}
TITLE = "Journées Biotech Occitanie"
PROMO = "INVITE-LABO"
SPACES = "[\u00a0\u202f]"
# An amount as Babel writes euros: "1 290,00 €" in French, "€1,290.00" in English.
AMOUNT = {
    "fr": re.compile(rf"(?<![\d.,])\d{{1,3}}(?:{SPACES}\d{{3}})*,\d{{2}}{SPACES}€"),
    "en": re.compile(r"−?€\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])"),
}
# Anything that looks like money or a decimal number: each must be one of the locale's amounts.
MONEY_LIKE = re.compile(r"€\s?\d[\d\s.,\u00a0\u202f]*|\d[\d.,\u00a0\u202f]*[.,]\d{2}(?:\s?€)?")


@dataclass(frozen=True)
class Site:
    slug: str
    organisation_slug: str
    paid_type: int
    full_type: int


def _api(base_url: str, organiser: Organiser) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=15)
    token = client.post("/api/v1/auth/token", json={"email": organiser.email, "password": organiser.password})
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    return client


def _created(answer: httpx.Response) -> dict[str, object]:
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


def _organisation_slug(api: httpx.Client, base_url: str, slug: str, type_id: int) -> str:
    page = httpx.get(f"{base_url}/events/{slug}/register", params={f"type-{type_id}": "1"}, timeout=15)
    found = re.search(r'href="[^"]*/privacy/([\w-]+)"', page.text)
    assert found, "the register page links the privacy notice"
    return found.group(1)


@pytest.fixture(scope="module")
def site(live_server: str, organiser: Organiser) -> Iterator[Site]:
    """A published two-day event with a programme in two rooms, a paid pass, a sold-out dinner, a promo code
    that makes the pass free and an open call for abstracts."""
    api = _api(live_server, organiser)
    try:
        starts = (datetime.now(UTC) + timedelta(days=50)).replace(hour=7, minute=0, second=0, microsecond=0)
        event = _created(
            api.post(
                "/api/v1/events",
                json={
                    "title": TITLE,
                    "description": "Deux jours de rencontres entre laboratoires, start-up et industriels.",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(days=1, hours=10)).isoformat(),
                    "venue": "Centre de congrès Pierre Baudis",
                    "city": "Toulouse",
                    "capacity": 300,
                },
            )
        )
        slug = str(event["slug"])
        _created(api.post(f"/api/v1/events/{slug}/publish"))
        paid = _created(
            api.post(
                f"/api/v1/events/{slug}/ticket-types",
                json={"name": "Pass 2 jours — tarif académique", "price": "1290.00", "capacity": 100},
            )
        )
        full = _created(
            api.post(
                f"/api/v1/events/{slug}/ticket-types",
                json={"name": "Dîner de gala", "price": "0.00", "capacity": 1},
            )
        )
        _created(api.post(f"/api/v1/events/{slug}/promo-codes", json={"code": PROMO, "percent_off": 100}))
        rooms = [
            ("Amphithéâtre", 0, 2),
            ("Salle Curie", 0, 1),
            ("Salle Curie", 1, 1),
            ("Amphithéâtre", 26, 1),
        ]
        for index, (room, hour, length) in enumerate(rooms):
            begin = starts + timedelta(hours=hour)
            _created(
                api.post(
                    f"/api/v1/events/{slug}/sessions",
                    json={
                        "title": f"Session {index + 1} : thérapies innovantes et dispositifs connectés",
                        "room": room,
                        "starts_at": begin.isoformat(),
                        "ends_at": (begin + timedelta(hours=length)).isoformat(),
                        "speakers": "Dr Claire Fontaine (CHU de Toulouse), Pr Antoine Lefèvre",
                        "capacity": 40,
                    },
                )
            )
        _created(api.put(f"/api/v1/events/{slug}/call-for-abstracts", json=call_data()))
        buyer = {"name": "Lou Girard", "email": "lou@labo.example", "country": "FR"}
        dinner = {"ticket_type": full["id"], "attendee": {"name": "Lou Girard", "email": "lou@labo.example"}}
        _created(
            api.post(
                f"/api/v1/events/{slug}/orders", json={"buyer": buyer, "tickets": [dinner], "locale": "fr"}
            )
        )
        site = Site(
            slug,
            _organisation_slug(api, live_server, slug, int(paid["id"])),
            int(paid["id"]),
            int(full["id"]),
        )
    finally:
        api.close()
    yield site


def _english_msgids() -> list[str]:
    """Pieces of English interface text that French pages must never show (long enough not to be a name)."""
    path = ROOT / "events" / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po, locale="fr")
    pieces: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        french = " ".join(message.string if isinstance(message.string, tuple) else (message.string,))
        for msgid in ids:
            for piece in re.split(r"\{\w*\}|%\(\w+\)d|%\(\w+\)s|[.:;?!()·—–]", msgid):
                piece = piece.strip(" ,")
                if len(piece) >= 14 and " " in piece and piece not in french:
                    pieces.add(piece)
    return sorted(pieces)


ENGLISH = _english_msgids()


def _visible_text(page: Page) -> str:
    return str(page.evaluate("() => document.body.innerText"))


def _check(page: Page, language: str, viewport: str, name: str) -> None:
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{name}-{language}-{viewport}.png"), full_page=True)
    assert widths[0] <= widths[1], f"{name} scrolls sideways at {viewport}: {widths[0]} px > {widths[1]} px"
    text = _visible_text(page)
    if language == "fr":
        english = [piece for piece in ENGLISH if piece in text]
        assert english == [], f"{name}: English text on a French page"
    wrong = [
        found.strip() for found in MONEY_LIKE.findall(text) if not AMOUNT[language].fullmatch(found.strip())
    ]
    assert wrong == [], f"{name}: amounts not written the {language} way"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_public_pages_fit_read_in_the_language_and_write_amounts_its_way(
    browser: Browser, live_server: str, site: Site, language: str, viewport: str
) -> None:
    context = browser.new_context(
        base_url=live_server,
        locale="fr-FR" if language == "fr" else "en-GB",
        timezone_id="Europe/Paris",
        viewport=VIEWPORTS[viewport],  # type: ignore[arg-type]
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"/?lang={language}")
        _check(page, language, viewport, "home")
        page.goto(f"/events/{site.slug}")
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        _check(page, language, viewport, "event")
        page.goto(f"/events/{site.slug}/programme")
        _check(page, language, viewport, "programme")
        page.goto(f"/events/{site.slug}/waiting-list/{site.full_type}")
        _check(page, language, viewport, "waiting-list")
        page.goto(f"/events/{site.slug}/abstracts")
        _check(page, language, viewport, "abstracts-call")
        page.goto(f"/privacy/{site.organisation_slug}")
        _check(page, language, viewport, "privacy")

        page.goto(f"/events/{site.slug}/register?type-{site.paid_type}=1")
        _check(page, language, viewport, "register")
        page.goto(f"/events/{site.slug}/register?type-{site.paid_type}=1&code={PROMO}")
        _check(page, language, viewport, "code")
        page.locator("#f-ticket-0-first_name").fill("Camille")
        page.locator("#f-ticket-0-last_name").fill("Durand")
        page.locator("#f-ticket-0-email").fill("camille@genopole.example")
        page.locator("#f-buyer-first_name").fill("Camille")
        page.locator("#f-buyer-last_name").fill("Durand")
        page.locator("#f-buyer-email").fill("camille@genopole.example")
        page.locator("#f-buyer-country").select_option("BE")
        page.locator("#f-privacy").check()
        page.locator("button.big[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]+/[\w-]+$"))
        _check(page, language, viewport, "order")
        order = httpx.get(page.url.replace("/orders/", "/api/v1/orders/"), timeout=15).json()
        page.goto(urlsplit(order["tickets"][0]["ticket_url"]).path)
        _check(page, language, viewport, "ticket")
    finally:
        context.close()
