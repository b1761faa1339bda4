"""The registry of privacy contributors: how each area tells what it holds about a person, and erases it.

A person's rights (API.md "Privacy") cover every area, and areas are built by different people at
different times (partnering, abstracts, billing…). So the privacy area owns no list of tables: each
area that keeps personal data contributes one small object, and the export and the erasure ask them all.

To plug an area in, write `events/<area>/privacy.py` (it is found and imported by `load()`, nothing to
edit here) holding one contributor and registering it at import time:

    from events.privacy.registry import register

    class PartneringData:
        async def export(self, email: str, organisation_id: int) -> dict[str, list[dict[str, object]]]:
            return {"partnering": [...]}            # export keys (API.md names them), JSON-ready rows

        async def erase(self, email: str, organisation_id: int) -> dict[str, int]:
            return {"partnering_profiles": n}       # how many rows it anonymised, by kind

    register(PartneringData())

Rules a contributor keeps:
- the person is found by e-mail (already normalised: stripped, lower case) and only inside
  `organisation_id`: another organisation's rows are neither shown nor touched;
- `erase` anonymises in place (names and addresses blanked, free text emptied, links' secrets rotated)
  rather than deleting rows, so counts, capacity and accounting stay true; documents that accounting
  law keeps (issued invoices and credit notes) are never changed;
- `erase` runs inside the caller's transaction, and contributors run in `stage` order (default 50):
  one that finds the person through another area's rows (check-ins through tickets) must run before
  that area blanks them, so the ticketing contributor registers with a late stage (90).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import events

# One area's export: each key (API.md names them) holds JSON-ready rows. Read-only and covariant, so
# an area may return `dict[str, list[dict[str, object]]]` or anything narrower.
Export = Mapping[str, Sequence[Mapping[str, object]]]


class Contributor(Protocol):
    async def export(self, email: str, organisation_id: int) -> Export: ...

    async def erase(self, email: str, organisation_id: int) -> dict[str, int]: ...


@dataclass(frozen=True)
class _Entry:
    contributor: Contributor
    stage: int


_contributors: dict[str, _Entry] = {}


def register(contributor: Contributor, *, stage: int = 50) -> None:
    """Add (or replace, by class name) a contributor; `stage` orders the erasure, lowest first."""
    _contributors[type(contributor).__qualname__] = _Entry(contributor, stage)


def load() -> list[Contributor]:
    """Every area's `privacy` module imported once, then the contributors in stage order."""
    for area in pkgutil.iter_modules(events.__path__):
        if area.ispkg and importlib.util.find_spec(f"events.{area.name}.privacy") is not None:
            importlib.import_module(f"events.{area.name}.privacy")
    importlib.import_module("events.privacy.consents")
    entries = sorted(_contributors.values(), key=lambda entry: entry.stage)
    return [entry.contributor for entry in entries]
