from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from events.partnering.models import MeetingStatus, OrganisationKind, Outcome, RequestStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_privacy')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Participant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='partnering_participants', on_delete=OnDelete.CASCADE)),
                ('ticket', fields.OneToOneField('models.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='partnering', on_delete=OnDelete.CASCADE)),
                ('visible', fields.BooleanField(default=False)),
                ('closed', fields.BooleanField(default=False)),
                ('organisation_kind', fields.CharEnumField(default=OrganisationKind.OTHER, description='LAB: lab\nSTARTUP: startup\nSME: sme\nLARGE_COMPANY: large_company\nINVESTOR: investor\nPUBLIC_BODY: public_body\nOTHER: other', enum_type=OrganisationKind, max_length=16)),
                ('headline', fields.CharField(default='', max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('topics', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('offers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('looking_for', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('languages', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('available_slots', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'partnering_participant', 'app': 'models', 'indexes': [Index(fields=['event_id', 'visible', 'closed'])], 'pk_attr': 'id', 'table_description': "One ticket's partnering space and profile, closed once the ticket is cancelled."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='partnering_requests', on_delete=OnDelete.CASCADE)),
                ('sender', fields.ForeignKeyField('models.Participant', source_field='sender_id', db_constraint=True, to_field='id', related_name='requests_sent', on_delete=OnDelete.CASCADE)),
                ('receiver', fields.ForeignKeyField('models.Participant', source_field='receiver_id', db_constraint=True, to_field='id', related_name='requests_received', on_delete=OnDelete.CASCADE)),
                ('message', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=RequestStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nDECLINED: declined\nCANCELLED: cancelled', enum_type=RequestStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'partnering_request', 'app': 'models', 'indexes': [Index(fields=['event_id', 'status']), Index(fields=['sender_id']), Index(fields=['receiver_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PartneringSetup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.OneToOneField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='partnering', on_delete=OnDelete.CASCADE)),
                ('enabled', fields.BooleanField(default=False)),
                ('meeting_minutes', fields.IntField(default=30)),
                ('windows', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tables', fields.IntField(default=10)),
                ('table_names', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('max_meetings', fields.IntField(default=8)),
                ('requests_close_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('topics', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('cooperation_types', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('follow_up_months', fields.IntField(default=3)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_run', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lock_version', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'partnering_setup', 'app': 'models', 'pk_attr': 'id', 'table_description': "One event's partnering rules: meeting windows (ISO start and end, UTC), tables, limits, and the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Slot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='partnering_slots', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'partnering_slot', 'app': 'models', 'unique_together': (('event', 'starts_at'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('models.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='partnering_meetings', on_delete=OnDelete.CASCADE)),
                ('request', fields.OneToOneField('models.MeetingRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='meeting', on_delete=OnDelete.CASCADE)),
                ('sender', fields.ForeignKeyField('models.Participant', source_field='sender_id', db_constraint=True, to_field='id', related_name='meetings_sent', on_delete=OnDelete.CASCADE)),
                ('receiver', fields.ForeignKeyField('models.Participant', source_field='receiver_id', db_constraint=True, to_field='id', related_name='meetings_received', on_delete=OnDelete.CASCADE)),
                ('slot', fields.ForeignKeyField('models.Slot', source_field='slot_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.RESTRICT)),
                ('table', fields.IntField()),
                ('status', fields.CharEnumField(default=MeetingStatus.SCHEDULED, description='SCHEDULED: scheduled\nCANCELLED: cancelled\nHELD: held\nNO_SHOW: no_show', enum_type=MeetingStatus, max_length=16)),
                ('pinned', fields.BooleanField(default=False)),
                ('sequence', fields.IntField(default=0)),
                ('sender_scanned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('receiver_scanned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('absent', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('announced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'partnering_meeting', 'app': 'models', 'indexes': [Index(fields=['event_id', 'status']), Index(fields=['slot_id', 'table'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE)),
                ('rating', fields.IntField()),
                ('outcome', fields.CharEnumField(description='NONE: none\nFOLLOW_UP: follow_up\nNEGOTIATION: negotiation\nAGREEMENT: agreement', enum_type=Outcome, max_length=16)),
                ('comment', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partnering_feedback', 'app': 'models', 'unique_together': (('meeting', 'participant'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
