"""Close the open supervisions that a later, higher step of the ladder on the same assignment has
taken over (docs/adr/0003-supervision.md, addendum of 2026-12-06): opened before the sweep and the
actions superseded them, they kept every ticket listed once per step on the board."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

LADDER = ("reminder", "order", "listing", "elevation")


def supersede(apps, schema_editor):
    Supervision = apps.get_model("supervision", "Supervision")
    now = timezone.now()
    for level, kind in enumerate(LADDER[:-1]):
        higher = Supervision.objects.filter(
            assignment_id=OuterRef("assignment_id"),
            kind__in=LADDER[level + 1 :],
            resolved_at__isnull=True,
            created_at__gte=OuterRef("created_at"),
        )
        Supervision.objects.filter(resolved_at__isnull=True, kind=kind, assignment__isnull=False).filter(
            Exists(higher)
        ).update(resolved_at=now, resolution_note="已由更高一级督办取代，自动销号")


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0009_response_overdue_reminder"),
    ]

    operations = [migrations.RunPython(supersede, migrations.RunPython.noop)]
