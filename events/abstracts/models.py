"""The call for abstracts of an event and everything that flows from it.

An abstract moves this way:

    submitted ──withdraw──▶ withdrawn
        ├──decide accept──▶ accepted ──schedule──▶ (a programme session, or a poster board)
        └──decide reject──▶ rejected

A decision may be changed until the submitter is told (`notified_at`); the notification e-mail goes
once, in the submitter's language. Authors are kept with the abstract (a JSON list of
`{name, email, affiliation, presenting}`): they are part of what was submitted, and the conflict of
interest rule reads their e-mail domains and affiliations from there.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from events.accounts.models import User
from events.catalogue.models import Event, PromoCode, Session


class AbstractStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Call(Model):
    """The call for abstracts of one event: its window, rules and review questions (one per event at most)."""

    id = fields.IntField(primary_key=True)
    event: fields.OneToOneRelation[Event] = fields.OneToOneField(
        "models.Event", related_name="call", on_delete=fields.CASCADE
    )
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    contribution_types: list[str] = fields.JSONField(default=list)
    max_words = fields.IntField(default=300)
    blind = fields.BooleanField(default=False)
    presenter_promo_code: fields.ForeignKeyNullableRelation[PromoCode] = fields.ForeignKeyField(
        "models.PromoCode", related_name="calls", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int
    presenter_promo_code_id: int | None

    class Meta:
        table = "abstract_call"


class Track(Model):
    id = fields.IntField(primary_key=True)
    call: fields.ForeignKeyRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="tracks", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=200)
    position = fields.IntField(default=0)
    # A track the organiser took out of the call: kept for the abstracts already filed in it.
    active = fields.BooleanField(default=True)

    call_id: int

    class Meta:
        table = "abstract_track"
        ordering = ("position", "id")


class ReviewQuestion(Model):
    id = fields.IntField(primary_key=True)
    call: fields.ForeignKeyRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="questions", on_delete=fields.CASCADE
    )
    text = fields.CharField(max_length=300)
    max_score = fields.IntField(default=5)
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    call_id: int

    class Meta:
        table = "abstract_review_question"
        ordering = ("position", "id")


class Abstract(Model):
    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="abstracts", on_delete=fields.RESTRICT
    )
    code = fields.CharField(max_length=12, unique=True)
    secret = fields.CharField(max_length=43, unique=True)
    title = fields.CharField(max_length=300)
    body = fields.TextField()
    track: fields.ForeignKeyRelation[Track] = fields.ForeignKeyField(
        "models.Track", related_name="abstracts", on_delete=fields.RESTRICT
    )
    contribution_type = fields.CharField(max_length=40)
    authors: list[dict[str, object]] = fields.JSONField(default=list)
    submitter_name = fields.CharField(max_length=200)
    submitter_email = fields.CharField(max_length=254, db_index=True)
    locale = fields.CharField(max_length=5, default="fr")
    status = fields.CharEnumField(AbstractStatus, max_length=16, default=AbstractStatus.SUBMITTED)
    decided_at = fields.DatetimeField(null=True)
    notified_at = fields.DatetimeField(null=True)
    session: fields.ForeignKeyNullableRelation[Session] = fields.ForeignKeyField(
        "models.Session", related_name="abstracts", null=True, on_delete=fields.SET_NULL
    )
    poster_board = fields.CharField(max_length=40, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    event_id: int
    track_id: int
    session_id: int | None

    class Meta:
        table = "abstract"
        indexes = (("event_id", "status"),)


class Reviewer(Model):
    """An organisation user with role `reviewer`, enrolled on one event for some of its tracks."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="reviewers", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reviewer_seats", on_delete=fields.CASCADE
    )
    track_ids: list[int] = fields.JSONField(default=list)
    affiliation = fields.CharField(max_length=200, default="")

    event_id: int
    user_id: int

    class Meta:
        table = "abstract_reviewer"
        unique_together = (("event", "user"),)


class Assignment(Model):
    """One abstract given to one reviewer, with the review once it is written."""

    id = fields.IntField(primary_key=True)
    abstract: fields.ForeignKeyRelation[Abstract] = fields.ForeignKeyField(
        "models.Abstract", related_name="assignments", on_delete=fields.CASCADE
    )
    reviewer: fields.ForeignKeyRelation[Reviewer] = fields.ForeignKeyField(
        "models.Reviewer", related_name="assignments", on_delete=fields.CASCADE
    )
    scores: dict[str, int] = fields.JSONField(default=dict)
    comment = fields.TextField(default="")
    recommendation = fields.CharField(max_length=48, default="")
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    abstract_id: int
    reviewer_id: int

    class Meta:
        table = "abstract_assignment"
        unique_together = (("abstract", "reviewer"),)
