import json
import re
import unicodedata

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# Choice questions' options become {key, fr, en} (the old text, read as French, with no English), and every
# answer that held an option's text holds its key instead. The key is made here from the text, so this
# migration does not depend on the application's code of a later day.

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_CHOICES = ("choice", "multiple")


def _slug(text):
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", plain.lower()).strip("-")[:60].strip("-")


def _keyed(options):
    """The options as {key, fr, en}, and each old text's key."""
    keyed, by_text, taken = [], {}, set()
    for item in options or []:
        if isinstance(item, dict):
            keyed.append(item)
            taken.add(str(item.get("key")))
            continue
        text = str(item)
        base = _slug(text) or "option"
        key, number = base, 2
        while key in taken:
            key, number = f"{base}-{number}", number + 1
        taken.add(key)
        by_text[text] = key
        keyed.append({"key": key, "fr": text, "en": ""})
    return keyed, by_text


def _rekeyed(answer, by_text):
    if isinstance(answer, list):
        return [by_text.get(item, item) if isinstance(item, str) else item for item in answer]
    return by_text.get(answer, answer) if isinstance(answer, str) else answer


def _loaded(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


async def _keys_for_options(apps, schema_editor):
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
    cast = "::jsonb" if postgres else ""
    _, rows = await client.execute_query(
        f"SELECT id, event_id, kind, options FROM question WHERE kind IN ({mark(1)}, {mark(2)})", list(_CHOICES)
    )
    per_event = {}
    for row in rows:
        keyed, by_text = _keyed(_loaded(row["options"]))
        await client.execute_query(
            f"UPDATE question SET options = {mark(1)}{cast} WHERE id = {mark(2)}",
            [json.dumps(keyed, separators=(",", ":")), row["id"]],
        )
        per_event.setdefault(row["event_id"], {})[str(row["id"])] = by_text
    for event_id, questions in per_event.items():
        _, tickets = await client.execute_query(
            f"SELECT id, answers FROM ticket WHERE event_id = {mark(1)}", [event_id]
        )
        for ticket in tickets:
            answers = _loaded(ticket["answers"]) or {}
            changed = {
                key: (_rekeyed(value, questions[key]) if key in questions else value)
                for key, value in answers.items()
            }
            if changed != answers:
                await client.execute_query(
                    f"UPDATE ticket SET answers = {mark(1)}{cast} WHERE id = {mark(2)}",
                    [json.dumps(changed, separators=(",", ":")), ticket["id"]],
                )


class Migration(migrations.Migration):
    dependencies = [('models', '0019_dash')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Question',
            name='label_en',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
        ops.AddField(
            model_name='Session',
            name='title_en',
            field=fields.CharField(default='', db_default='', max_length=300),
        ),
        ops.AddField(
            model_name='Session',
            name='description_en',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.RunPython(_keys_for_options, ops.RunPython.noop),
    ]
