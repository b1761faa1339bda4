"""B2B meetings in a real browser: two participants make profiles, one asks, the other accepts, the
organiser schedules and publishes, and both see the meeting in their space (no JavaScript needed)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import Organiser

PHONE = {"width": 390, "height": 844}


def _event_with_two_participants(base_url: str, organiser: Organiser) -> tuple[str, list[str]]:
    """Set up through the public API: an event, partnering on, two free registrations."""
    with httpx.Client(base_url=base_url, timeout=30) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": organiser.email, "password": organiser.password}
        )
        auth = {"Authorization": f"Bearer {token.json()['token']}"}
        starts = (datetime.now(UTC) + timedelta(days=40)).replace(hour=7, minute=0, second=0, microsecond=0)
        ends = starts + timedelta(hours=9)
        event = api.post("/api/v1/events", headers=auth, json={
            "title": "Rencontres B2B Biotech", "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(), "city": "Toulouse", "country": "FR"})  # fmt: skip
        slug = event.json()["slug"]
        kind = api.post(
            f"/api/v1/events/{slug}/ticket-types", headers=auth, json={"name": "Pass", "price": "0.00"}
        )
        api.post(f"/api/v1/events/{slug}/publish", headers=auth)
        window = {"starts_at": (starts + timedelta(hours=2)).isoformat(),
                  "ends_at": (starts + timedelta(hours=4)).isoformat()}  # fmt: skip
        topics = [{"fr": "Oncologie", "en": "Oncology"}, "Diagnostics"]
        setup = api.put(f"/api/v1/events/{slug}/partnering", headers=auth, json={
            "enabled": True, "meeting_minutes": 30, "windows": [window], "tables": 4, "max_meetings": 4,
            "table_names": ["Garonne"], "topics": topics})  # fmt: skip
        assert setup.status_code == 200, setup.text
        urls = []
        for name, organisation in (("Hugo Marchand", "Inserm U1037"), ("Amina Diallo", "Pierre Fabre")):
            order: dict[str, Any] = api.post(f"/api/v1/events/{slug}/orders", json={
                "buyer": {"name": name, "email": f"{name.split()[0].lower()}@example.org", "country": "FR"},
                "tickets": [{"ticket_type": kind.json()["id"],
                             "attendee": {"name": name, "email": f"{name.split()[0].lower()}@example.org",
                                          "organisation": organisation}}],
                "locale": "en"}).json()  # fmt: skip
            urls.append(urlsplit(str(order["tickets"][0]["partnering_url"])).path)
    return slug, urls


def _make_profile(page: Page, url: str, headline: str, kind: str) -> None:
    page.goto(url)
    page.get_by_label("Show my profile to the other participants").check()
    page.get_by_label("Organisation kind", exact=True).last.select_option(kind)
    page.get_by_label("Headline").fill(headline)
    page.get_by_label("Oncology").check()
    page.get_by_label("What I offer").fill("Preclinical models: patient-derived organoids")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved.")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_two_participants_meet_after_the_organiser_schedules_and_publishes(
    browser: Browser, context: BrowserContext, live_server: str, organiser: Organiser, tmp_path: Path
) -> None:
    slug, (lab_url, pharma_url) = _event_with_two_participants(live_server, organiser)
    lab_context = browser.new_context(base_url=live_server, locale="en-GB", viewport=PHONE)
    pharma_context = browser.new_context(base_url=live_server, locale="en-GB")
    try:
        lab, pharma = lab_context.new_page(), pharma_context.new_page()
        _make_profile(lab, lab_url, "Cancer immunotherapy team", "lab")
        _make_profile(pharma, pharma_url, "Open innovation in oncology", "large_company")

        pharma.goto(pharma_url + "#directory")
        card = pharma.locator("li.card", has_text="Hugo Marchand")
        card.get_by_label("Message to Hugo Marchand").fill("Shall we talk about your organoids?")
        card.get_by_role("button", name="Ask for a meeting").click()
        expect(pharma.get_by_role("status")).to_contain_text("Your request has been sent.")

        lab.goto(lab_url + "#requests")
        lab.get_by_role("button", name="Accept").click()
        expect(lab.get_by_role("status")).to_contain_text("Request accepted")

        organiser_page = context.new_page()
        organiser_page.goto("/login")
        organiser_page.get_by_label("E-mail").fill(organiser.email)
        organiser_page.get_by_label("Password").fill(organiser.password)
        organiser_page.get_by_role("button", name="Sign in").click()
        expect(organiser_page).to_have_url(re.compile(r"/dashboard$"))
        organiser_page.goto(f"/dashboard/events/{slug}/partnering/schedule")
        organiser_page.get_by_role("button", name="Place the accepted requests").click()
        expect(organiser_page.get_by_role("status")).to_contain_text("1 meeting placed by this run")
        organiser_page.get_by_role("button", name="Publish and e-mail the agendas").click()
        expect(organiser_page.get_by_role("status")).to_contain_text("The schedule is published")

        for page, other in ((lab, "Amina Diallo"), (pharma, "Hugo Marchand")):
            page.goto((lab_url if page is lab else pharma_url) + "#agenda")
            agenda = page.locator("#agenda")
            expect(agenda).to_contain_text(other)
            expect(agenda).to_contain_text("Table")
        _no_sideways_scroll(lab)
        lab.screenshot(path=tmp_path / "participant-space-phone.png", full_page=True)
        pharma.screenshot(path=tmp_path / "participant-space.png", full_page=True)

        organiser_page.goto(f"/dashboard/events/{slug}/partnering/tables")
        organiser_page.get_by_label("Slot").select_option(index=0)
        organiser_page.get_by_role("button", name="Show").click()
        expect(organiser_page.locator("li.card", has_text="Table 1")).to_contain_text("Hugo Marchand")
        organiser_page.screenshot(path=tmp_path / "organiser-tables.png", full_page=True)
        organiser_page.goto(f"/dashboard/events/{slug}/partnering/schedule")
        expect(organiser_page.locator("table")).to_contain_text("Hugo Marchand")
        organiser_page.screenshot(path=tmp_path / "organiser-schedule.png", full_page=True)
    finally:
        lab_context.close()
        pharma_context.close()
