"""Appeals' phone numbers in ASCII: the full-width digits, signs, brackets and spaces that some were
stored with (typed with a Chinese input method and taken as given by the API, an import, Open311 or
a letter, before intake read them as ASCII: `intake.actions.checked`) become the ASCII ones, one
character for one, so that the SQL that compares numbers (`core.phone.dialled_in_db`: the callbacks,
the repetition counters) and the search by a number's last digits (`Appeal.phone_tail`, kept by the
database) find them. Nothing else of a number changes. The mapping is a frozen copy of
`core.phone.half_width`'s: a migration says what was stored then. Not reversed: the ASCII number is
the same number.
"""

from typing import Any

from django.db import migrations
from django.db.models import Q

_HALF_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)} | {
    "＋": "+",
    "－": "-",
    "（": "(",
    "）": ")",
    "\u3000": " ",
}
_TABLE = str.maketrans(_HALF_WIDTH)


def ascii_phones(apps: Any, schema_editor: Any) -> None:
    Appeal = apps.get_model("intake", "Appeal")
    written = Q()
    for char in _HALF_WIDTH:
        written |= Q(citizen_phone__contains=char)
    appeals = Appeal.objects.using(schema_editor.connection.alias)
    # One update per number as written: a caller who called often is one statement, not many.
    for phone in appeals.filter(written).values_list("citizen_phone", flat=True).distinct().order_by():
        appeals.filter(citizen_phone=phone).update(citizen_phone=phone.translate(_TABLE).strip())


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0010_admin_names_in_chinese"),
    ]

    operations = [
        migrations.RunPython(ascii_phones, migrations.RunPython.noop, elidable=True),
    ]
