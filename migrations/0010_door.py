from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CheckinConflict',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('checkin_list', fields.ForeignKeyField('models.CheckinList', source_field='checkin_list_id', db_constraint=True, to_field='id', related_name='conflicts', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.ForeignKeyField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='checkin_conflicts', on_delete=OnDelete.CASCADE)),
                ('first_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('second_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('device', fields.CharField(default='', max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'checkin_conflict', 'app': 'models', 'indexes': [Index(fields=['checkin_list_id']), Index(fields=['ticket_id'])], 'pk_attr': 'id', 'table_description': 'An entry a door admitted offline that the server found already made elsewhere.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CheckinList',
            name='once_per_day',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='CheckinList',
            name='session',
            field=fields.ForeignKeyField('models.Session', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='checkin_lists', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Event',
            name='offline_names',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
