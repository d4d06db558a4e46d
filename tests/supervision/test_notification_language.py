"""The notifications that a supervisor's action stores are in the city's language, whatever the
language of the page the supervisor acted from: they go to units by SMS and mail, and the API
gives them as stored."""

import pytest
from django.utils import translation

from hotline.core import clock
from hotline.core.enums import NotificationReason, SupervisionKind
from hotline.notifications.models import Notification
from hotline.supervision.actions import do_open_supervision, do_resolve_supervision
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def test_opening_and_closing_by_hand_in_english_tell_the_unit_in_chinese(build, staff) -> None:
    ticket, _assignment = build(dispatched=at(2025, 3, 3, 10), due=at(2025, 3, 6, 10))
    with clock.frozen_at(at(2025, 3, 7, 10)), translation.override("en"):
        order = do_open_supervision(ticket, staff["supervisor"], kind=SupervisionKind.ORDER, reason="请加快")
        do_resolve_supervision(order, staff["supervisor"], note="已办理")

    opened = Notification.objects.filter(reason=NotificationReason.SUPERVISION).first()
    resolved = Notification.objects.filter(reason=NotificationReason.SUPERVISION_RESOLVED).first()
    assert opened is not None and resolved is not None
    assert opened.message == f"工单 {ticket.number}「{ticket.title}」被督办：请加快"
    assert resolved.message == f"工单 {ticket.number} 的督办已办结。已办理"
