"""The organiser's daily toolkit in a real browser: overview, attendee search, export, mailing preview, send.

Walked in English and in French; the attendee list and the mailing preview are saved as screenshots
(into `SCREENSHOTS` when set, else the test's temporary folder) to be looked at. The search is typed
without accents, the list is narrowed by an answer, and the organisation's logo and colour are checked
on its public event page.
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import APIRequestContext, BrowserContext, Page, expect

from tests.browser.conftest import Organiser

LABELS = {
    "en": {"attendees": "Attendees", "search": "Search", "filter": "Filter", "export": "Attendees (CSV)",
           "save": "Save and preview", "send": "Send to", "question": "Question", "answer": "Answer"},
    "fr": {"attendees": "Participants", "search": "Rechercher", "filter": "Filtrer",
           "export": "Participants (CSV)", "save": "Enregistrer et prévisualiser", "send": "Envoyer à",
           "question": "Question", "answer": "Réponse"},
}  # fmt: skip
PEOPLE = ["Amélie Durand", "李 小龙", "Søren Ærø", "Jean-Baptiste Lefèvre", "Mariam Benali"]


def _logo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (240, 80), (164, 38, 44)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _seed(request: APIRequestContext, organiser: Organiser, title: str) -> str:
    token = request.post(
        "/api/v1/auth/token", data={"email": organiser.email, "password": organiser.password}
    )
    auth = {"Authorization": f"Bearer {token.json()['token']}"}
    look = {"colour": "#a4262c", "logo_url": _logo()}
    assert request.patch("/api/v1/organisation/settings", data=look, headers=auth).status == 200
    starts = (datetime.now() + timedelta(days=60)).replace(hour=9, minute=0, second=0, microsecond=0)
    event = request.post(
        "/api/v1/events",
        data={"title": title, "starts_at": starts.isoformat(),
              "ends_at": (starts + timedelta(hours=8)).isoformat(),
              "timezone": "Europe/Paris", "city": "Toulouse", "venue": "Centre de congrès"},
        headers=auth,
    ).json()  # fmt: skip
    slug = str(event["slug"])
    kind = request.post(
        f"/api/v1/events/{slug}/ticket-types", data={"name": "Pass", "price": "0.00"}, headers=auth
    )
    diet = request.post(
        f"/api/v1/events/{slug}/questions",
        data={"label": "Régime", "kind": "choice", "options": ["Aucun", "Végétarien"]}, headers=auth,
    ).json()["id"]  # fmt: skip
    request.post(f"/api/v1/events/{slug}/publish", headers=auth)
    for n, name in enumerate(PEOPLE):
        order = {
            "buyer": {"name": name, "email": f"buyer{n}@example.org"},
            "tickets": [{"ticket_type": kind.json()["id"],
                         "attendee": {"name": name, "email": f"p{n}@example.org",
                                      "organisation": "Labo Occitanie"},
                         "answers": {str(diet): "Végétarien" if n in (1, 3) else "Aucun"}}],
            "locale": "fr" if n % 2 else "en",
        }  # fmt: skip
        assert request.post(f"/api/v1/events/{slug}/orders", data=order).status == 201
    return slug


def _sign_in(page: Page, organiser: Organiser, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=email]").fill(organiser.email)
    page.locator("input[name=password]").fill(organiser.password)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_overview_search_export_preview_and_send(
    context: BrowserContext, organiser: Organiser, tmp_path: Path, lang: str
) -> None:
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    words = LABELS[lang]
    slug = _seed(context.request, organiser, f"Forum Biotech {lang.upper()}")
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, organiser, lang)
    page.goto(f"/dashboard/events/{slug}")
    page.get_by_role("link", name=words["attendees"], exact=True).click()
    expect(page.get_by_role("cell", name=re.compile("Søren Ærø"))).to_be_visible()
    page.get_by_label(words["question"]).select_option(label="Régime")
    page.get_by_label(words["answer"], exact=True).fill("Végétarien")
    page.get_by_role("button", name=words["filter"]).click()
    expect(page.get_by_role("link", name="Jean-Baptiste Lefèvre")).to_be_visible()
    expect(page.get_by_role("link", name="Mariam Benali")).to_have_count(0)
    page.get_by_label(words["answer"], exact=True).fill("")
    page.get_by_label(words["question"]).select_option(value="")
    page.get_by_label(words["search"]).fill("LEFEVRE")
    page.get_by_role("button", name=words["filter"]).click()
    expect(page.get_by_role("link", name="Jean-Baptiste Lefèvre")).to_be_visible()
    expect(page.get_by_role("link", name="Amélie Durand")).to_have_count(0)
    page.screenshot(path=shots / f"attendees-{lang}.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name=words["export"], exact=True).click()
    content = Path(download.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["ticket_id", "name"] and [row[1] for row in rows[1:]] == ["Jean-Baptiste Lefèvre"]

    page.goto(f"/dashboard/events/{slug}/mailings")
    page.locator("#m-subject-fr").fill("Infos pratiques pour {name}")
    page.locator("#m-body-fr").fill("Bonjour {name},\n\nVotre billet : {ticket_url}")
    page.locator("#m-subject-en").fill("Practical details for {name}")
    page.locator("#m-body-en").fill("Hello {name},\n\nYour ticket: {ticket_url}")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("pre.mail-preview")).to_contain_text("Hello Amélie Durand")
    page.screenshot(path=shots / f"mailing-preview-{lang}.png", full_page=True)
    page.get_by_role("button", name=re.compile(words["send"])).click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.goto(f"/dashboard/events/{slug}/mail-log")
    expect(page.get_by_role("cell", name="p1@example.org").first).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/dashboard/events/{slug}/attendees")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=shots / f"attendees-390-{lang}.png", full_page=True)

    page.goto(f"/events/{slug}?lang={lang}")
    logo = page.locator(".brand-logo img")
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.naturalWidth") == 240
    border = page.locator(".event-header").evaluate("header => getComputedStyle(header).borderTopColor")
    assert border == "rgb(164, 38, 44)"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=shots / f"event-390-{lang}.png", full_page=True)
