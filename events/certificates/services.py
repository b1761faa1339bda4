"""Certificates of attendance: who earns one, issuing them once, and finding one by its code.

Attendance is what the door recorded: an entry at any of the event's lists counts as "checked in at the
event", and an entry in a session's room (a list tied to a programme session, `checkin/rooms.py`) as
attending that session. The organiser issues certificates once the event has started; each ticket gets
at most one (the database holds one per ticket), e-mailed once through the outbox to the attendee, or
to the buyer when the attendee gave no address, so issuing again sends nothing more.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, Session, SessionStatus
from events.certificates.models import Certificate, CertificateRules, CertificateSession
from events.certificates.schemas import CertificatesIn
from events.checkin.models import ListTicketState
from events.checkin.services import standing
from events.errors import N_, Conflict, Invalid, NotFound
from events.i18n import gettext
from events.mail import services as mail
from events.ticketing.models import Ticket
from events.validation import validate
from settings import settings

logger = logging.getLogger(__name__)

CODE_MAX_LENGTH = 32


class EventNotStarted(Conflict):
    code = "event_not_started"
    default_message = N_("Certificates can be issued once the event has started.")


class NoCertificateRules(Conflict):
    code = "no_certificate_rules"
    default_message = N_("Set the rules of the certificates first.")


def certificate_url(code: str) -> str:
    return f"{settings.base_url}/certificates/{code}"


async def rules(event: Event) -> CertificateRules | None:
    return await CertificateRules.get_or_none(event_id=event.id)


def rules_out(found: CertificateRules | None) -> dict[str, object]:
    if found is None:
        return {"rule": {"event_checkin": False, "min_sessions": 0, "sessions": []},
                "title": {"fr": "", "en": ""}, "signatory": ""}  # fmt: skip
    return {
        "rule": {
            "event_checkin": found.event_checkin,
            "min_sessions": found.min_sessions,
            "sessions": found.sessions,
        },
        "title": {"fr": found.title_fr, "en": found.title_en},
        "signatory": found.signatory,
    }


async def set_rules(user: User, event: Event, data: object) -> CertificateRules:
    """The event's rules (PUT: every field given or its default), with an audit row."""
    values = validate(CertificatesIn, data)
    wanted = set(values.rule.sessions)
    if wanted and await Session.filter(event_id=event.id, id__in=wanted).count() != len(wanted):
        raise Invalid({"rule": gettext(N_("Choose sessions of this event's programme."))})
    title_fr, title_en = values.titles()
    fields: dict[str, Any] = {
        "event_checkin": values.rule.event_checkin,
        "min_sessions": values.rule.min_sessions,
        "sessions": sorted(wanted),
        "title_fr": title_fr,
        "title_en": title_en,
        "signatory": values.signatory,
    }
    async with in_transaction():
        found = await CertificateRules.get_or_none(event_id=event.id)
        before = rules_out(found) if found else None
        if found is None:
            found = await CertificateRules.create(event_id=event.id, **fields)
        else:
            await found.update_from_dict(fields).save()
        await audit.record(
            user, event.organisation_id, "certificates.rules_set", "event", event.id,
            before=before, after=rules_out(found),
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class Attendance:
    """What the door recorded of one ticket: any entry at the event, and the sessions' rooms entered."""

    checked_in: bool
    sessions: frozenset[int]


async def attendance(event: Event) -> dict[int, Attendance]:
    rows = await ListTicketState.filter(checkin_list__event_id=event.id, entries__gt=0).values_list(
        "ticket_id", "checkin_list__session_id"
    )
    rooms: dict[int, set[int]] = defaultdict(set)
    for ticket_id, session_id in rows:
        rooms[int(ticket_id)]
        if session_id is not None:
            rooms[int(ticket_id)].add(int(session_id))
    return {ticket_id: Attendance(True, frozenset(found)) for ticket_id, found in rooms.items()}


def counted(found: CertificateRules, attended: Attendance) -> frozenset[int]:
    return attended.sessions & frozenset(found.sessions) if found.sessions else attended.sessions


def earns(found: CertificateRules, attended: Attendance | None) -> bool:
    """The rule: present at all, checked in at the event when asked, and enough of the sessions that count."""
    if attended is None:
        return False
    if found.event_checkin and not attended.checked_in:
        return False
    return len(counted(found, attended)) >= found.min_sessions


def _session_line(session: Session) -> CertificateSession:
    return {
        "id": session.id,
        "title": session.title,
        "title_en": session.title_en,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room,
    }


async def _issue_one(event: Event, ticket: Ticket, sessions: list[Session]) -> Certificate | None:
    """One certificate and its e-mail in one transaction; None when the ticket already has one."""
    order = ticket.order
    try:
        async with in_transaction():
            certificate = await Certificate.create(
                event_id=event.id, ticket_id=ticket.id, code=secrets.token_urlsafe(16),
                locale=order.locale if order.locale in ("fr", "en") else "fr",
                attendee_name=ticket.attendee_name, organisation=ticket.attendee_organisation,
                sessions=[_session_line(s) for s in sessions], issued_at=clock.now(),
            )  # fmt: skip
            context = {"name": ticket.attendee_name, "event": event, "url": certificate_url(certificate.code)}
            await mail.enqueue_template(
                "mail/certificate", to=ticket.attendee_email or order.buyer_email, locale=certificate.locale,
                context=context,
                kind="certificate", dedupe_key=f"certificate:{certificate.id}",
                attachments=[{"kind": "certificate", "certificate_id": certificate.id}],
            )  # fmt: skip
    except IntegrityError:  # another issue run made this ticket's certificate first
        return None
    return certificate


async def issue(user: User, event: Event) -> int:
    """Certificates for every ticket that earned one and has none yet; the number made by this call."""
    if not can_issue(event):
        raise EventNotStarted()
    found = await rules(event)
    if found is None:
        raise NoCertificateRules()
    present = await attendance(event)
    done = {c.ticket_id for c in await Certificate.filter(event_id=event.id).only("id", "ticket_id")}
    programme = {
        s.id: s for s in await Session.filter(event_id=event.id).exclude(status=SessionStatus.CANCELLED)
    }
    tickets = await Ticket.filter(event_id=event.id).select_related("order").order_by("id")
    issued = 0
    for ticket in tickets:
        attended = present.get(ticket.id)
        if (
            ticket.id in done
            or standing(ticket.status, ticket.order.status) != "valid"
            or not earns(found, attended)
        ):
            continue
        assert attended is not None
        sessions = sorted(
            (programme[i] for i in counted(found, attended) if i in programme),
            key=lambda s: (s.starts_at, s.id),
        )
        if await _issue_one(event, ticket, sessions) is not None:
            issued += 1
    async with in_transaction():
        await audit.record(
            user, event.organisation_id, "certificates.issued", "event", event.id, after={"issued": issued}
        )
    logger.info("certificates issued for event %s: %d", event.id, issued)
    return issued


@dataclass(frozen=True)
class Standing:
    """Where one attendee stands for a certificate, as the organiser's page lists them."""

    ticket: Ticket
    checked_in: bool
    sessions: int
    """The sessions attended that count under the rules (every session attended without rules)."""
    earns: bool
    code: str | None
    """The certificate's code, once issued."""


async def standings(event: Event) -> list[Standing]:
    """Every valid ticket the door saw or that has a certificate, by institution then name."""
    found = await rules(event)
    present = await attendance(event)
    codes = {
        int(ticket_id): str(code)
        for ticket_id, code in await Certificate.filter(event_id=event.id).values_list("ticket_id", "code")
    }
    tickets = await Ticket.filter(event_id=event.id, id__in=set(present) | set(codes)).select_related("order")
    listed = []
    for ticket in tickets:
        if standing(ticket.status, ticket.order.status) != "valid" and ticket.id not in codes:
            continue
        attended = present.get(ticket.id)
        sessions = counted(found, attended) if found and attended else (attended.sessions if attended else ())
        listed.append(
            Standing(
                ticket=ticket,
                checked_in=attended is not None,
                sessions=len(sessions),
                earns=found is not None and earns(found, attended),
                code=codes.get(ticket.id),
            )
        )
    return sorted(listed, key=lambda s: (s.ticket.attendee_organisation.casefold(), s.ticket.attendee_name))


def can_issue(event: Event) -> bool:
    return clock.now() >= event.starts_at


async def by_code(code: str) -> Certificate:
    """A certificate by its code (bounded before any query); a forged or mistyped one does not exist."""
    if (
        not 0 < len(code) <= CODE_MAX_LENGTH
        or not code.isascii()
        or not code.replace("-", "").replace("_", "").isalnum()
    ):
        raise NotFound()
    found = await Certificate.get_or_none(code=code).select_related("event", "event__organisation", "ticket")
    if found is None:
        raise NotFound()
    return found


async def codes_for(ticket_ids: list[int]) -> dict[int, str]:
    """Certificate codes of these tickets (those that have one), for their `certificate_url`."""
    if not ticket_ids:
        return {}
    rows = await Certificate.filter(ticket_id__in=ticket_ids).values_list("ticket_id", "code")
    return {int(ticket_id): str(code) for ticket_id, code in rows}


async def issued(event: Event) -> list[Certificate]:
    return await Certificate.filter(event_id=event.id).order_by("organisation", "attendee_name", "id")
