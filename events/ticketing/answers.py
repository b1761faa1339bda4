"""Checking an attendee's answers to the event's registration questions.

An answer to a choice names the option by its key; the option's text in either language is read as
its key too, for clients written before options had keys.
"""

from __future__ import annotations

from events.catalogue import options
from events.catalogue.models import Question, QuestionKind
from events.errors import N_, Invalid
from events.i18n import COUNTRY_CODES, gettext

MAX_TEXT = {QuestionKind.TEXT: 300, QuestionKind.TEXTAREA: 5000}


def _clean_one(question: Question, value: object) -> tuple[object, str | None]:
    """The stored value, or an error message (an English msgid, translated by the caller)."""
    kind = question.kind
    if kind in MAX_TEXT:
        if not isinstance(value, str):
            return None, N_("Enter some text.")
        return value.strip(), (N_("This text is too long.") if len(value) > MAX_TEXT[kind] else None)
    if kind == QuestionKind.CHOICE:
        key = options.resolve(question.options, value)
        return key, (None if key is not None else N_("Choose one of the offered values."))
    if kind == QuestionKind.MULTIPLE:
        chosen = [
            options.resolve(question.options, v) for v in (value if isinstance(value, list) else [value])
        ]
        order = options.keys(question.options)
        ok = None not in chosen
        return sorted({k for k in chosen if k}, key=order.index) if ok else None, (
            None if ok else N_("Choose among the offered values.")
        )
    if kind == QuestionKind.CHECKBOX:
        if value in (True, "on", "true", "1", 1):
            return True, None
        if value in (False, "", "false", "0", 0, None):
            return False, None
        return None, N_("Choose yes or no.")
    code = str(value).upper()
    return code, (None if code in COUNTRY_CODES else N_("Choose a country from the list."))


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value is False


def clean_answers(questions: list[Question], answers: dict[str, object], index: int) -> dict[str, object]:
    """Answers keyed by question id; unknown questions and missing required answers are refused."""
    known = {str(q.id): q for q in questions}
    errors: dict[str, str] = {}
    cleaned: dict[str, object] = {}
    for key in answers:
        if key not in known:
            errors[f"tickets.{index}.answers.{key}"] = gettext(N_("This question is not asked."))
    for key, question in known.items():
        value = answers.get(key)
        if _empty(value):
            if question.required:
                errors[f"tickets.{index}.answers.{key}"] = gettext(N_("This field is required."))
            continue
        stored, problem = _clean_one(question, value)
        if problem:
            errors[f"tickets.{index}.answers.{key}"] = gettext(problem)
        else:
            cleaned[key] = stored
    if errors:
        raise Invalid(errors)
    return cleaned
