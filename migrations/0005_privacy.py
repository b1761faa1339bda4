from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_password_reset')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConsentRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation_id', fields.IntField(db_index=True)),
                ('event_id', fields.IntField(null=True)),
                ('order_id', fields.IntField(null=True)),
                ('email', fields.CharField(db_index=True, max_length=254)),
                ('purpose', fields.CharField(max_length=40)),
                ('granted', fields.BooleanField()),
                ('notice_version', fields.CharField(max_length=40)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_record', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Event',
            name='anonymised_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Event',
            name='retention_months',
            field=fields.IntField(default=36, db_default=36),
        ),
        ops.AddField(
            model_name='Event',
            name='sensitive_purged_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Event',
            name='sensitive_retention_days',
            field=fields.IntField(default=30, db_default=30),
        ),
    ]
