"""The one error family of Colloque.

Services raise these; one handler in `main.py` renders them as an HTML page or as the JSON error of the
API contract (`{"error": {"code", "message", "details"}}`). Routes never catch and re-map them.

    DomainError                      status  code
    ├── Invalid                      422     invalid            (details: field -> message)
    │   ├── UnknownSession*          422     invalid            (a workshop not of this event)
    │   └── SessionNotIncluded*      422     invalid            (a workshop for other ticket types)
    ├── Unauthenticated              401     unauthenticated
    │   └── InvalidCredentials       401     invalid_credentials
    ├── Forbidden                    403     forbidden
    │   └── CsrfFailed               403     csrf_failed
    ├── NotFound                     404     not_found
    ├── BadRequest                   400     bad_request        (NUL or control bytes in a path or query)
    ├── InvalidSignature             400     invalid_signature  (a webhook Stripe did not sign)
    ├── PayloadTooLarge              413     too_large          (a body over its size limit)
    ├── PaymentProviderUnavailable   503     payment_provider_unavailable
    ├── ServiceUnavailable           503     unavailable        (the database cannot be reached; retry_after)
    ├── Conflict                     409     conflict
    │   ├── EventNotEditable         409     event_not_editable
    │   ├── InvalidTransition        409     invalid_transition
    │   ├── SoldOut                  409     sold_out           (details: ticket_type)
    │   ├── SalesClosed              409     sales_closed
    │   ├── PromoCodeExhausted       409     promo_code_exhausted
    │   ├── PaymentsUnavailable      409     payments_unavailable
    │   ├── OrderNotChangeable       409     order_not_changeable
    │   ├── PlacesAvailable          409     places_available   (no waiting list while places are left)
    │   ├── AlreadyWaiting           409     already_waiting
    │   ├── CallClosed†              409     closed             (outside a call for abstracts' window)
    │   ├── ConflictOfInterest†      409     conflict_of_interest (a reviewer shares an author's domain)
    │   ├── TicketNotIssued          409     ticket_not_issued  (QR, PDF, badge before payment)
    │   ├── OrderNotPayable          409     order_not_payable  (the hold has lapsed)
    │   ├── RefundNotPossible        409     refund_not_possible
    │   ├── RequestsClosed           409     requests_closed    (partnering: past the request deadline)
    │   ├── EventNotStarted‡         409     event_not_started  (certificates before the event began)
    │   ├── NoCertificateRules‡      409     no_certificate_rules
    │   ├── TooManyHeldPlaces        409     conflict           (MAX_HELD_PLACES: one buyer's unpaid places)
    │   ├── SessionFull*             409     session_full       (details: session)
    │   ├── SessionOverlap*          409     session_overlap    (details: sessions)
    │   ├── SessionCancelled*        409     session_cancelled  (details: session)
    │   ├── TicketCannotBook*        409     ticket_cannot_book
    │   ├── SellerIncomplete         409     seller_incomplete  (details: missing settings)
    │   ├── InvoicePaymentOff        409     invoice_payment_off
    │   └── ReminderAlreadySent      409     reminder_already_sent (one payment reminder a day, by hand)
    └── Throttled                    429     throttled          (retry_after seconds)

* Defined beside the programme in `catalogue/sessions.py` (they are built from a `Session`).
† Defined with the call for abstracts (`abstracts/services.py`, `abstracts/review.py`).
‡ Defined with the certificates of attendance (`certificates/services.py`).

Messages are English msgids, translated when rendered; `params` fill their `{placeholders}`.
"""

from __future__ import annotations

from typing import Any, ClassVar


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the reader's language is known."""
    return message


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "error"
    default_message: ClassVar[str] = N_("The request could not be completed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        **params: object,
    ) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        self.params = params
        super().__init__(self.message)


class Invalid(DomainError):
    status = 422
    code = "invalid"
    default_message = N_("Some fields are not valid.")

    def __init__(self, details: dict[str, str], message: str | None = None) -> None:
        super().__init__(message, details=details)


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = N_("Please sign in.")


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    default_message = N_("Wrong e-mail or password.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = N_("You are not allowed to do this.")


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    default_message = N_("This form has expired. Please go back, reload the page and try again.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = N_("This page does not exist.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = N_("This conflicts with the current state.")


class EventNotEditable(Conflict):
    code = "event_not_editable"
    default_message = N_("A cancelled event can no longer be changed.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = N_("This change is not possible in the current state of the event.")


class SoldOut(Conflict):
    code = "sold_out"
    default_message = N_("Sorry, there are not enough places left for {name}.")


class SalesClosed(Conflict):
    code = "sales_closed"
    default_message = N_("Registration is not open for this event at the moment.")


class PromoCodeExhausted(Conflict):
    code = "promo_code_exhausted"
    default_message = N_("This promo code has already been used as many times as allowed.")


class SellerIncomplete(Conflict):
    code = "seller_incomplete"
    default_message = N_(
        "Paid tickets cannot be sold yet: the organisation's legal details for its invoices are incomplete."
    )


class InvoicePaymentOff(Conflict):
    code = "invoice_payment_off"
    default_message = N_("This event does not offer payment on invoice.")


class ReminderAlreadySent(Conflict):
    code = "reminder_already_sent"
    default_message = N_("A payment reminder was already sent for this order today.")


class PaymentsUnavailable(Conflict):
    code = "payments_unavailable"
    default_message = N_("Paid tickets cannot be sold yet: online payment is not set up.")


class OrderNotChangeable(Conflict):
    code = "order_not_changeable"
    default_message = N_("This order can no longer be changed.")


class PlacesAvailable(Conflict):
    code = "places_available"
    default_message = N_("Places are still available for this ticket: you can register now.")


class AlreadyWaiting(Conflict):
    code = "already_waiting"
    default_message = N_("This e-mail address is already on the waiting list for this ticket.")


class TicketNotIssued(Conflict):
    code = "ticket_not_issued"
    default_message = N_("Tickets are available once the order is paid; a cancelled ticket has none.")


class OrderNotPayable(Conflict):
    code = "order_not_payable"
    default_message = N_("This order can no longer be paid: its places are no longer held.")


class RefundNotPossible(Conflict):
    code = "refund_not_possible"
    default_message = N_("This order cannot be refunded by this amount.")


class RequestsClosed(Conflict):
    code = "requests_closed"
    default_message = N_("Meeting requests are closed for this event.")


class TooManyHeldPlaces(Conflict):
    """Same code as any conflict (API.md §1): a buyer holding too many unpaid places must pay or wait."""

    default_message = N_(
        "This e-mail address already holds {held} places in orders awaiting payment (at most {limit}). "
        "Please pay or cancel those orders first."
    )


class BadRequest(DomainError):
    status = 400
    code = "bad_request"
    default_message = N_("This address contains characters that are not allowed.")


class PayloadTooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = N_("What you sent is too large.")


class ServiceUnavailable(DomainError):
    status = 503
    code = "unavailable"
    default_message = N_("The service is briefly unavailable. Please try again in a moment.")

    def __init__(self, retry_after: int = 5) -> None:
        super().__init__()
        self.retry_after = retry_after


class InvalidSignature(DomainError):
    status = 400
    code = "invalid_signature"
    default_message = N_("The signature of this request is not valid.")


class PaymentProviderUnavailable(DomainError):
    status = 503
    code = "payment_provider_unavailable"
    default_message = N_("The payment service cannot be reached. Please try again in a moment.")


class Throttled(DomainError):
    status = 429
    code = "throttled"
    default_message = N_("Too many attempts. Please wait {minutes} minutes and try again.")

    def __init__(self, retry_after: int) -> None:
        super().__init__(minutes=max(1, (retry_after + 59) // 60))
        self.retry_after = retry_after
