"""A number that reaches intake with full-width digits (a Chinese input method's, an old system's
export) is stored in ASCII (`intake.actions.checked`), as the console's form keeps it: one caller
whatever the channel typed, found by their digits, counted as one person in SQL."""

from datetime import timedelta

import pytest

from hotline.core.enums import RepetitionKind
from hotline.intake.models import Appeal
from tests.supervision.conftest import at, open_flags, received, refresh

pytestmark = pytest.mark.django_db

START = at(2025, 3, 3, 10)

BODY = {
    "channel": "web",
    "citizen_name": "李女士",
    "title": "楼下餐馆油烟扰民",
    "content": "幸福路8号一楼餐馆油烟直排，影响楼上住户。",
}


def test_a_number_given_in_full_width_digits_is_stored_in_ascii(staff, api_as, client) -> None:
    api = api_as(staff["operator"])
    response = api.post("/appeals", {**BODY, "citizen_phone": "１３９－００００－５６７８"})
    assert response.status_code == 201, response.json()
    appeal = Appeal.objects.get()
    assert (appeal.citizen_phone, appeal.phone_tail) == ("139-0000-5678", "5678")
    # The operator typing the last digits finds the caller's ticket.
    client.force_login(staff["operator"])
    page = client.get("/console/caller/", {"citizen_phone": "5678"}).content.decode()
    assert f'data-number="{response.json()["number"]}"' in page


def test_one_caller_whose_number_was_typed_in_full_width_once_is_one_citizen(staff) -> None:
    phones = ["１３９ ００００ ５６７８", "139 0000 5678", "＋８６１３９００００５６７８"]
    for day, phone in enumerate(phones):
        received(staff, START + timedelta(days=day), phone=phone, citizen_name="赵先生", title=f"来电{day}")
    refresh(START + timedelta(days=3))
    [flag] = open_flags(RepetitionKind.CITIZEN)
    assert flag.count == 3
