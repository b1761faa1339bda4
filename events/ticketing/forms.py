"""The registration form without JavaScript: reading its flat fields into an order, and back.

Field names are flat (`ticket-0-name`, `ticket-0-q-12`, `buyer-email`); error keys of the order
service (`tickets.0.attendee.name`) are mapped onto them so messages sit beside their fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData

from events.catalogue.models import Question, QuestionKind

ATTENDEE_FIELDS = ("first_name", "last_name", "name", "email", "organisation", "job_title")
BUYER_FIELDS = (
    "first_name",
    "last_name",
    "name",
    "email",
    "organisation",
    "vat_id",
    "address",
    "country",
    "siret",
)
PAYMENT_FIELDS = ("purchase_order", "buyer_reference")
MAX_TICKETS = 50


def chosen_quantities(params: Mapping[str, str], type_ids: list[int]) -> dict[int, int]:
    """`type-<id>=<n>` pairs from the ticket chooser, bounded and with zeros dropped."""
    chosen: dict[int, int] = {}
    for type_id in type_ids:
        raw = str(params.get(f"type-{type_id}", "") or "0")
        quantity = _whole(raw) or 0
        if quantity > 0:
            chosen[type_id] = min(quantity, MAX_TICKETS)
    return chosen


def _answer(form: FormData, index: int, question: Question) -> list[str] | bool | str:
    name = f"ticket-{index}-q-{question.id}"
    if question.kind == QuestionKind.MULTIPLE:
        return [str(v) for v in form.getlist(name)]
    if question.kind == QuestionKind.CHECKBOX:
        return form.get(name) == "on"
    return str(form.get(name, "")).strip()


def _whole(value: object) -> int | None:
    """A form's whole number, or None; at most 12 digits so that no text is ever slow to parse
    (an id too large for its column is then refused by the schema, as in JSON).
    """
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def whole_numbers(values: Sequence[object]) -> list[int]:
    return [number for number in map(_whole, values) if number is not None]


def order_data(form: FormData, questions: list[Question], locale: str) -> dict[str, Any]:
    count = min(_whole(form.get("count", "0")) or 0, MAX_TICKETS)
    tickets = []
    for index in range(count):
        type_raw = str(form.get(f"ticket-{index}-type", ""))
        tickets.append(
            {
                "ticket_type": _whole(type_raw) or 0,
                "attendee": {
                    **{f: str(form.get(f"ticket-{index}-{f}", "")).strip() for f in ATTENDEE_FIELDS},
                    "consents": {"door": form.get(f"ticket-{index}-door") == "on"},
                },
                "answers": {
                    str(q.id): value
                    for q in questions
                    if (value := _answer(form, index, q)) not in ("", [], False)
                },
                "sessions": whole_numbers(form.getlist(f"ticket-{index}-session")),
            }
        )
    return {
        "buyer": {f: str(form.get(f"buyer-{f}", "")).strip() for f in BUYER_FIELDS},
        "tickets": tickets,
        "promo_code": str(form.get("promo_code", "")).strip() or None,
        "locale": locale,
        "consents": {
            "privacy": form.get("privacy") == "on",
            "marketing": form.get("marketing") == "on",
            "partners": form.get("partners") == "on",
        },
        "waiting_list_offer": str(form.get("offer", "")) or None,
        "payment": {
            "method": "invoice" if form.get("payment-method") == "invoice" else "card",
            **{f: str(form.get(f"payment-{f}", "")).strip() for f in PAYMENT_FIELDS},
        },
    }


_KEY = re.compile(r"^tickets\.(\d+)\.(?:attendee\.)?(\w+)(?:\.(\d+))?$")


def field_name(error_key: str) -> str:
    """`tickets.0.attendee.name` -> `ticket-0-name`; `tickets.1.answers.7` -> `ticket-1-q-7`."""
    if error_key.startswith(("buyer.", "payment.")):
        return error_key.replace(".", "-", 1)
    match = _KEY.match(error_key)
    if match:
        index, field, question = match.groups()
        return (
            f"ticket-{index}-q-{question}" if field == "answers" and question else f"ticket-{index}-{field}"
        )
    return error_key.replace("consents.", "")


def form_errors(details: dict[str, object]) -> dict[str, str]:
    """Field errors by form field; a missing name is also shown beside the surname, which the form asks
    for (with the first name) instead of one whole-name field."""
    errors = {field_name(key): str(message) for key, message in details.items()}
    for key, message in list(errors.items()):
        if key.endswith("-name"):
            errors.setdefault(key.removesuffix("name") + "last_name", message)
    return errors
