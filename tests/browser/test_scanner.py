"""The door scanner in Chromium: a fake camera showing a badge, a handheld scanner typing, and axe-core.

The fake camera plays a Y4M video made here in pure Python (header, then raw YUV 4:2:0 frames with the
QR drawn into the luma plane): two seconds of the badge, then two and a half seconds of nothing, looped
by Chromium, like a badge shown, taken away and shown again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect

from events.badges import qr
from tests.browser.conftest import CHROMIUM_FLAGS, CHROMIUM_PATH, Organiser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
WIDTH, HEIGHT, FPS = 480, 360, 10
BADGE_FRAMES, EMPTY_FRAMES = 20, 25


@dataclass(frozen=True)
class Door:
    slug: str
    token: str
    camera_secret: str
    wedge_secret: str
    attendee: str

    @property
    def scanner(self) -> str:
        return f"/scan/{self.slug}?token={self.token}&lang=en"


def _api(
    client: httpx.Client, method: str, path: str, token: str | None = None, **body: object
) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = client.request(method, f"/api/v1{path}", json=body or None, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, object] = answer.json()
    return result


@pytest.fixture(scope="module")
def door(live_server: str, organiser: Organiser) -> Door:
    """An event with two free badges and a door link, made through the public API of the live app."""
    with httpx.Client(base_url=live_server, timeout=30) as client:
        token = str(
            _api(client, "POST", "/auth/token", email=organiser.email, password=organiser.password)["token"]
        )
        event = _api(
            client, "POST", "/events", token, title="Journées Biotech Occitanie", venue="Centre de congrès",
            starts_at="2031-09-15T09:00:00+02:00", ends_at="2031-09-15T18:00:00+02:00",
        )  # fmt: skip
        slug = str(event["slug"])
        _api(client, "POST", f"/events/{slug}/publish", token)
        pass_type = _api(
            client, "POST", f"/events/{slug}/ticket-types", token, name="Pass congrès", price="0.00"
        )
        attendees = [
            {"ticket_type": pass_type["id"], "attendee": {"name": name, "organisation": "Inserm"}}
            for name in ("Camille Dubreuil", "Yanis Benali")
        ]
        buyer = {"name": "Camille Dubreuil", "email": "camille@example.org", "country": "FR"}
        order = _api(client, "POST", f"/events/{slug}/orders", buyer=buyer, tickets=attendees, locale="en")
        tickets = order["tickets"]
        assert isinstance(tickets, list)
        door_token = str(_api(client, "POST", f"/events/{slug}/door-tokens", token, name="Accueil")["token"])
    return Door(slug, door_token, tickets[0]["secret"], tickets[1]["secret"], "Camille Dubreuil")


def _y4m(secret: str, path: Path) -> Path:
    """A looping fake-camera video: the badge's QR on white, then a blank frame, in YUV 4:2:0."""
    code = qr.image(secret, box_size=6, border=4).convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2) * 2)
    badge = b"FRAME\n" + frame.tobytes() + chroma
    empty = b"FRAME\n" + bytes([235]) * (WIDTH * HEIGHT) + chroma
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{FPS}:1 Ip A1:1 C420jpeg\n".encode())
        video.write(badge * BADGE_FRAMES + empty * EMPTY_FRAMES)
    return path


@pytest.fixture(scope="module")
def camera_browser(
    playwright: Playwright, door: Door, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Chromium whose camera films the first badge (the camera flags are per browser, not per context)."""
    video = _y4m(door.camera_secret, tmp_path_factory.mktemp("camera") / "badge.y4m")
    flags = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_FLAGS + flags)
    yield chromium
    chromium.close()


@pytest.fixture
def camera_context(camera_browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    context = camera_browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/Paris")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _answer(page: Page, status: str, console: list[str] | None = None) -> None:
    try:
        expect(page.locator("body")).to_have_attribute("data-last-status", status, timeout=20_000)
    except AssertionError as error:  # say which stage stopped: frames read, scans in flight, the console
        stages = page.locator("#scanner").evaluate("(root) => JSON.stringify(root.dataset)")
        raise AssertionError(f"{error}\nscanner: {stages}\nconsole: {console or []}") from None


def test_camera_scan_turns_green_then_amber_on_the_second_scan(
    camera_context: BrowserContext, door: Door
) -> None:
    page = camera_context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("requestfailed", lambda request: console.append(f"request failed: {request.url}"))
    page.goto(door.scanner)
    expect(page.locator("#scanner")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Start the camera").click()
    expect(page.locator("#scanner")).to_have_attribute("data-camera", "zxing")  # no BarcodeDetector on Linux
    # the camera's frames are being read
    expect(page.locator("#scanner")).to_have_attribute("data-frames", re.compile(r"^[1-9]"))
    _answer(page, "ok", console)
    result = page.locator("#scan-result")
    expect(result).to_have_class("scan-result scan-ok")
    expect(page.locator("#scan-result-name")).to_have_text(door.attendee)
    expect(page.locator("#scan-result-detail")).to_have_text("Inserm · Pass congrès")
    _answer(page, "already_redeemed", console)
    expect(result).to_have_class("scan-result scan-warn")
    expect(page.locator("#scan-result-title")).to_contain_text("Already checked in at")
    expect(page.locator("#last-scans li")).to_have_count(2)


def test_handheld_scanner_checks_two_badges_in_a_row_without_reloading(
    context: BrowserContext, door: Door
) -> None:
    page = context.new_page()
    navigations: list[str] = []
    page.goto(door.scanner)
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    expect(page.locator("#scanner")).to_have_attribute("data-ready", "true")
    page.evaluate("window.loadId = Math.random()")
    load_id = page.evaluate("window.loadId")

    page.keyboard.type(door.wedge_secret, delay=0)
    page.keyboard.press("Enter")
    _answer(page, "ok")
    expect(page.locator("#scan-result-name")).to_have_text("Yanis Benali")
    expect(page.locator("#scan-input")).to_have_value("")

    page.get_by_role("heading", name="Last scans").click()  # focus wanders: the scanner's keys still land
    page.keyboard.type(door.wedge_secret, delay=0)
    page.keyboard.press("Enter")
    _answer(page, "already_redeemed")
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-warn")

    page.keyboard.type("not-a-badge", delay=0)
    page.keyboard.press("Enter")
    _answer(page, "invalid")
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-bad")

    assert navigations == []
    assert page.evaluate("window.loadId") == load_id
    expect(page.locator("#last-scans li")).to_have_count(3)


def _axe(page: Page) -> list[dict[str, object]]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))
             .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))"""
    )
    assert isinstance(found, list)
    return found


@pytest.fixture
def axe_context(browser: Browser, live_server: str) -> Iterator[BrowserContext]:
    """The page's CSP forbids injected scripts, rightly: only this test context bypasses it for axe."""
    context = browser.new_context(base_url=live_server, locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def test_scanner_page_passes_axe_before_and_during_an_answer(axe_context: BrowserContext, door: Door) -> None:
    page = axe_context.new_page()
    page.goto(door.scanner)
    expect(page.locator("#scanner")).to_have_attribute("data-ready", "true")
    assert _axe(page) == []
    page.locator("#scan-input").fill("not-a-badge")
    page.keyboard.press("Enter")
    _answer(page, "invalid")
    violations = _axe(page)
    assert violations == [], json.dumps(violations)


def test_scanner_page_reads_in_french(context: BrowserContext, door: Door) -> None:
    page = context.new_page()
    page.goto(door.scanner.replace("lang=en", "lang=fr"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
