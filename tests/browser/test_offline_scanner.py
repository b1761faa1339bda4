"""The door with no network, in Chromium: the page comes back from its service worker, badges are decided
from the offline pack (green, amber, red, red), and back online the queue syncs to exactly one entry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Organiser


@dataclass(frozen=True)
class OfflineDoor:
    slug: str
    token: str
    organiser_token: str
    valid: str
    cancelled: str

    @property
    def scanner(self) -> str:
        return f"/scan/{self.slug}?token={self.token}&lang=en"


def _call(client: httpx.Client, method: str, path: str, token: str | None = None, **body: object) -> object:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = client.request(method, f"/api/v1{path}", json=body or None, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _order(client: httpx.Client, slug: str, type_id: object, name: str) -> dict[str, object]:
    buyer = {"name": name, "email": "door@example.org", "country": "FR"}
    tickets = [{"ticket_type": type_id, "attendee": {"name": name, "organisation": "CNRS"}}]
    order = _call(client, "POST", f"/events/{slug}/orders", buyer=buyer, tickets=tickets, locale="en")
    assert isinstance(order, dict)
    return order


@pytest.fixture(scope="module")
def offline_door(live_server: str, organiser: Organiser) -> OfflineDoor:
    """An event allowing names offline, a valid badge, a cancelled one and a door link."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        login = _call(client, "POST", "/auth/token", email=organiser.email, password=organiser.password)
        assert isinstance(login, dict)
        token = str(login["token"])
        event = _call(
            client, "POST", "/events", token, title="Rencontres Santé Numérique", offline_names=True,
            starts_at="2031-10-02T09:00:00+02:00", ends_at="2031-10-02T18:00:00+02:00",
        )  # fmt: skip
        assert isinstance(event, dict)
        slug = str(event["slug"])
        _call(client, "POST", f"/events/{slug}/publish", token)
        pass_type = _call(
            client, "POST", f"/events/{slug}/ticket-types", token, name="Pass journée", price="0.00"
        )
        assert isinstance(pass_type, dict)
        valid = _order(client, slug, pass_type["id"], "Inès Garnier")
        cancelled = _order(client, slug, pass_type["id"], "Paul Roux")
        _call(client, "POST", f"/events/{slug}/orders/{cancelled['code']}/cancel", token, refund=False)
        door = _call(client, "POST", f"/events/{slug}/door-tokens", token, name="Hall B")
        assert isinstance(door, dict)
    secret = lambda order: str(order["tickets"][0]["secret"])  # type: ignore[index]  # noqa: E731
    return OfflineDoor(slug, str(door["token"]), token, secret(valid), secret(cancelled))


@pytest.fixture
def shots(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


def _forged(secret: str) -> str:
    """The same layout with one character of the signature changed: well formed, wrongly signed."""
    at = len(secret) - 20
    return secret[:at] + ("B" if secret[at] == "A" else "A") + secret[at + 1 :]


def _scan(page: Page, text: str, status: str, colour: str) -> None:
    page.keyboard.type(text, delay=0)
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_have_attribute("data-last-status", status)
    expect(page.locator("#scan-result")).to_have_class(f"scan-result scan-{colour}")
    page.locator("#scan-result").click()  # the next badge


def test_offline_door_reloads_from_its_worker_decides_locally_and_syncs_once(
    context: BrowserContext, offline_door: OfflineDoor, live_server: str, shots: Path
) -> None:
    page = context.new_page()
    page.goto(offline_door.scanner)
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-offline-ready", "true")
    expect(scanner).to_have_attribute("data-worker", "active")
    page.screenshot(path=str(shots / "scanner-online.png"), full_page=True)

    context.set_offline(True)
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker
    expect(scanner).to_have_attribute("data-offline-ready", "true")
    expect(scanner).to_have_attribute("data-online", "false")

    _scan(page, offline_door.valid, "ok", "ok")
    expect(page.locator("#scan-result-name")).to_have_text("Inès Garnier")
    expect(scanner).to_have_attribute("data-verifier", "webcrypto")  # Chromium has Ed25519 in WebCrypto
    _scan(page, offline_door.valid, "already_redeemed", "warn")
    _scan(page, _forged(offline_door.valid), "invalid", "bad")
    _scan(page, offline_door.cancelled, "cancelled", "bad")
    expect(scanner).to_have_attribute("data-queued", "3")
    expect(page.locator("#door-status")).to_contain_text("3 scans waiting")
    expect(page.locator("#door-status")).to_contain_text("Offline since")
    page.screenshot(path=str(shots / "scanner-offline.png"), full_page=True)

    context.set_offline(False)
    expect(scanner).to_have_attribute("data-queued", "0")
    expect(scanner).to_have_attribute("data-synced", "3")
    with httpx.Client(base_url=live_server, timeout=30) as client:
        headers = {"Authorization": f"Bearer {offline_door.organiser_token}"}
        stats = client.get(f"/api/v1/events/{offline_door.slug}/checkin/stats", headers=headers).json()
        conflicts = client.get(
            f"/api/v1/events/{offline_door.slug}/checkin/conflicts", headers=headers
        ).json()
    main = stats["lists"][0]  # the main list comes first
    assert (main["checked_in"], main["inside"]) == (1, 1)
    assert conflicts == {"conflicts": []}


NO_WEBCRYPTO_ED25519 = """
(() => {
  const importKey = crypto.subtle.importKey.bind(crypto.subtle);
  crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
    (algorithm && (algorithm === "Ed25519" || algorithm.name === "Ed25519"))
      ? Promise.reject(new DOMException("not supported", "NotSupportedError"))
      : importKey(format, key, algorithm, ...rest);
})();
"""


def test_offline_door_verifies_with_the_vendored_ed25519_without_webcrypto(
    context: BrowserContext, offline_door: OfflineDoor
) -> None:
    context.add_init_script(NO_WEBCRYPTO_ED25519)
    page = context.new_page()
    page.goto(offline_door.scanner)
    scanner = page.locator("#scanner")
    expect(scanner).to_have_attribute("data-offline-ready", "true")
    context.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")

    _scan(page, _forged(offline_door.cancelled), "invalid", "bad")
    expect(scanner).to_have_attribute("data-verifier", "noble")
    _scan(page, offline_door.cancelled, "cancelled", "bad")
    context.set_offline(False)
