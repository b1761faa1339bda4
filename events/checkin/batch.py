"""Scans a door made offline, sent back in one batch when the network returns (API.md "The door, offline,
and attendance").

Each scan is decided by the same decision as an online scan (`redeem.redeem`), at its own time, in
`scanned_at` order (ties in the order sent), so two doors' queues merge as the people walked in. A scan's
`nonce` is its identity: one seen before, in this batch or in an earlier call or online, gets its first
answer again and changes nothing, so a door that lost the answer to its sync may send it all again.

A door admits offline from its pack; when the server finds the badge already inside (another door let it
in first, offline or online), the answer is `already_redeemed` with `conflict: true`, and a
`CheckinConflict` row keeps both times for the organiser: the second entry is never lost, nor counted.
A conflict is an entry refused for a badge this batch had not itself admitted before; a door queues only
what it admitted (or could not tell), so its own repeated scans are not conflicts.

A junk secret is `invalid` for that scan alone; it is not counted by the scan throttle (the batch is from
a door that was already allowed to scan, and the signature is what makes guessing hopeless).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from events import clock
from events.catalogue.models import Event
from events.checkin import redeem as scans
from events.checkin import services, short_codes
from events.checkin.models import CheckinConflict, CheckinList, CheckinType, ScanNonce, ScanWire
from events.checkin.schemas import BatchIn, BatchScanIn
from events.checkin.tokens import Scanner
from events.errors import N_, Invalid
from events.i18n import gettext
from events.ticketing import secrets
from events.validation import validate

_NONCE_CHUNK = 500
"""Nonces looked up per query: well under SQLite's limit of bound parameters."""


def _result(nonce: str, answer: Mapping[str, object]) -> dict[str, object]:
    return {
        "nonce": nonce,
        "status": answer["status"],
        "ticket": answer.get("ticket"),
        "checked_in_at": answer.get("checked_in_at"),
        "conflict": bool(answer.get("conflict", False)),
    }


async def _stored(event: Event, nonces: list[str]) -> dict[str, ScanWire]:
    """The first answers already given to some of these nonces."""
    found: dict[str, ScanWire] = {}
    for start in range(0, len(nonces), _NONCE_CHUNK):
        chunk = nonces[start : start + _NONCE_CHUNK]
        for nonce, response in await ScanNonce.filter(event_id=event.id, nonce__in=chunk).values_list(
            "nonce", "response"
        ):
            # Each was written by `ScanResult.wire()` (or `_invalid`, `_conflict` below).
            found[str(nonce)] = cast(
                ScanWire, response if isinstance(response, dict) else json.loads(response)
            )
    return found


async def _lists(event: Event, batch: BatchIn) -> dict[int | None, CheckinList]:
    """Every list the batch names, by id (None: the main list); a list of another event spoils the batch."""
    wanted = {scan.checkin_list for scan in batch.scans}
    found: dict[int | None, CheckinList] = {
        found.id: found for found in await CheckinList.filter(event_id=event.id, id__in=wanted - {None})
    }
    if wanted - {None} - set(found):
        raise Invalid({"scans": gettext(N_("Choose check-in lists of this event."))})
    lists: dict[int | None, CheckinList] = {None: await services.main_list(event)}
    lists.update(found)
    return lists


def _moment(scan: BatchScanIn, zone: ZoneInfo, now: datetime) -> datetime:
    """The scan's own time, read in the event's zone when given without an offset; a door's clock ahead
    of the server's cannot record an entry in the future."""
    at = scan.scanned_at if scan.scanned_at.tzinfo else scan.scanned_at.replace(tzinfo=zone)
    return min(at, now).astimezone(UTC)


async def _invalid(event: Event, scan: BatchScanIn, checkin_list: CheckinList) -> ScanWire:
    answer: ScanWire = {
        "status": "invalid",
        "ticket": None,
        "checked_in_at": None,
        "type": scan.type,
        "list": checkin_list.id,
    }
    try:
        await ScanNonce.create(event_id=event.id, nonce=scan.nonce, response=answer, created_at=clock.now())
    except IntegrityError:  # the same nonce, sent again by a retry that was quicker
        return (await _stored(event, [scan.nonce]))[scan.nonce]
    return answer


async def _conflict(scanner: Scanner, scan: BatchScanIn, answer: ScanWire, at: datetime) -> ScanWire:
    """Keep the refused offline entry beside the first one, and remember that its answer was a conflict."""
    first_at = datetime.fromisoformat(str(answer["checked_in_at"])) if answer.get("checked_in_at") else at
    marked: ScanWire = {**answer, "conflict": True}
    ticket = answer["ticket"]
    assert ticket is not None, "an entry already redeemed names its badge"
    async with in_transaction():
        await CheckinConflict.create(
            checkin_list_id=answer["list"], ticket_id=ticket["id"], first_at=first_at,
            second_at=at, device=scanner.device[:120], created_at=clock.now(),
        )  # fmt: skip
        await ScanNonce.filter(event_id=scanner.event.id, nonce=scan.nonce).update(response=marked)
    return marked


def _genuine(secret: str, event: Event, public_key: str) -> bool:
    return secrets.event_id_of(secret) == event.id and secrets.verify(secret, public_key)


async def _decide(
    scanner: Scanner, scan: BatchScanIn, checkin_list: CheckinList, at: datetime, public_key: str
) -> ScanWire:
    body: dict[str, object] = {
        "secret": scan.secret,
        "list": checkin_list.id,
        "type": scan.type,
        "nonce": scan.nonce,
    }
    typed = await short_codes.resolved(scanner.event, body)
    if typed is body and not _genuine(scan.secret, scanner.event, public_key):
        return await _invalid(scanner.event, scan, checkin_list)
    return (await scans.redeem(scanner, typed, at=at)).wire()


async def sync(scanner: Scanner, data: object) -> list[dict[str, object]]:
    """Decide a door's queued scans; the results in the order the scans were sent, one per scan."""
    batch = validate(BatchIn, data)
    event = scanner.event
    lists = await _lists(event, batch)
    zone, now = ZoneInfo(event.timezone), clock.now()
    public_key = (await secrets.event_key(event)).public_key
    decided = await _stored(event, [scan.nonce for scan in batch.scans])
    admitted: set[tuple[int, int]] = set()
    timed = sorted(enumerate(batch.scans), key=lambda item: (_moment(item[1], zone, now), item[0]))
    for _index, scan in timed:
        if scan.nonce in decided:
            continue
        at = _moment(scan, zone, now)
        answer = await _decide(scanner, scan, lists[scan.checkin_list], at, public_key)
        ticket = answer.get("ticket")
        badge = (int(answer["list"]), int(ticket["id"])) if ticket else (0, 0)
        if answer["status"] == scans.ScanStatus.OK and scan.type == CheckinType.ENTRY.value:
            admitted.add(badge)
        elif answer["status"] == scans.ScanStatus.ALREADY_REDEEMED and badge not in admitted:
            answer = await _conflict(scanner, scan, answer, at)
        decided[scan.nonce] = answer
    return [_result(scan.nonce, decided[scan.nonce]) for scan in batch.scans]


async def conflicts(event: Event) -> list[dict[str, object]]:
    """Entries two doors both admitted offline, newest first, for the organiser to look into."""
    found = (
        await CheckinConflict.filter(checkin_list__event_id=event.id)
        .select_related("ticket")
        .order_by("-second_at", "-id")
    )
    return [
        {
            "ticket_id": conflict.ticket_id,
            "attendee_name": conflict.ticket.attendee_name,
            "first_at": conflict.first_at.isoformat(),
            "second_at": conflict.second_at.isoformat(),
            "list": conflict.checkin_list_id,
            "device": conflict.device,
        }
        for conflict in found
    ]
