from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_billing')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Event',
            name='description_en',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Event',
            name='title_en',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='Event',
            name='venue_en',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='TicketType',
            name='description_en',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='TicketType',
            name='name_en',
            field=fields.CharField(default='', db_default='', max_length=120),
        ),
    ]
