from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from events.abstracts.models import AbstractStatus
from events.accounts.models import Role
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_partnering')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Call',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.OneToOneField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='call', on_delete=OnDelete.CASCADE)),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('contribution_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('max_words', fields.IntField(default=300)),
                ('blind', fields.BooleanField(default=False)),
                ('presenter_promo_code', fields.ForeignKeyField('models.PromoCode', source_field='presenter_promo_code_id', null=True, db_constraint=True, to_field='id', related_name='calls', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'abstract_call', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The call for abstracts of one event: its window, rules and review questions (one per event at most).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewQuestion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.Call', source_field='call_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('text', fields.CharField(max_length=300)),
                ('max_score', fields.IntField(default=5)),
                ('position', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'abstract_review_question', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reviewer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='reviewers', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='reviewer_seats', on_delete=OnDelete.CASCADE)),
                ('track_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('affiliation', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'abstract_reviewer', 'app': 'models', 'unique_together': (('event', 'user'),), 'pk_attr': 'id', 'table_description': 'An organisation user with role `reviewer`, enrolled on one event for some of its tracks.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Track',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.Call', source_field='call_id', db_constraint=True, to_field='id', related_name='tracks', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('position', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'abstract_track', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Abstract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='abstracts', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=12)),
                ('secret', fields.CharField(unique=True, max_length=43)),
                ('title', fields.CharField(max_length=300)),
                ('body', fields.TextField(unique=False)),
                ('track', fields.ForeignKeyField('models.Track', source_field='track_id', db_constraint=True, to_field='id', related_name='abstracts', on_delete=OnDelete.RESTRICT)),
                ('contribution_type', fields.CharField(max_length=40)),
                ('authors', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('submitter_name', fields.CharField(max_length=200)),
                ('submitter_email', fields.CharField(db_index=True, max_length=254)),
                ('locale', fields.CharField(default='fr', max_length=5)),
                ('status', fields.CharEnumField(default=AbstractStatus.SUBMITTED, description='SUBMITTED: submitted\nWITHDRAWN: withdrawn\nACCEPTED: accepted\nREJECTED: rejected', enum_type=AbstractStatus, max_length=16)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='abstracts', on_delete=OnDelete.SET_NULL)),
                ('poster_board', fields.CharField(default='', max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'abstract', 'app': 'models', 'indexes': [Index(fields=['event_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Assignment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('abstract', fields.ForeignKeyField('models.Abstract', source_field='abstract_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('reviewer', fields.ForeignKeyField('models.Reviewer', source_field='reviewer_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('scores', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('comment', fields.TextField(default='', unique=False)),
                ('recommendation', fields.CharField(default='', max_length=48)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'abstract_assignment', 'app': 'models', 'unique_together': (('abstract', 'reviewer'),), 'pk_attr': 'id', 'table_description': 'One abstract given to one reviewer, with the review once it is written.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='User',
            name='role',
            field=fields.CharEnumField(default=Role.MANAGER, description='OWNER: owner\nMANAGER: manager\nDOOR: door\nREVIEWER: reviewer', enum_type=Role, max_length=16),
        ),
    ]
