"""A supervision's ticket, assignment and department have no constraint in the database (the sweep
writes a hundred thousand at once; docs/adr/0003-supervision.md): Django must still cascade and
protect as the model says."""

from datetime import timedelta

import pytest
from django.db.models import ProtectedError

from hotline.intake.models import Appeal
from hotline.notifications.models import Notification
from hotline.supervision.models import Supervision
from tests.supervision.conftest import at, sweep

pytestmark = pytest.mark.django_db

NOW = at(2025, 3, 12, 10)  # a Wednesday


@pytest.fixture
def supervised(build):
    ticket, assignment = build(dispatched=NOW - timedelta(days=12), due=at(2025, 3, 3, 10))
    sweep(NOW)
    supervision = Supervision.objects.get(ticket=ticket)
    assert supervision.assignment_id == assignment.pk
    assert Notification.objects.filter(supervision=supervision).exists()
    return ticket, assignment, supervision


def test_deleting_a_ticket_deletes_its_supervisions_and_their_notifications(supervised) -> None:
    ticket, _assignment, supervision = supervised
    Appeal.objects.filter(ticket=ticket).delete()  # they protect the ticket
    ticket.delete()
    assert not Supervision.objects.filter(pk=supervision.pk).exists()
    assert not Notification.objects.filter(supervision_id=supervision.pk).exists()


def test_deleting_an_assignment_deletes_its_supervisions(supervised) -> None:
    _ticket, assignment, supervision = supervised
    assignment.delete()
    assert not Supervision.objects.filter(pk=supervision.pk).exists()


def test_a_department_named_by_a_supervision_cannot_be_deleted(supervised) -> None:
    _ticket, _assignment, supervision = supervised
    with pytest.raises(ProtectedError) as refused:
        supervision.department.delete()
    assert supervision in refused.value.protected_objects
