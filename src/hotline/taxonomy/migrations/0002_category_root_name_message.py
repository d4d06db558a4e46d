"""The message of a first-level name taken twice: in words, where the admin named the constraint.
No change to the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("taxonomy", "0001_initial"),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name="category",
            name="category_unique_root_name",
            constraint=models.UniqueConstraint(
                condition=models.Q(("parent__isnull", True)),
                fields=("name",),
                name="category_unique_root_name",
                violation_error_message="已有同名的一级分类",
            ),
        ),
    ]
