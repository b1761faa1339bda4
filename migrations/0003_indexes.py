from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_stripe_session_closed')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Checkin',
            index=Index(fields=['ticket_id']),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='Order',
            index=Index(fields=['promo_code_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Refund',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='SessionBooking',
            index=Index(fields=['session_id']),
        ),
        ops.AddIndex(
            model_name='Ticket',
            index=Index(fields=['event_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Ticket',
            index=Index(fields=['order_id']),
        ),
        ops.AddIndex(
            model_name='WaitingListEntry',
            index=Index(fields=['ticket_type_id', 'status']),
        ),
    ]
