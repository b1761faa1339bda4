"""What the door is told beside a name: the answers to "show at the door" questions (diet, accessibility).

An organiser marks a question `show_at_door`; an attendee who agreed (`Ticket.door_consent`) has their
answers to such questions shown by the scanner when their badge is scanned, online, in a batch's results
and (only when the event allows names offline) in the offline pack. Nobody else's answers ever are.

The answers are read from the ticket when the answer is given, never kept with a scan's stored answer
(`ScanNonce`): once the sensitive-data retention has removed them from the ticket
(`privacy/jobs.py`; such a question is always sensitive), the door shows nothing more, and no copy
lingers in the scan log. A scan costs one more query only at events that ask such a question; the
questions themselves are cached a few seconds per process, like the lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypedDict, TypeVar

from events.cache import TtlCache
from events.catalogue.models import Event, Question
from events.i18n import gettext
from events.ticketing.models import Ticket

QUESTION_CACHE_SECONDS = 5.0
_questions: TtlCache[tuple[int, str], list[Question]] = TtlCache(QUESTION_CACHE_SECONDS)


class DoorAnswer(TypedDict):
    """One answer the door shows beside a name."""

    question_id: int
    question: str
    answer: str


Result = TypeVar("Result", bound=Mapping[str, object])
"""A scan's answer in API.md's wire shape (online, in a batch's results)."""


async def questions(event: Event) -> list[Question]:
    """The event's questions shown at the door, in the form's order."""
    key = (event.id, event.created_at.isoformat())
    cached = _questions.get(key)
    if cached is not None:
        return cached
    found = await Question.filter(event_id=event.id, show_at_door=True).order_by("position", "id")
    return _questions.put(key, list(found))


def _text(question: Question, value: object) -> str:
    """One answer as the door reads it (an option in the reader's language); an unticked box or an
    empty answer says nothing."""
    if value is True:
        return gettext("Yes")
    if value is None or value is False:
        return ""
    return question.answer_text(value).strip()


def shown(asked: list[Question], answers: dict[str, object]) -> list[DoorAnswer]:
    """The answers of one consenting attendee to the door questions, in the questions' order."""
    found: list[DoorAnswer] = []
    for question in asked:
        text = _text(question, answers.get(str(question.id)))
        if text:
            found.append({"question_id": question.id, "question": question.i18n.label, "answer": text})
    return found


async def by_ticket(event: Event, ticket_ids: Iterable[int] | None = None) -> dict[int, list[DoorAnswer]]:
    """The door answers of the event's consenting attendees (only these tickets, when given)."""
    asked = await questions(event)
    wanted = None if ticket_ids is None else sorted(set(ticket_ids))
    if not asked or wanted == []:
        return {}
    query = Ticket.filter(event_id=event.id, door_consent=True)
    if wanted is not None:
        query = query.filter(id__in=wanted)
    rows = await query.values_list("id", "answers")
    found: dict[int, list[DoorAnswer]] = {}
    for ticket_id, answers in rows:
        if isinstance(answers, dict) and (given := shown(asked, answers)):
            found[int(ticket_id)] = given
    return found


async def attach(event: Event, results: list[Result]) -> list[Result]:
    """Scan answers (API.md's wire shape) with `ticket.door_answers` filled in at an event that asks a
    question shown at the door: an empty list for the attendees who did not agree, or gave no such
    answer. Elsewhere the answers stay as they were, without the field."""
    if not await questions(event):
        return results
    tickets = [ticket for result in results if isinstance(ticket := result.get("ticket"), dict)]
    found = await by_ticket(event, [int(ticket["id"]) for ticket in tickets])
    for ticket in tickets:
        ticket["door_answers"] = found.get(int(ticket["id"]), [])
    return results
