"""Organisations, their people, API tokens and the throttle counters.

A user belongs to one organisation with one role:
- `owner`: everything, including the organisation's settings;
- `manager`: events, sales, attendees;
- `door`: only the scanners of the organisation's events;
- `reviewer`: only the abstracts assigned to them (events.abstracts), nothing of the organiser's pages.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    DOOR = "door"
    REVIEWER = "reviewer"


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=80, unique=True)
    # Legal details printed on invoices (French law: identity, SIREN/SIRET, VAT number, terms).
    legal_name = fields.CharField(max_length=200, default="")
    legal_address = fields.TextField(default="")
    siren = fields.CharField(max_length=9, default="")
    siret = fields.CharField(max_length=14, default="")
    vat_number = fields.CharField(max_length=20, default="")
    legal_mentions = fields.TextField(default="")
    late_payment_terms = fields.TextField(default="")
    invoice_prefix = fields.CharField(max_length=10, default="F")
    postcode = fields.CharField(max_length=16, default="", db_default="")
    city = fields.CharField(max_length=120, default="", db_default="")
    country = fields.CharField(max_length=2, default="FR", db_default="FR")
    # "normal", or "franchise" (art. 293 B CGI: no VAT charged, no VAT number, a mention instead).
    vat_regime = fields.CharField(max_length=16, default="normal", db_default="normal")
    vat_on_debits = fields.BooleanField(default=False, db_default=False)
    # Bank details printed on invoices to be paid by transfer.
    iban = fields.CharField(max_length=34, default="", db_default="")
    bic = fields.CharField(max_length=11, default="", db_default="")
    account_holder = fields.CharField(max_length=200, default="", db_default="")
    # The organisation's look: its colour (#rrggbb, lower case; empty: Colloque's own) on its public
    # pages, e-mails, badges and invoices, beside its logo (`OrganisationLogo`, the only logo it has).
    colour = fields.CharField(max_length=7, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organisation"


class OrganisationLogo(Model):
    """The organisation's logo, re-encoded by the server (PNG or JPEG only), kept apart from the row that
    every page reads."""

    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Organisation] = fields.OneToOneField(
        "models.Organisation", related_name="logo", on_delete=fields.CASCADE
    )
    content = fields.BinaryField()
    media_type = fields.CharField(max_length=32)
    updated_at = fields.DatetimeField(auto_now=True)

    organisation_id: int

    class Meta:
        table = "organisation_logo"


class User(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="users", on_delete=fields.RESTRICT
    )
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, default="")
    password_hash = fields.CharField(max_length=255)
    role = fields.CharEnumField(Role, max_length=16, default=Role.MANAGER)
    # Raised at logout: every session cookie signed with an older value stops working.
    session_epoch = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int

    class Meta:
        table = "user"


class Invitation(Model):
    """An invitation to join the organisation's team with a role, by a one-time link valid 7 days.

    Only the SHA-256 of the link's token is stored; `accepted_at` is set once, when the account is made.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="invitations", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    role = fields.CharEnumField(Role, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    invited_by_id = fields.IntField(null=True)
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int

    class Meta:
        table = "invitation"
        indexes = (("organisation_id", "email"),)


class ApiToken(Model):
    """A bearer token for the JSON API, of which only the SHA-256 is stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    # What the organiser called it ("Badge printer", "CRM sync"); empty for one issued by signing in.
    name = fields.CharField(max_length=100, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "api_token"


class PasswordReset(Model):
    """A one-time link to choose a new password, of which only the SHA-256 of the token is stored.

    It works once (`used_at`), until `expires_at`; asking for a new one retires the older ones.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "password_reset"


class ThrottleHit(Model):
    """One counted attempt (a failed login, an invalid scan) in a throttling window.

    Kept in the database so that every app process sees the same counts.
    """

    id = fields.BigIntField(primary_key=True)
    scope = fields.CharField(max_length=32)
    key = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "throttle_hit"
        indexes = (("scope", "key", "created_at"),)


class Member(Model):
    """One entry of the organisation's member directory: its members pay member prices without a code.

    A buyer matches by the domain of their e-mail address or by the SIREN of the SIRET they give.
    """

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="members", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    siren = fields.CharField(max_length=9, default="")
    domains: list[str] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    organisation_id: int

    class Meta:
        table = "member"
        indexes = (("organisation_id", "siren"),)
