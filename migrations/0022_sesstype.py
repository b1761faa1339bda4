"""A session may be limited to some ticket types (`session_ticket_type`; no row: every type).

Existing sessions get no row, so they stay open to every ticket type, as before.
"""

from typing import ClassVar

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies: ClassVar = [("models", "0020_brand")]

    initial = False

    operations: ClassVar = [
        ops.AddField(
            model_name="Session",
            name="ticket_types",
            field=fields.ManyToManyField(
                "models.TicketType",
                unique=True,
                db_constraint=True,
                through="session_ticket_type",
                forward_key="tickettype_id",
                backward_key="session_id",
                related_name="open_sessions",
                on_delete=OnDelete.CASCADE,
            ),
        ),
    ]
