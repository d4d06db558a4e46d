"""Migration supervision.0012: the numbers in the labels of the repeated issues stored before are
masked (a label is the first ticket's title, written when the repetition is raised); the labels of
the other kinds (a citizen's masked number and name, an address) and those without numbers stay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import make_ticket
from tests.migrations import migrate_to

BEFORE = [("supervision", "0011_admin_names_in_chinese")]
AFTER = [("supervision", "0012_issue_labels_masked")]


@pytest.mark.django_db(transaction=True)
def test_the_numbers_in_the_issues_labels_are_masked(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], title="路灯不亮")
    apps = migrate_to(BEFORE)
    Repetition = apps.get_model("supervision", "Repetition")
    now = timezone.now()

    def raised(kind: str, key: str, label: str) -> int:
        return Repetition.objects.create(
            kind=kind,
            key=key,
            label=label,
            count=3,
            window_days=30,
            first_at=now,
            last_at=now,
            ticket_id=ticket.pk,
            raised_at=now,
            updated_at=now,
        ).pk

    numbered = raised("issue", "1", "回电13912345678 路灯不亮")
    plain = raised("issue", "2", "3栋1501室楼道灯2026年起不亮")
    address = raised("place", "p", "幸福路88号")
    try:
        apps = migrate_to(AFTER)
        labels = dict(apps.get_model("supervision", "Repetition").objects.values_list("pk", "label"))
        assert labels[numbered] == "回电*** 路灯不亮"
        assert labels[plain] == "3栋1501室楼道灯2026年起不亮"
        assert labels[address] == "幸福路88号"
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
