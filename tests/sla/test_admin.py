"""Administrators configure calendars and policies in the admin; the records are read-only there."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from hotline.core.enums import Urgency
from hotline.sla.models import DeadlinePolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_policy_must_set_a_term_and_not_repeat_a_scope() -> None:
    with pytest.raises(ValidationError, match="至少设置一项时限"):
        DeadlinePolicy(name="空", urgency=Urgency.URGENT).full_clean()
    DeadlinePolicy.objects.create(name="紧急", urgency=Urgency.URGENT, response_minutes=20)
    with pytest.raises(ValidationError, match="适用范围完全相同"):
        DeadlinePolicy(name="又一条紧急", urgency=Urgency.URGENT, sign_working_hours=1).full_clean()
    DeadlinePolicy(name="停用的", urgency=Urgency.URGENT, sign_working_hours=1, is_active=False).full_clean()


@pytest.mark.parametrize(
    ("model", "can_add"),
    [
        ("calendaroverride", True),
        ("calendaryear", True),
        ("deadlinepolicy", True),
        ("suspension", False),
        ("extension", False),
        ("timelost", False),
    ],
)
def test_admin_pages(model: str, can_add: bool) -> None:
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get(f"/admin/sla/{model}/").status_code == 200
    assert client.get(f"/admin/sla/{model}/add/").status_code == (200 if can_add else 403)
