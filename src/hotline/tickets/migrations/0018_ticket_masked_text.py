"""Ticket.masked_text: a ticket's title and content with every citizen's number masked, what the
roles that see numbers masked search (`tickets.selectors.filtered_tickets`); filled here for the
tickets stored before it, and indexed for the search by text as `title` and `content` are (0010).

The masking is the application's own (`tickets.models.masked_text_of`, `core.phone
.masked_for_search`): one rule, which SQL could not repeat on both databases. Rows are read and
written a thousand at a time, by id (SQLite does not isolate a read from the writes between its
fetches): a million tickets take a few minutes.
"""

from django.db import migrations, models

from hotline.tickets.models import masked_text_of

BATCH = 1000


def fill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    last = 0
    while True:
        batch = list(Ticket.objects.filter(pk__gt=last).order_by("pk").only("pk", "title", "content")[:BATCH])
        if not batch:
            return
        for ticket in batch:
            ticket.masked_text = masked_text_of(ticket.title, ticket.content)
        # Only the tickets with a number: the others' is the column's default already, and writing
        # every row (the table locked by the column's adding) took fourteen times as long.
        Ticket.objects.bulk_update([t for t in batch if t.masked_text], ["masked_text"])
        last = batch[-1].pk


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # After the rows are filled: one build instead of an index kept up through a million updates.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ticket_masked_text_trgm ON tickets_ticket "
        "USING gin (UPPER(masked_text::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS ticket_masked_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0017_admin_names_in_chinese")]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="masked_text",
            field=models.TextField(
                db_default="", default="", editable=False, verbose_name="检索文本（号码已隐去）"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
