from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_comp')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Question',
            name='show_at_door',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='door_consent',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
