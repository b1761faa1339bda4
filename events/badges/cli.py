"""`python main.py badges`: a whole event's badges (or one ticket type's) into a PDF, with a progress bar.

For the night before the conference, when the welcome desk wants every badge printed and sorted by name;
the dashboard offers the same PDF for smaller sets.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from events import i18n
from events.badges import services
from events.badges.pdf import Layout
from events.catalogue.models import Event
from events.errors import N_, NotFound


class ProgressBar:
    """`Badges [##########··········] 150/300` on one line of `stream`, redrawn about fifty times."""

    WIDTH = 30

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        step = max(1, total // 50)
        if done != total and done - self.shown < step:
            return
        self.shown = done
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "·" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


async def print_badges(
    slug: str, type_ids: list[int], layout: Layout, output: Path, stream: TextIO, locale: str
) -> int:
    """Write the PDF to `output`; the number of badges in it."""
    event = await Event.get_or_none(slug=slug)
    if event is None:
        raise NotFound()
    with i18n.use_locale(locale):
        tickets = await services.badge_tickets(event, type_ids)
        bar = ProgressBar(stream, i18n.gettext(N_("Badges")))
        content = await services.badges_pdf(event, tickets, layout, progress=bar)
    output.write_bytes(content)
    return len(tickets)
