"""The message of a city-wide day entered twice: in words, where the admin named the constraint.
No change to the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0004_extension_withdrawn"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="calendaroverride",
            name="calendar_override_unique_citywide_day",
            constraint=models.UniqueConstraint(
                condition=models.Q(("department__isnull", True)),
                fields=("day",),
                name="calendar_override_unique_citywide_day",
                violation_error_message="全市已有这一天的日历例外，请修改那一条",
            ),
        ),
    ]
