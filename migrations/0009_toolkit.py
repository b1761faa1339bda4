from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from events.accounts.models import Role
from events.mail.models import MailingStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_door')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('role', fields.CharEnumField(description='OWNER: owner\nMANAGER: manager\nDOOR: door\nREVIEWER: reviewer', enum_type=Role, max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('invited_by_id', fields.IntField(null=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'invitation', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'email'])], 'pk_attr': 'id', 'table_description': "An invitation to join the organisation's team with a role, by a one-time link valid 7 days."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Mailing',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='mailings', on_delete=OnDelete.CASCADE)),
                ('subject', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('audience', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=MailingStatus.DRAFT, description='DRAFT: draft\nSENDING: sending\nSENT: sent', enum_type=MailingStatus, max_length=16)),
                ('recipients', fields.IntField(default=0)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mailing', 'app': 'models', 'pk_attr': 'id', 'table_description': "A message the organiser writes to an event's attendees, in French and English, with placeholders."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrganisationLogo',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='logo', on_delete=OnDelete.CASCADE)),
                ('content', fields.BinaryField()),
                ('media_type', fields.CharField(max_length=32)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'organisation_logo', 'app': 'models', 'pk_attr': 'id', 'table_description': "The organisation's logo, re-encoded by the server (PNG or JPEG only), kept apart from the row that"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuditEntry',
            name='event_id',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['organisation_id', 'id']),
        ),
        ops.AddIndex(
            model_name='AuditEntry',
            index=Index(fields=['organisation_id', 'object_type', 'object_id']),
        ),
        ops.AddField(
            model_name='Organisation',
            name='brand_colour',
            field=fields.CharField(default='', db_default='', max_length=7),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='event_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='headers',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='mailing_id',
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['event_id', 'id']),
        ),
        ops.AddIndex(
            model_name='OutboxMessage',
            index=Index(fields=['mailing_id', 'status']),
        ),
        ops.AddField(
            model_name='Ticket',
            name='news_consent',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Ticket',
            name='news_consent_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Ticket',
            index=Index(fields=['event_id', 'attendee_name']),
        ),
        ops.AlterField(
            model_name='User',
            name='role',
            field=fields.CharEnumField(default=Role.MANAGER, description='OWNER: owner\nMANAGER: manager\nDOOR: door\nREVIEWER: reviewer', enum_type=Role, max_length=16),
        ),
    ]
