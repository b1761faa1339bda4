"""The organiser's first event in a real browser: sign in, create, publish, seen by the public."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Organiser

TITLE = "Journée Innovation Santé"


def _local(moment: datetime) -> str:
    """The value a `datetime-local` input takes."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _sign_in(page: Page, organiser: Organiser) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(organiser.email)
    page.get_by_label("Password").fill(organiser.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def _create_event(page: Page) -> str:
    """Fill the new-event form; return the event's slug."""
    page.get_by_role("link", name="New event").click()
    starts = (datetime.now() + timedelta(days=90)).replace(hour=9, minute=0)
    page.locator("#f-title").fill(TITLE)
    page.locator("#f-description").fill("Rencontres entre laboratoires, start-up et industriels.")
    page.locator("#f-starts_at").fill(_local(starts))
    page.locator("#f-ends_at").fill(_local(starts + timedelta(hours=9, minutes=30)))
    page.locator("#f-venue").fill("Centre de congrès")
    page.locator("#f-city").fill("Montpellier")
    page.locator("#f-country").select_option("FR")
    page.locator("#f-capacity").fill("250")
    page.get_by_role("button", name="Create the event").click()
    expect(page).to_have_url(re.compile(r"/dashboard/events/[a-z0-9-]+$"))
    return page.url.rsplit("/", 1)[1]


def _assert_hidden_from_public(visitor: Page, slug: str) -> None:
    response = visitor.goto(f"/events/{slug}")
    assert response is not None
    assert response.status == 404
    visitor.goto("/")
    expect(visitor.get_by_role("link", name=TITLE)).to_have_count(0)


def test_organiser_publishes_an_event_that_visitors_then_see(
    context: BrowserContext,
    visitor_context: BrowserContext,
    organiser: Organiser,
    tmp_path: Path,
) -> None:
    page = context.new_page()
    _sign_in(page, organiser)
    slug = _create_event(page)
    publish = page.get_by_role("button", name="Publish", exact=True)
    expect(publish).to_be_visible()
    page.screenshot(path=tmp_path / "draft.png", full_page=True)

    visitor = visitor_context.new_page()
    _assert_hidden_from_public(visitor, slug)

    publish.click()
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)

    visitor.goto("/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor).to_have_url(re.compile(rf"/events/{slug}$"))
    expect(visitor.get_by_role("heading", level=1)).to_contain_text(TITLE)
    visitor.screenshot(path=tmp_path / "public.png", full_page=True)


def test_visitor_switches_the_site_to_french(visitor_context: BrowserContext) -> None:
    visitor = visitor_context.new_page()
    visitor.goto("/")
    expect(visitor.get_by_role("heading", name="Upcoming events")).to_be_visible()
    visitor.get_by_role("link", name="Français").click()
    expect(visitor.get_by_role("heading", name="Événements à venir")).to_be_visible()
    expect(visitor.locator("html")).to_have_attribute("lang", "fr")
    visitor.goto("/")
    expect(visitor.get_by_role("heading", name="Événements à venir")).to_be_visible()
