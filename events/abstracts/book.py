"""The book of abstracts: every accepted abstract, grouped by track, with its authors and affiliations.

Built with reportlab's flowables (long abstracts flow onto the next page on their own); affiliations
are numbered once per abstract, as printed programmes do.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from events.abstracts.models import Abstract, AbstractStatus, Track
from events.catalogue.models import Event
from events.fonts import BOLD, REGULAR
from events.i18n import gettext

_TITLE = ParagraphStyle("book-title", fontName=BOLD, fontSize=18, leading=22, spaceAfter=6 * mm)
_TRACK = ParagraphStyle(
    "track", fontName=BOLD, fontSize=14, leading=18, spaceBefore=6 * mm, spaceAfter=3 * mm
)
_HEADING = ParagraphStyle("abstract", fontName=BOLD, fontSize=11, leading=14, spaceBefore=4 * mm)
_AUTHORS = ParagraphStyle("authors", fontName=REGULAR, fontSize=9, leading=12)
_BODY = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=13, spaceBefore=2 * mm)


async def accepted_by_track(event: Event) -> list[tuple[Track, list[Abstract]]]:
    abstracts = (
        await Abstract.filter(event_id=event.id, status=AbstractStatus.ACCEPTED)
        .select_related("track")
        .order_by("track__position", "track_id", "poster_board", "id")
    )
    groups: dict[int, tuple[Track, list[Abstract]]] = {}
    for abstract in abstracts:
        groups.setdefault(abstract.track_id, (abstract.track, []))[1].append(abstract)
    return list(groups.values())


def _authors(abstract: Abstract) -> list[Paragraph]:
    affiliations: list[str] = []
    names: list[str] = []
    for author in abstract.authors:
        name = escape(str(author.get("name", "")))
        if author.get("presenting"):
            name = f"<u>{name}</u>"
        affiliation = str(author.get("affiliation", "")).strip()
        if affiliation:
            if affiliation not in affiliations:
                affiliations.append(affiliation)
            name += f"<super>{affiliations.index(affiliation) + 1}</super>"
        names.append(name)
    lines = [Paragraph(", ".join(names), _AUTHORS)]
    lines += [Paragraph(f"<super>{n}</super> {escape(a)}", _AUTHORS) for n, a in enumerate(affiliations, 1)]
    return lines


async def book_pdf(event: Event) -> bytes:
    """The PDF, in the current language (headings only: the abstracts are as their authors wrote them)."""
    story: list[object] = [Paragraph(escape(gettext("Book of abstracts") + " — " + event.i18n.title), _TITLE)]
    groups = await accepted_by_track(event)
    if not groups:
        story.append(Paragraph(escape(gettext("No abstract has been accepted yet.")), _BODY))
    for track, abstracts in groups:
        story.append(Paragraph(escape(track.name), _TRACK))
        for abstract in abstracts:
            label = f"[{abstract.poster_board}] " if abstract.poster_board else ""
            story.append(Paragraph(escape(label + abstract.title), _HEADING))
            story += _authors(abstract)
            for paragraph in abstract.body.split("\n\n"):
                story.append(Paragraph(escape(paragraph).replace("\n", "<br/>"), _BODY))
        story.append(Spacer(1, 4 * mm))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{gettext('Book of abstracts')} — {event.i18n.title}",
        author=event.i18n.title,
    )
    document.build(story)
    return buffer.getvalue()
