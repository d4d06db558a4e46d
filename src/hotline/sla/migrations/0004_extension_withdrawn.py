"""Extension requests are withdrawn when their assignment leaves handling (`sla.withdrawals`).
Those the code before left waiting on an assignment no longer at work, or on a ticket done with,
are withdrawn here: they stayed listed on the supervision board, counted, and could not be decided.
Who ended the handling is not known here (the timeline says it); the note says why."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

HANDLING = ("pending", "accepted")
DONE = ("closed", "merged", "invalid")


def withdraw_moot(apps, schema_editor):
    Extension = apps.get_model("sla", "Extension")
    Extension.objects.filter(approved__isnull=True).filter(
        ~Q(assignment__status__in=HANDLING) | Q(assignment__ticket__status__in=DONE)
    ).update(
        approved=False,
        withdrawn=True,
        decided_at=timezone.now(),
        decision_note="派单已不在办理中，延期申请自动撤回",
    )


class Migration(migrations.Migration):

    dependencies = [
        ('sla', '0003_extension_granted_due_at'),
        ('tickets', '0016_ticketevent_return_reply'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='extension',
            name='withdrawn',
            field=models.BooleanField(default=False, verbose_name='已撤回'),
        ),
        migrations.AddConstraint(
            model_name='extension',
            constraint=models.CheckConstraint(condition=models.Q(('withdrawn', False), ('approved', False), _connector='OR'), name='extension_withdrawn_not_approved'),
        ),
        migrations.RunPython(withdraw_moot, migrations.RunPython.noop),
    ]
