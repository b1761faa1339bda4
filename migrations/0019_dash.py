from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Existing names are split once at their last space ("Marie Curie" -> "Marie", "Curie"; a single word is
# the surname); `buyer_name` and `attendee_name` keep the whole name. The same SQL runs on SQLite and
# PostgreSQL: rtrim(name, <name without spaces>) keeps everything up to and including the last space.
_HEAD = "rtrim({0}, replace({0}, ' ', ''))"
_SPLIT = (
    'UPDATE "{table}" SET {first} = rtrim(' + _HEAD + "), {last} = substr({0}, length(" + _HEAD + ") + 1)"
)


def _split(table: str, name: str, first: str, last: str) -> str:
    return _SPLIT.format(name, table=table, first=first, last=last)


class Migration(migrations.Migration):
    dependencies = [("models", "0021_door")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ApiToken",
            name="name",
            field=fields.CharField(default="", db_default="", max_length=100),
        ),
        ops.AddField(
            model_name="Order",
            name="buyer_first_name",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="Order",
            name="buyer_last_name",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="Ticket",
            name="attendee_first_name",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="Ticket",
            name="attendee_last_name",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.RunSQL(
            [
                _split("order", "buyer_name", "buyer_first_name", "buyer_last_name"),
                _split("ticket", "attendee_name", "attendee_first_name", "attendee_last_name"),
            ],
            reverse_sql=[],
        ),
    ]
