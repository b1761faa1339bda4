from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_abstracts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Certificate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='certificates', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.OneToOneField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='certificate', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('locale', fields.CharField(default='fr', max_length=2)),
                ('attendee_name', fields.CharField(max_length=200)),
                ('organisation', fields.CharField(default='', max_length=200)),
                ('sessions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'certificate', 'app': 'models', 'indexes': [Index(fields=['event_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CertificateRules',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.OneToOneField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='certificate_rules', on_delete=OnDelete.CASCADE)),
                ('event_checkin', fields.BooleanField(default=False)),
                ('min_sessions', fields.IntField(default=0)),
                ('sessions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('title_fr', fields.CharField(default='', max_length=200)),
                ('title_en', fields.CharField(default='', max_length=200)),
                ('signatory', fields.CharField(default='', max_length=200)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'certificate_rules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Who earns a certificate at an event: checked in at the event, and/or at least `min_sessions` of'},
            bases=['Model'],
        ),
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
