from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from events.ticketing.models import PaymentMethod
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_toolkit')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BankTransfer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.RESTRICT)),
                ('amount_cents', fields.IntField()),
                ('paid_on', fields.DateField()),
                ('reference', fields.CharField(default='', max_length=140)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'bank_transfer', 'app': 'models', 'indexes': [Index(fields=['order_id'])], 'pk_attr': 'id', 'table_description': 'A bank transfer received for an order paid on invoice, as recorded by the organiser.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('siren', fields.CharField(default='', max_length=9)),
                ('domains', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'siren'])], 'pk_attr': 'id', 'table_description': "One entry of the organisation's member directory: its members pay member prices without a code."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Event',
            name='invoice_payment_days',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Invoice',
            name='payment_terms',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Invoice',
            name='transmitted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='amount_paid_cents',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Order',
            name='buyer_reference',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        ops.AddField(
            model_name='Order',
            name='buyer_siret',
            field=fields.CharField(default='', db_default='', max_length=14),
        ),
        ops.AddField(
            model_name='Order',
            name='due_date',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Order',
            name='member_name',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='Order',
            name='payment_method',
            field=fields.CharEnumField(default=PaymentMethod.CARD, description='CARD: card\nINVOICE: invoice\nNONE: none', db_default='card', enum_type=PaymentMethod, max_length=16),
        ),
        ops.AddField(
            model_name='Order',
            name='purchase_order',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        ops.AddField(
            model_name='Order',
            name='reminded_after_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Order',
            name='reminded_before_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Organisation',
            name='account_holder',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='Organisation',
            name='bic',
            field=fields.CharField(default='', db_default='', max_length=11),
        ),
        ops.AddField(
            model_name='Organisation',
            name='city',
            field=fields.CharField(default='', db_default='', max_length=120),
        ),
        ops.AddField(
            model_name='Organisation',
            name='colour',
            field=fields.CharField(default='', db_default='', max_length=7),
        ),
        ops.AddField(
            model_name='Organisation',
            name='country',
            field=fields.CharField(default='FR', db_default='FR', max_length=2),
        ),
        ops.AddField(
            model_name='Organisation',
            name='iban',
            field=fields.CharField(default='', db_default='', max_length=34),
        ),
        ops.AddField(
            model_name='Organisation',
            name='logo_url',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
        ops.AddField(
            model_name='Organisation',
            name='postcode',
            field=fields.CharField(default='', db_default='', max_length=16),
        ),
        ops.AddField(
            model_name='Organisation',
            name='vat_on_debits',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Organisation',
            name='vat_regime',
            field=fields.CharField(default='normal', db_default='normal', max_length=16),
        ),
        ops.AddField(
            model_name='TicketType',
            name='member_price_cents',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='TicketType',
            name='members_only',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
