"""A ticket's masked text (`Ticket.masked_text`, what the roles that see numbers masked search):
its title and content with every number masked (`core.phone.masked_for_search`), kept in step on
every write of them, filled for the tickets stored before it by migration tickets.0018."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hotline.core.enums import Channel
from hotline.core.phone import MASK
from hotline.intake.actions import AppealData, do_receive_appeals
from hotline.tickets.models import Ticket
from tests.factories import make_ticket
from tests.migrations import migrate_to

pytestmark = pytest.mark.django_db


def test_a_new_ticket_has_its_masked_text(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], title="回电13912345678", content="3栋1501室，电话88881234")
    ticket.refresh_from_db()
    assert ticket.masked_text == f"回电{MASK}\n3栋1501室，电话{MASK}"


def test_the_tickets_of_a_bulk_intake_have_theirs(staff) -> None:
    receipt = do_receive_appeals(
        [
            AppealData(
                channel=Channel.IMPORT,
                external_id="old-1",
                title="噪音扰民",
                content="楼下商铺夜间噪音，请回电13912345678。",
                citizen_phone="13900000001",
            )
        ],
        staff["admin"],
        route=False,
    )
    stored = Ticket.objects.get(pk=receipt.created[0].pk)
    assert stored.masked_text == f"噪音扰民\n楼下商铺夜间噪音，请回电{MASK}。"


def test_a_change_of_title_or_content_changes_it(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], title="路灯不亮", content="路灯坏了")
    ticket.content = "路灯坏了，电话13912345678"
    ticket.save(update_fields=["content"])
    assert Ticket.objects.get(pk=ticket.pk).masked_text == f"路灯不亮\n路灯坏了，电话{MASK}"
    ticket.title = "路灯不亮 13812341234"
    Ticket.objects.bulk_update([ticket], ["title"])
    assert Ticket.objects.get(pk=ticket.pk).masked_text == f"路灯不亮 {MASK}\n路灯坏了，电话{MASK}"


def test_an_update_of_title_or_content_in_sql_changes_it_too(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], title="路灯不亮", content="路灯坏了")
    other = make_ticket(actor=staff["operator"], title="井盖缺失", content="井盖丢了")
    assert Ticket.objects.filter(content="路灯坏了").update(content="电话13912345678") == 1
    assert Ticket.objects.get(pk=ticket.pk).masked_text == f"路灯不亮\n电话{MASK}"
    # A text without a number has none: its own text is what the masked roles search.
    assert Ticket.objects.get(pk=other.pk).masked_text == ""


def test_a_text_that_no_longer_holds_a_number_has_no_masked_text(staff) -> None:
    ticket = make_ticket(actor=staff["operator"], title="路灯不亮", content="电话13912345678")
    ticket.content = "路灯坏了，2号线出口"
    ticket.save(update_fields=["content"])
    assert Ticket.objects.get(pk=ticket.pk).masked_text == ""


BEFORE = [("tickets", "0017_admin_names_in_chinese")]
AFTER = [("tickets", "0018_ticket_masked_text")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_masked_text_of_the_stored_tickets() -> None:
    apps = migrate_to(BEFORE)
    Historical = apps.get_model("tickets", "Ticket")
    now = timezone.now()
    stored = [
        Historical.objects.create(
            number=f"20250101-{n:06d}",
            title=f"第{n}件",
            content=f"请回电1391234{n:04d}，3栋1501室",
            created_at=now,
            updated_at=now,
        ).pk
        for n in range(1, 4)
    ]
    try:
        apps = migrate_to(AFTER)
        filled = dict(apps.get_model("tickets", "Ticket").objects.values_list("pk", "masked_text"))
        assert [filled[pk] for pk in stored] == [f"第{n}件\n请回电{MASK}，3栋1501室" for n in range(1, 4)]
    finally:
        executor = MigrationExecutor(connection)
        migrate_to(executor.loader.graph.leaf_nodes())
