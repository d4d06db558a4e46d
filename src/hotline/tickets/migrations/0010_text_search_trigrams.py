"""Trigram indexes for the search by text on PostgreSQL (pg_trgm), nothing on SQLite.

The search (`tickets.selectors.filtered_tickets`) matches `title`, `content` and `number` with
icontains, which PostgreSQL runs as `UPPER(col) LIKE UPPER('%word%')`; a GIN trigram index on the
same expression finds the rows holding a word of three characters or more without reading the
table (a rare word: from 770 ms to a few ms on a million tickets, bench/pages.py). Shorter words
cannot use it and are read as before, newest first, which is fast when they are common.
"""

from django.db import migrations

COLUMNS = ("title", "content", "number")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS ticket_{column}_trgm ON tickets_ticket "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS ticket_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0009_timestamps_in_range")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
