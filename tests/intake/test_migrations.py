"""Migration intake.0011: the phone numbers stored with full-width digits (before intake read them as
ASCII: old data, imports) are stored in ASCII, so that the SQL that compares numbers
(`core.phone.dialled_in_db`) and the search by a number's last digits (`Appeal.phone_tail`) find
them; the others are left as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.migrations import migrate_to

BEFORE = [("intake", "0010_admin_names_in_chinese")]
AFTER = [("intake", "0011_appeal_phone_ascii_digits")]

STORED = {
    "１３９００００５６７８": "13900005678",
    "＋８６ １３９－００００－５６７８": "+86 139-0000-5678",
    "（０５７１）８８８８　１２３４转８０２１": "(0571)8888 1234转8021",
    "139 0000 5678": "139 0000 5678",
    "+852 2345 6789": "+852 2345 6789",
    "": "",
}


@pytest.mark.django_db(transaction=True)
def test_full_width_digits_of_stored_numbers_become_ascii() -> None:
    apps = migrate_to(BEFORE)
    Ticket = apps.get_model("tickets", "Ticket")
    Appeal = apps.get_model("intake", "Appeal")
    now = timezone.now()
    ticket = Ticket.objects.create(
        number="20250101-000001", title="t", content="c", created_at=now, updated_at=now
    )
    ids = {
        Appeal.objects.create(
            ticket=ticket, channel="import", citizen_phone=phone, title="t", content="c", received_at=now
        ).pk: phone
        for phone in STORED
    }
    try:
        apps = migrate_to(AFTER)
        Appeal = apps.get_model("intake", "Appeal")
        stored = dict(Appeal.objects.filter(pk__in=ids).values_list("pk", "citizen_phone"))
        assert {ids[pk]: phone for pk, phone in stored.items()} == STORED
        tails = set(Appeal.objects.filter(pk__in=ids).values_list("phone_tail", flat=True))
        assert tails == {"5678", "8021", "6789", ""}
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
