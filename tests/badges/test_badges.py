"""Badge printing: the organiser's PDF (A6 four to a sheet, or one per page), colours, and the CLI."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest

from events.accounts.models import Role, User
from events.audit.models import AuditEntry
from events.catalogue.models import Event, TicketType
from events.ticketing.models import Ticket
from tests.badges.conftest import image_sizes_mm, pdf_pages, qr_texts
from tests.factories import csrf_from, login, make_event, make_order, make_organiser, make_ticket_type

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def setup(app: object) -> tuple[User, Event, TicketType, TicketType]:
    user = await make_organiser()
    event = await make_event(user, published=True, slug="biomed-badges")
    speaker = await make_ticket_type(event, name="Intervenant")
    attendee = await make_ticket_type(event, name="Participant")
    for _ in range(3):
        await make_order(event, attendee.id)
    for _ in range(2):
        await make_order(event, speaker.id)
    return user, event, speaker, attendee


async def test_a6x4_sheets_hold_four_badges_each_with_its_qr(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, _speaker, _attendee = setup
    await login(client, user.email)
    answer = await client.get(f"/dashboard/events/{event.slug}/badges.pdf", params={"format": "a6x4"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    pages = qr_texts(answer.content)
    assert [len(p) for p in pages] == [4, 1]
    secrets = {t.secret for t in await Ticket.filter(event_id=event.id)}
    assert {s for page in pages for s in page} == secrets
    assert min(image_sizes_mm(answer.content)) >= 40
    width, height = pdf_pages(answer.content).pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4


async def test_single_format_is_one_a6_page_per_badge_of_the_chosen_type(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, speaker, _attendee = setup
    await login(client, user.email)
    answer = await client.get(
        f"/dashboard/events/{event.slug}/badges.pdf", params={"format": "single", "ticket_type": speaker.id}
    )
    pages = pdf_pages(answer.content).pages
    assert len(pages) == 2
    width, height = pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (298, 420)  # A6
    speakers = {t.secret for t in await Ticket.filter(ticket_type_id=speaker.id)}
    assert {s for page in qr_texts(answer.content) for s in page} == speakers
    assert "INTERVENANT" in pages[0].extract_text()


async def test_badges_filtered_by_name(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, _speaker, _attendee = setup
    await login(client, user.email)
    one = await Ticket.filter(event_id=event.id).first()
    assert one is not None
    answer = await client.get(f"/dashboard/events/{event.slug}/badges.pdf", params={"q": one.attendee_name})
    assert qr_texts(answer.content) == [[one.secret]]


@pytest.mark.parametrize("params", [{"format": "a3"}, {"ticket_type": "abc"}, {"ticket_type": "999999"}])
async def test_bad_badge_choice_is_a_clear_422(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType], params: dict[str, str]
) -> None:
    user, event, _speaker, _attendee = setup
    await login(client, user.email)
    answer = await client.get(f"/dashboard/events/{event.slug}/badges.pdf", params=params)
    assert answer.status_code == 422
    assert "text/html" in answer.headers["content-type"]


async def test_badges_of_another_organisation_are_not_found(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    _user, event, _speaker, _attendee = setup
    stranger = await make_organiser()
    await login(client, stranger.email)
    assert (await client.get(f"/dashboard/events/{event.slug}/badges")).status_code == 404
    assert (await client.get(f"/dashboard/events/{event.slug}/badges.pdf")).status_code == 404


async def test_door_staff_cannot_print_badges(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, _speaker, _attendee = setup
    staff = await make_organiser(organisation=user.organisation.name, role=Role.DOOR)
    await login(client, staff.email)
    assert (await client.get(f"/dashboard/events/{event.slug}/badges.pdf")).status_code == 403


async def test_badge_page_counts_and_saves_colours_with_an_audit_row(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, speaker, attendee = setup
    await login(client, user.email)
    page = await client.get(f"/dashboard/events/{event.slug}/badges")
    assert page.status_code == 200
    assert "5 confirmed attendees" in page.text
    token = await csrf_from(client, f"/dashboard/events/{event.slug}/badges")
    form = {
        "csrf_token": token,
        f"colour-{speaker.id}": "#c0392b",
        f"colour-{attendee.id}": attendee.badge_colour,
    }
    saved = await client.post(f"/dashboard/events/{event.slug}/badges/colours", data=form)
    assert saved.status_code == 303
    await speaker.refresh_from_db()
    assert speaker.badge_colour == "#c0392b"
    assert await AuditEntry.filter(action="ticket_type.updated", object_id=str(speaker.id)).count() == 1
    assert await AuditEntry.filter(action="ticket_type.updated", object_id=str(attendee.id)).count() == 0


async def test_badge_colour_form_needs_its_csrf_token(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, speaker, _attendee = setup
    await login(client, user.email)
    answer = await client.post(
        f"/dashboard/events/{event.slug}/badges/colours", data={f"colour-{speaker.id}": "#000000"}
    )
    assert answer.status_code == 403


async def test_invalid_colour_is_refused_and_nothing_changes(
    client: httpx.AsyncClient, setup: tuple[User, Event, TicketType, TicketType]
) -> None:
    user, event, speaker, _attendee = setup
    await login(client, user.email)
    token = await csrf_from(client, f"/dashboard/events/{event.slug}/badges")
    answer = await client.post(
        f"/dashboard/events/{event.slug}/badges/colours",
        data={"csrf_token": token, f"colour-{speaker.id}": "red"},
    )
    assert answer.status_code == 422
    await speaker.refresh_from_db()
    assert speaker.badge_colour == "#0b5c8e"


async def _cli(database_url: str, *args: str) -> tuple[int, str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "main.py", "badges", *args, cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_cli_prints_a_whole_event_with_a_progress_bar(
    setup: tuple[User, Event, TicketType, TicketType], database_url: str, tmp_path: Path
) -> None:
    _user, event, _speaker, _attendee = setup
    output = tmp_path / "badges.pdf"
    code, err = await _cli(database_url, "--event", event.slug, "--format", "a6x4", "--output", str(output))
    assert code == 0, err
    assert "5/5" in err and "#" in err
    assert sum(len(page) for page in qr_texts(output.read_bytes())) == 5


async def test_cli_prints_one_ticket_type_one_badge_per_page(
    setup: tuple[User, Event, TicketType, TicketType], database_url: str, tmp_path: Path
) -> None:
    _user, event, speaker, _attendee = setup
    output = tmp_path / "speakers.pdf"
    args = (
        "--event",
        event.slug,
        "--ticket-type",
        str(speaker.id),
        "--format",
        "single",
        "--output",
        str(output),
    )
    code, err = await _cli(database_url, *args)
    assert code == 0, err
    assert len(pdf_pages(output.read_bytes()).pages) == 2


async def test_cli_names_an_unknown_event(setup: object, database_url: str, tmp_path: Path) -> None:
    code, err = await _cli(database_url, "--event", "no-such-event", "--output", str(tmp_path / "x.pdf"))
    assert code == 2
    assert "no-such-event" in err
    assert not (tmp_path / "x.pdf").exists()
