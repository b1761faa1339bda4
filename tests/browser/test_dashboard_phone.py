"""The organiser's main pages on a 390 px phone, in French and in English: nothing scrolls sideways.

An organiser signs in on an event set up like the demo (paid and free tickets, a promo code, questions, a
programme in two rooms, a check-in list, a door link, several registrations from long-named labs) and opens
each main dashboard page. A wide table scrolls inside its own box; the page itself never does.
Screenshots go to $SCREENSHOT_DIR when it is set (they are looked at by a person, not compared).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Organiser

PHONE = {"width": 390, "height": 844}
LABS = [
    ("Dr Marie-Hélène Castelnau-Delacroix", "Institut de recherche en santé digestive et nutrition"),
    ("Jean-Baptiste Lefèvre-Montségur", "Laboratoire d'immunologie translationnelle et biothérapies"),
    ("Anne-Sophie Vandenberghe", "Start-up de dispositifs médicaux connectés pour la rééducation"),
]


@dataclass(frozen=True)
class Dashboard:
    slug: str
    order_code: str


def _created(answer: httpx.Response) -> dict[str, object]:
    assert answer.status_code in (200, 201), answer.text
    return dict(answer.json())


def _set_up(api: httpx.Client) -> Dashboard:
    starts = (datetime.now(UTC) + timedelta(days=80)).replace(hour=7, minute=0, second=0, microsecond=0)
    event = _created(
        api.post(
            "/api/v1/events",
            json={
                "title": {
                    "fr": "Forum international des biothérapies et de la médecine de précision 2027",
                    "en": "International forum on biotherapies and precision medicine 2027",
                },
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(days=1, hours=9)).isoformat(),
                "venue": "Centre de congrès Pierre Baudis",
                "city": "Toulouse",
                "capacity": 450,
            },
        )
    )
    slug = str(event["slug"])
    _created(api.post(f"/api/v1/events/{slug}/publish"))
    free = _created(
        api.post(
            f"/api/v1/events/{slug}/ticket-types", json={"name": "Pass académique — doctorants", "price": "0"}
        )
    )
    _created(
        api.post(
            f"/api/v1/events/{slug}/ticket-types",
            json={
                "name": "Pass 2 jours — entreprises et industriels",
                "price": "390.00",
                "vat_rate": "20.00",
            },
        )
    )
    _created(
        api.post(f"/api/v1/events/{slug}/promo-codes", json={"code": "PARTENAIRE-2027", "percent_off": 15})
    )
    for label, kind, options in [
        (
            "Régime alimentaire particulier pour le déjeuner et le dîner de gala",
            "choice",
            ["Aucun", "Végétarien"],
        ),
        ("Souhaitez-vous rencontrer des investisseurs pendant les rendez-vous d'affaires ?", "checkbox", []),
        ("Domaine de recherche principal de votre équipe", "text", []),
    ]:
        _created(
            api.post(
                f"/api/v1/events/{slug}/questions", json={"label": label, "kind": kind, "options": options}
            )
        )
    for index, room in enumerate(
        ["Amphithéâtre Fermat", "Salle Marie Curie — niveau 2", "Amphithéâtre Fermat"]
    ):
        begin = starts + timedelta(hours=index * 2)
        _created(
            api.post(
                f"/api/v1/events/{slug}/sessions",
                json={
                    "title": f"Atelier {index + 1} : organoïdes, thérapies géniques et essais décentralisés",
                    "room": room,
                    "speakers": "Pr Claire Fontaine (CHU de Toulouse), Dr Antoine Lefèvre (Oncopole)",
                    "starts_at": begin.isoformat(),
                    "ends_at": (begin + timedelta(hours=1, minutes=30)).isoformat(),
                    "capacity": 40 if index == 1 else None,
                },
            )
        )
    _created(
        api.post(
            f"/api/v1/events/{slug}/checkin-lists",
            json={"name": "Dîner de gala au Capitole", "ticket_types": [free["id"]]},
        )
    )
    _created(api.post(f"/api/v1/events/{slug}/door-tokens", json={"name": "Accueil — hall principal"}))
    codes = []
    for name, organisation in LABS:
        email = f"{name.split()[-1].lower()}@laboratoire-de-recherche.example"
        person = {"name": name, "email": email, "organisation": organisation}
        body = {
            "buyer": {**person, "country": "FR"},
            "tickets": [{"ticket_type": free["id"], "attendee": person}],
            "locale": "fr",
        }
        codes.append(str(_created(api.post(f"/api/v1/events/{slug}/orders", json=body))["code"]))
    return Dashboard(slug, codes[0])


@pytest.fixture(scope="module")
def dashboard(live_server: str, organiser: Organiser) -> Iterator[Dashboard]:
    with httpx.Client(base_url=live_server, timeout=15) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": organiser.email, "password": organiser.password}
        )
        api.headers["Authorization"] = f"Bearer {token.json()['token']}"
        yield _set_up(api)


def _sign_in(page: Page, organiser: Organiser, language: str) -> None:
    page.goto(f"/login?lang={language}")
    page.locator("#f-email").fill(organiser.email)
    page.locator("#f-password").fill(organiser.password)
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def _pages(dashboard: Dashboard) -> dict[str, str]:
    event = f"/dashboard/events/{dashboard.slug}"
    return {
        "home": "/dashboard",
        "event": event,
        "tickets": f"{event}/tickets",
        "questions": f"{event}/questions",
        "orders": f"{event}/orders",
        "order": f"{event}/orders/{dashboard.order_code}",
        "attendees": f"{event}/attendees",
        "programme": f"{event}/programme",
        "badges": f"{event}/badges",
        "checkin": f"{event}/checkin",
        "settings": "/dashboard/settings",
        "tokens": "/dashboard/tokens",
    }


@pytest.mark.parametrize("language", ["fr", "en"])
def test_dashboard_pages_do_not_scroll_sideways_on_a_phone(
    browser: Browser, live_server: str, organiser: Organiser, dashboard: Dashboard, language: str
) -> None:
    context = browser.new_context(
        base_url=live_server,
        locale="fr-FR" if language == "fr" else "en-GB",
        timezone_id="Europe/Paris",
        viewport=PHONE,  # type: ignore[arg-type]
    )
    context.set_default_timeout(10_000)
    shots = os.environ.get("SCREENSHOT_DIR")
    try:
        page = context.new_page()
        _sign_in(page, organiser, language)
        too_wide = {}
        for name, path in _pages(dashboard).items():
            answer = page.goto(path)
            assert answer is not None and answer.status == 200, f"{name}: {answer and answer.status}"
            assert page.locator("html").get_attribute("lang") == language
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(
                    path=str(Path(shots) / f"dashboard-{name}-{language}-phone.png"), full_page=True
                )
            width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
            if width > inner:
                too_wide[name] = width
        assert too_wide == {}, f"pages wider than {PHONE['width']} px"
    finally:
        context.close()
