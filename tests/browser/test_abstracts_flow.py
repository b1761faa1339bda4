"""The scientific programme in a real browser: a researcher submits in French, a reviewer scores,
the organiser accepts and schedules the talk, and the public programme shows it."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import REVIEWER, Organiser

TITLE = "Nanoparticules lipidiques pour la vaccination muqueuse"


def _prepare(live_server: str, organiser: Organiser) -> tuple[str, datetime]:
    """A published event with an open call, through the organiser's JSON API."""
    with httpx.Client(base_url=live_server) as api:
        token = api.post(
            "/api/v1/auth/token", json={"email": organiser.email, "password": organiser.password}
        )
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        starts = (datetime.now(UTC) + timedelta(days=100)).replace(hour=7, minute=0, second=0, microsecond=0)
        event = api.post(
            "/api/v1/events",
            json={"title": "Rencontres Vaccins 2031", "starts_at": starts.isoformat(),
                  "ends_at": (starts + timedelta(hours=10)).isoformat()},
            headers=headers,
        )  # fmt: skip
        slug = event.json()["slug"]
        api.post(f"/api/v1/events/{slug}/publish", headers=headers)
        now = datetime.now(UTC)
        call = {
            "opens_at": (now - timedelta(days=1)).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat(),
            "tracks": [{"name": "Vaccinologie"}, {"name": "Immunologie"}],
            "contribution_types": ["oral", "poster"],
            "max_words": 120,
            "blind": True,
            "review_questions": [{"text": "Originalité", "max_score": 5}],
        }
        assert (
            api.put(f"/api/v1/events/{slug}/call-for-abstracts", json=call, headers=headers).status_code
            == 200
        )
    return slug, starts


def _sign_in(page: Page, who: Organiser, landing: str) -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(who.email)
    page.locator("input[name=password]").fill(who.password)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(landing))


def _submit_in_french(browser: Browser, live_server: str, slug: str, shots: Path) -> None:
    context = browser.new_context(base_url=live_server, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/events/{slug}/abstracts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Appel à communications")
    page.locator("#f-title").fill(TITLE)
    page.locator("#f-track").select_option(label="Vaccinologie")
    page.get_by_label("Communication orale").check()
    page.locator("#f-body").fill("Nous décrivons des nanoparticules lipidiques administrées par voie nasale.")
    expect(page.locator("[data-word-count]")).to_have_text("9")
    page.locator("[id='f-authors.0.name']").fill("Chloé Bernard")
    page.locator("[id='f-authors.0.email']").fill("chloe.bernard@univ-test.fr")
    page.locator("[id='f-authors.0.affiliation']").fill("Université de Test")
    page.locator("[id='f-submitter.name']").fill("Chloé Bernard")
    page.locator("[id='f-submitter.email']").fill("chloe.bernard@univ-test.fr")
    page.screenshot(path=shots / "1-submit-fr.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Soumettre le résumé").click()
    expect(page.get_by_role("status")).to_contain_text("Votre résumé a été soumis")
    page.screenshot(path=shots / "2-submitted-fr.png", full_page=True)
    context.close()


def _organiser_assigns(page: Page, slug: str) -> None:
    page.goto(f"/dashboard/events/{slug}/abstracts")
    page.locator("#f-user_id").select_option(label="Relectrice")
    page.get_by_label("Vaccinologie").check()
    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("enrolled")
    page.locator("#f-per_abstract").fill("1")
    page.get_by_role("button", name="Assign the abstracts").click()
    expect(page.get_by_text("0 of 1 reviewed")).to_be_visible()


def _reviewer_reviews(browser: Browser, live_server: str, shots: Path) -> None:
    context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/Paris")
    page = context.new_page()
    _sign_in(page, REVIEWER, r"/reviews$")
    page.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page.get_by_text("Chloé Bernard")).to_have_count(0)
    page.get_by_label(re.compile("Originalité")).fill("5")
    page.get_by_label("Accept as: Oral presentation").check()
    page.screenshot(path=shots / "3-review.png", full_page=True)
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("status")).to_contain_text("Your review is saved")
    context.close()


def _organiser_accepts_and_schedules(page: Page, slug: str, starts: datetime, shots: Path) -> None:
    page.goto(f"/dashboard/events/{slug}/abstracts")
    expect(page.get_by_text("1 review ·")).to_be_visible()
    page.get_by_text("Decide").click()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("status")).to_contain_text("decision is saved")
    page.locator("summary", has_text="Programme").click()
    talk = starts.astimezone().replace(tzinfo=None) + timedelta(hours=3)
    page.locator("#f-starts_at").fill(talk.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#f-ends_at").fill((talk + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#f-room").fill("Amphithéâtre Pasteur")
    page.get_by_role("button", name="Put in the programme").click()
    expect(page.get_by_role("status")).to_contain_text("in the programme")
    page.screenshot(path=shots / "4-committee.png", full_page=True)


def test_submit_in_french_review_accept_schedule_and_see_the_talk_in_the_programme(
    browser: Browser, context: BrowserContext, live_server: str, organiser: Organiser, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("SCREENSHOTS_DIR", tmp_path))
    slug, starts = _prepare(live_server, organiser)
    _submit_in_french(browser, live_server, slug, shots)
    page = context.new_page()
    _sign_in(page, organiser, r"/dashboard$")
    _organiser_assigns(page, slug)
    _reviewer_reviews(browser, live_server, shots)
    _organiser_accepts_and_schedules(page, slug, starts, shots)
    page.goto(f"/events/{slug}/programme")
    expect(page.get_by_text(TITLE)).to_be_visible()
    expect(page.get_by_text("Chloé Bernard")).to_be_visible()
    page.screenshot(path=shots / "5-programme.png", full_page=True)
