"""A repeated issue's label (`Repetition.label`: the title of its first ticket) with the numbers in
it masked, as `supervision.repetition._named` now makes it: the web's and the portal's callers write
theirs in the title ("回电139…"), and supervisors and leaders read the label (docs/adr/0017). A
repetition's label is written when it is raised and kept while it is open, so the open ones would
show it until they end. The masking is the application's own (`core.phone.mask_numbers`, a
citizen's own words). A few hundred rows. Not reversed: a masked number cannot be told again.
"""

from django.db import migrations

from hotline.core.phone import mask_numbers

LABEL_LENGTH = 200


def mask_labels(apps, schema_editor):
    Repetition = apps.get_model("supervision", "Repetition")
    changed = []
    for repetition in Repetition.objects.filter(kind="issue").only("pk", "label"):
        masked = mask_numbers(repetition.label, citizen_text=True)[:LABEL_LENGTH]
        if masked != repetition.label:
            repetition.label = masked
            changed.append(repetition)
    Repetition.objects.bulk_update(changed, ["label"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0011_admin_names_in_chinese")]

    operations = [migrations.RunPython(mask_labels, migrations.RunPython.noop, elidable=False)]
