from django.db import migrations

# PostgreSQL only: leave 15% of each page of tickets_assignment free, so that updates which change no
# indexed column (the sweep's overdue mark, suspension, extension) stay on the page as HOT updates
# instead of adding an entry to each of the table's dozen indexes. Rows written from now on are
# packed this way; `VACUUM FULL tickets_assignment` repacks the existing ones.


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tickets_assignment SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE tickets_assignment RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_assignment_deadline_assumed")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
