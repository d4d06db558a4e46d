"""The audit trail in the Django admin: shown, never added, changed or deleted, not even by the
superuser (issue 20: the superuser could bulk-delete supervision records)."""

import pytest

from hotline.accounts.models import User
from hotline.core import clock
from hotline.core.enums import SupervisionKind, SupervisionReason
from hotline.intake.models import PhoneReveal
from hotline.supervision.models import Supervision
from hotline.tickets.models import TicketEvent
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(staff) -> dict[str, object]:
    ticket = make_ticket(actor=staff["operator"])
    supervision = Supervision.objects.create(
        ticket=ticket,
        kind=SupervisionKind.ORDER,
        reason=SupervisionReason.MANUAL,
        reason_text="逾期未办",
        created_by=staff["supervisor"],
        created_at=clock.now(),
        dedupe_key=f"manual:{ticket.pk}",
    )
    reveal = PhoneReveal.objects.create(
        appeal=ticket.appeals.get(), revealed_by=staff["operator"], revealed_at=clock.now()
    )
    return {
        "tickets/ticketevent": ticket.events.get(),
        "supervision/supervision": supervision,
        "intake/phonereveal": reveal,
    }


AUDITED = ["tickets/ticketevent", "supervision/supervision", "intake/phonereveal"]


@pytest.mark.parametrize("model", AUDITED)
def test_the_superuser_sees_an_audit_record_but_cannot_add_change_or_delete_it(root, records, model):
    record = records[model]
    listing = root.get(f"/admin/{model}/")
    assert listing.status_code == 200
    assert 'value="delete_selected"' not in listing.content.decode()
    assert root.get(f"/admin/{model}/add/").status_code == 403
    assert root.get(f"/admin/{model}/{record.pk}/delete/").status_code == 403
    assert root.post(f"/admin/{model}/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    # The page of one record shows it without a form to save.
    page = root.get(f"/admin/{model}/{record.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert root.post(f"/admin/{model}/{record.pk}/change/", {}).status_code == 403
    # The bulk delete, posted as the changelist would, deletes nothing.
    root.post(
        f"/admin/{model}/",
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert type(record).objects.filter(pk=record.pk).exists()


def test_staff_who_acted_cannot_be_deleted_from_the_admin(root, records, staff):
    # Deleting a user would blank the actor of every timeline line they wrote: deactivate instead.
    operator = staff["operator"]
    assert root.get(f"/admin/accounts/user/{operator.pk}/delete/").status_code == 403
    root.post(
        "/admin/accounts/user/",
        {"action": "delete_selected", "_selected_action": [operator.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=operator.pk).exists()
    assert TicketEvent.objects.filter(actor=operator).exists()
