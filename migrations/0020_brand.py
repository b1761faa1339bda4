"""One organisation look, and an attendee search that folds case and accents.

- `organisation.colour` becomes the only colour: `brand_colour` (the dashboard's look page) is copied into
  it where it was set, since it is what the public pages and e-mails showed, then dropped.
- The logo is only the image uploaded on the look page (`organisation_logo`); `logo_url`, a free https
  address nothing ever printed, is dropped. An address that was set is kept in the audit log (action
  `organisation.logo_url_retired`, before = the address), so the owner can fetch and upload it.
- `ticket.search_text` holds each ticket's name, e-mail and organisation folded (lower case, no
  accents), filled here for the rows already there with the same function the application writes it with.
  On PostgreSQL a trigram index (pg_trgm, a trusted extension) serves substring searches; where the
  extension cannot be created the search still works, by a scan of the (event, status, text) index.
"""

from datetime import UTC, datetime
from json import dumps

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from events.ticketing.models import searchable

BATCH = 1000


def _sqlite(schema_editor) -> bool:
    return schema_editor.client.capabilities.dialect == "sqlite"


def _marks(schema_editor, count: int) -> list[str]:
    return ["?"] * count if _sqlite(schema_editor) else [f"${n}" for n in range(1, count + 1)]


async def _fill_search_text(apps, schema_editor) -> None:
    client = schema_editor.client
    last = 0
    select = 'SELECT id, attendee_name, attendee_email, attendee_organisation FROM "ticket" WHERE id > {} ORDER BY id LIMIT {}'
    update = 'UPDATE "ticket" SET search_text = {} WHERE id = {}'.format(*_marks(schema_editor, 2))
    while True:
        rows = await client.execute_query_dict(select.format(int(last), BATCH))
        if not rows:
            return
        for row in rows:
            text = searchable(row["attendee_name"] or "", row["attendee_email"] or "", row["attendee_organisation"] or "")
            await client.execute_query(update, [text, row["id"]])
        last = rows[-1]["id"]


async def _one_look(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script(
        "UPDATE \"organisation\" SET colour = LOWER(brand_colour) WHERE brand_colour <> ''"
    )
    rows = await client.execute_query_dict(
        'SELECT o.id, o.logo_url FROM "organisation" o WHERE o.logo_url <> \'\' AND NOT EXISTS '
        '(SELECT 1 FROM "organisation_logo" l WHERE l.organisation_id = o.id)'
    )
    marks = ", ".join(_marks(schema_editor, 8))
    insert = (
        'INSERT INTO "audit_entry" (organisation_id, user_id, action, object_type, object_id, before, after, created_at) '
        f"VALUES ({marks})"
    )
    now = datetime.now(UTC)
    for row in rows:
        values = [
            row["id"], None, "organisation.logo_url_retired", "organisation", str(row["id"]),
            dumps({"logo_url": row["logo_url"]}), dumps({"logo_url": ""}),
            now.isoformat() if _sqlite(schema_editor) else now,
        ]  # fmt: skip
        await client.execute_query(insert, values)


async def _trigram_index(apps, schema_editor) -> None:
    if _sqlite(schema_editor):
        return
    await schema_editor.client.execute_script(
        """
        DO $$ BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm unavailable: the attendee search scans instead';
        END $$;
        DO $$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                EXECUTE 'CREATE INDEX IF NOT EXISTS ticket_search_text_trgm ON "ticket" '
                        'USING gin (search_text gin_trgm_ops)';
            END IF;
        END $$;
        """
    )


async def _drop_trigram_index(apps, schema_editor) -> None:
    if not _sqlite(schema_editor):
        await schema_editor.client.execute_script("DROP INDEX IF EXISTS ticket_search_text_trgm")


class DropColumn(ops.RemoveField):
    """RemoveField, but on SQLite a plain `ALTER TABLE … DROP COLUMN` (SQLite 3.35+): the generic
    rebuild of the table drops it, which the foreign keys of every row pointing at it refuse."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor is not None and _sqlite(state_editor):
            model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
            table = model._meta.db_table
            await state_editor.client.execute_script(f'ALTER TABLE "{table}" DROP COLUMN "{self.name}"')
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [("models", "0016_content")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Ticket",
            name="search_text",
            field=fields.CharField(default="", db_default="", max_length=700),
        ),
        ops.RunPython(_fill_search_text, ops.RunPython.noop),
        ops.AddIndex(
            model_name="Ticket",
            index=Index(fields=["event_id", "status", "search_text", "order_id"]),
        ),
        ops.RunPython(_trigram_index, _drop_trigram_index),
        ops.RunPython(_one_look, ops.RunPython.noop),
        DropColumn(model_name="Organisation", name="brand_colour"),
        DropColumn(model_name="Organisation", name="logo_url"),
    ]
