"""The app under uvicorn itself: every log line of an order, its payment, a scan and a privacy lookup holds
no e-mail address, no order or ticket secret, no token (card data never reaches us: Stripe takes it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from urllib.parse import quote

import httpx
import pytest

from settings import ROOT
from tests.factories import SELLER

PASSWORD = "correct horse battery staple"
BUYER = "camille.durand@labo-cancer.fr"
ATTENDEE = "noah.martin@biotech.fr"
OWNER = "owner@pole-sante.fr"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # a loaded machine starts slowly; a dead one fails at once
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def _run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603 — our own CLI


def _start(command: list[str], env: dict[str, str], out: IO[bytes] | None) -> subprocess.Popen[bytes]:
    sink = out if out is not None else subprocess.DEVNULL
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=sink)  # noqa: S603 — our own CLI


class Servers:
    def __init__(self, base: str, log: Path) -> None:
        self.base = base
        self.log = log


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    app_port, stripe_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{app_port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "COLLOQUE_"))},
        "DATABASE_URL": f"sqlite://{tmp_path}/app.sqlite3",
        "HOST": "127.0.0.1", "PORT": str(app_port), "BASE_URL": base,
        "STRIPE_API_BASE": f"http://127.0.0.1:{stripe_port}",
        "RUN_WORKER_IN_PROCESS": "true", "ACCESS_LOG": "true",  # the access log on: it must be scrubbed too
        "ORDER_THROTTLE": "60", "MAX_HELD_PLACES": "50",
    }  # fmt: skip
    python = sys.executable
    _run([python, "main.py", "migrate"], env)
    _run([python, "main.py", "create-organiser", "--organisation", "Pôle Santé", "--email", OWNER,
          "--password", PASSWORD], env)  # fmt: skip
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        stripe = _start([python, "-m", "events.payments.fake_stripe", "--port", str(stripe_port),
                         "--webhook-url", f"{base}/stripe/webhook"], env, None)  # fmt: skip
        app = _start([python, "main.py", "serve"], env, out)
        try:
            _wait(f"http://127.0.0.1:{stripe_port}/v1/checkout/sessions/none", stripe)
            _wait(f"{base}/healthz", app)
            yield Servers(base, log)
        finally:
            for process in (app, stripe):
                process.terminate()
                process.wait(timeout=20)


def _journey(base: str) -> list[str]:
    """An order, its card payment, a scan and a privacy lookup; the secrets met on the way."""
    with httpx.Client(base_url=base, timeout=30) as http:
        token = http.post("/api/v1/auth/token", json={"email": OWNER, "password": PASSWORD}).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        seller = {("address" if key == "legal_address" else key): value for key, value in SELLER.items()}
        assert http.patch("/api/v1/organisation/settings", headers=auth, json=seller).status_code == 200
        dates = {"starts_at": "2030-03-10T09:00:00", "ends_at": "2030-03-10T18:00:00"}
        event = http.post(
            "/api/v1/events", headers=auth, json={"title": "Journées Oncologie", **dates}
        ).json()
        slug = event["slug"]
        paid = http.post(f"/api/v1/events/{slug}/ticket-types", headers=auth,
                         json={"name": "Pass", "price": "120.00"}).json()  # fmt: skip
        assert http.post(f"/api/v1/events/{slug}/publish", headers=auth).status_code == 200
        body = {
            "buyer": {"name": "Camille Durand", "email": BUYER, "country": "FR"},
            "tickets": [{"ticket_type": paid["id"], "attendee": {"name": "Noah Martin", "email": ATTENDEE}}],
            "consents": {"privacy": True},
        }
        order = http.post(f"/api/v1/events/{slug}/orders", json=body)
        assert order.status_code == 201, order.text
        code, secret = order.json()["code"], order.json()["secret"]
        page = f"/orders/{code}/{secret}"
        assert http.get(page).status_code == 200
        checkout = http.get(f"{page}/pay")
        assert checkout.status_code in (302, 303), checkout.text
        paid_at = httpx.post(checkout.headers["location"], data={"method": "card"}, follow_redirects=True)
        assert paid_at.status_code == 200
        view = http.get(f"/api/v1/orders/{code}/{secret}").json()
        assert view["status"] == "paid", view
        ticket = view["tickets"][0]
        agenda = ticket["agenda_url"].rsplit("/", 1)[1].removesuffix(".ics")
        assert http.get(f"/agenda/{agenda}.ics").status_code == 200
        door = http.post(f"/api/v1/events/{slug}/door-tokens", headers=auth, json={"name": "Entrée"}).json()
        assert http.get(f"/scan/{slug}", params={"token": door["token"]}).status_code == 200
        scan = http.post(f"/api/v1/events/{slug}/checkin", json={"secret": ticket["secret"]},
                         headers={"Authorization": f"Bearer {door['token']}"})  # fmt: skip
        assert scan.status_code == 200, scan.text
        found = http.post("/api/v1/privacy/people", headers=auth, json={"email": BUYER})
        assert found.status_code == 200 and found.json()["orders"]
        time.sleep(6)  # one cycle of the in-process worker: the confirmation e-mails are handled
        return [secret, ticket["secret"], agenda, door["token"], token, PASSWORD]


def test_no_personal_data_or_secret_in_any_log_line(servers: Servers) -> None:
    secrets = _journey(servers.base)
    log = servers.log.read_text(encoding="utf-8", errors="replace")
    assert "POST /api/v1/events/" in log  # the access log was on, and captured
    assert "outbox" in log
    for value in [BUYER, ATTENDEE, OWNER, quote(BUYER), *secrets]:
        assert value not in log, f"{value[:6]}… appears in the server's log"
