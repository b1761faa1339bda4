from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_bilingual')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Order',
            name='created_by_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Order',
            name='complimentary_reason',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
    ]
